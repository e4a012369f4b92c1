"""rasa_patches/graph_runner.py runs a model's graphs with the results dask gives."""

from pathlib import Path
from unittest import mock

import pytest
from rasa.core.agent import Agent
from rasa.engine.runner.dask import DaskGraphRunner
from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

import rasa_patches
from rasa_patches import graph_runner

rasa_patches.apply()  # as every Rasa server of the project does

MODEL = Path(__file__).resolve().parents[2] / "models" / "kundencenter.tar.gz"
CONVERSATIONS = [
    ["Hallo", "Mein Handyvertrag wird im Kundencenter nicht angezeigt", "privat", "ja"],
    ["da steht nur Nutzer, ich bin doch Vertragsinhaber", "nein"],
    ["wir sind geschaeftskunde", "danke, tschüss"],
    ["Wie ist das Wetter morgen?", "😀😀😀", ""],
]


def with_dask():
    return mock.patch.object(DaskGraphRunner, "run", graph_runner.rasa_run)


@pytest.fixture(scope="module")
def agent():
    assert MODEL.exists(), "make test trains the model first"
    return Agent.load(str(MODEL))


@pytest.mark.parametrize("messages", CONVERSATIONS, ids=lambda m: m[0][:20])
async def test_parses_and_next_actions_are_the_ones_dask_gives(agent, messages):
    tracker = DialogueStateTracker.from_events(
        "kunde",
        [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")],
        slots=agent.domain.slots,
    )
    for text in messages:
        parsed = await agent.parse_message(text)
        with with_dask():
            assert parsed == await agent.parse_message(text)
        tracker.update(
            UserUttered(text, parsed["intent"], parsed["entities"], parsed), agent.domain
        )

        prediction = agent.processor._predict_next_with_tracker(tracker)
        with with_dask():
            assert prediction == agent.processor._predict_next_with_tracker(tracker)
        action = agent.domain.action_names_or_texts[prediction.max_confidence_index]
        tracker.update(ActionExecuted(action), agent.domain)
        tracker.update(ActionExecuted("action_listen"), agent.domain)


def test_an_input_named_like_a_node_is_refused(agent):
    runner = agent.processor.graph_runner
    node = next(iter(runner._graph_schema.nodes))
    with pytest.raises(Exception, match="clashes with a node name"):
        runner.run(inputs={"__message__": node}, targets=[node])
