"""`rasa data validate` must print no warning but one kind it cannot know better about.

Rasa's validator calls every response that no story or rule names "not used". It cannot
see responses that a form asks (`utter_ask_<slot>`), that custom actions send (the
steps, notes and hand-overs the linking rules refer to), that a channel sends, or that
Rasa's own default actions send (`utter_default`, `utter_restart`). Those warnings, and only those,
are accepted, after checking that the form or the code really sends the response.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import yaml

from actions.linking_rules import DIAGNOSES

ROOT = Path(__file__).resolve().parents[1]
# action_default_fallback and action_restart send these.
RASA_DEFAULT_ACTION_RESPONSES = {"utter_default", "utter_restart"}
UNUSED = re.compile(r"The utterance '([^']+)' is not used in any story or rule\.")


def responses_sent_by_form_and_code():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    asked = [slot for form in domain["forms"].values() for slot in form["required_slots"]]
    sent = {f"utter_ask_{slot}" for slot in asked}
    # action_diagnose, after a question was asked twice without an answer.
    sent.update(f"utter_give_up_{slot}" for slot in asked)
    sent.update(RASA_DEFAULT_ACTION_RESPONSES)
    for diagnosis in DIAGNOSES:
        sent.add(f"diagnosis_{diagnosis.id}")
        sent.add(f"handover_{diagnosis.handover}")
        sent.update(f"step_{step}" for step in diagnosis.steps)
        sent.update(f"note_{note}" for note in diagnosis.notes)
    for code in [*ROOT.glob("actions/*.py"), *ROOT.glob("channels/*.py")]:
        text = code.read_text(encoding="utf-8")
        sent.update(re.findall(r'response="([a-z_]+)"', text))
        sent.update(re.findall(r'"(utter_[a-z_]+)"', text))
        sent.update(re.findall(r'^[A-Z_]+ = "([a-z_]+)"$', text, flags=re.M))
    # action_answer_question answers each question the rules give it with answer_<intent>.
    sent.update(f"answer_{intent}" for intent in question_intents())
    # The "_with_link" variation, when the operator configured the link (actions.py).
    sent.update({f"{response}_with_link" for response in sent} & set(domain["responses"]))
    return sent


def test_the_form_lets_the_rules_answer_exactly_the_questions_they_name():
    from actions.actions import QUESTION_INTENTS

    assert set(question_intents()) == QUESTION_INTENTS


def question_intents():
    rules = yaml.safe_load((ROOT / "data/rules/diagnosis.yml").read_text(encoding="utf-8"))
    for rule in rules["rules"]:
        steps = rule["steps"]
        if {"action": "action_answer_question"} in steps:
            yield from (option["intent"] for option in steps[0]["or"])


def test_rasa_data_validate_has_no_unexpected_warning():
    env = dict(
        os.environ,
        RASA_TELEMETRY_ENABLED="false",
        TF_CPP_MIN_LOG_LEVEL="3",
        PYTHONWARNINGS="ignore::DeprecationWarning",
    )
    # Set for reproducible training; validating trains nothing, and Rasa warns about it.
    env.pop("TF_DETERMINISTIC_OPS", None)
    result = subprocess.run(
        [str(Path(sys.executable).parent / "rasa"), "data", "validate", "--fail-on-warnings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]

    sent = responses_sent_by_form_and_code()
    unexpected = []
    for line in output.splitlines():
        if "UserWarning" not in line:
            continue
        unused = UNUSED.search(line)
        if unused and unused.group(1) in sent:
            continue
        unexpected.append(line)
    assert not unexpected, "\n".join(unexpected)
