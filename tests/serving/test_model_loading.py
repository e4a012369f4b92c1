"""channels/model_loading.py loads DIET faster and channels/diet_inference.py calls it faster;
the model must predict exactly what Rasa's own loading and calls predict."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "kundencenter.tar.gz"
MESSAGES = [
    "Mein Handyvertrag wird im Kundencenter nicht angezeigt",
    "da steht nur Nutzer, ich bin doch Vertragsinhaber",
    "bin Privatkunde, alle Verträge auf meinen Namen, einer steht nur als Nutzer drin",
    "nutzer-eintrag ohne tarifbezeichnung und ohne nummer",
    "wir sind geschaeftskunde",
    "hab noch keinen login",
    "nein, die Verträge laufen auf verschiedene Namen",
    "Wie ist das Wetter morgen?",
    "😀😀😀",
]
# Prints every parse result as JSON; with "patched", after importing the faster loading and calls.
PARSE = """
import asyncio, json, sys
rasa_calls = []
if sys.argv[1] == "patched":
    import channels.diet_inference as fast, channels.model_loading
    rasa_predict = fast._rasa_predict
    fast._rasa_predict = lambda *args: rasa_calls.append(1) or rasa_predict(*args)
from rasa.core.agent import Agent
agent = Agent.load(sys.argv[2])
rasa_calls.clear()
loop = asyncio.new_event_loop()
parsed = [loop.run_until_complete(agent.parse_message(m)) for m in json.loads(sys.argv[3])]
if sys.argv[1] == "patched":
    assert not rasa_calls, rasa_calls  # only the load traces the graph through TensorFlow
print(json.dumps(parsed))
"""


def parse_all(loading: str) -> list:
    done = subprocess.run(
        [sys.executable, "-c", PARSE, loading, str(MODEL), json.dumps(MESSAGES)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_faster_loading_predicts_exactly_what_rasa_loading_predicts():
    assert MODEL.exists(), "make test trains the model first"
    patched, stock = parse_all("patched"), parse_all("stock")
    assert [r["intent"]["name"] for r in patched][:2] == ["contract_not_shown", "linked_only_as_user"]
    assert patched == stock
