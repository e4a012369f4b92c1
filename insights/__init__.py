"""Insights for the support team: what customers ask, where the bot helps, where it fails.

Read from the tracker store the bot already writes (insights/store.py), folded into figures
in one pass (insights/figures.py), shown as one self-contained HTML page (insights/page.py,
insights/charts.py) and exported as CSV and an NLU training-data draft (insights/export.py).
`python -m insights` (make report) runs it; insights/markers.yml states the measures that
Rasa's markers can express, for `rasa evaluate markers`.
"""
