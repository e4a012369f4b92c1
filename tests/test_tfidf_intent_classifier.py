"""components/tfidf_intent_classifier.py: trains, persists, loads and ranks intents."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from components.tfidf_intent_classifier import (
    NEGATION_MARK,
    QUESTION_MARK,
    Preprocessor,
    TfidfIntentClassifier,
    without_personal_data,
)

EXAMPLES = {
    "greet": ["hallo", "guten tag", "hi zusammen", "moin moin", "hallo ihr"],
    "goodbye": ["tschüss", "auf wiedersehen", "bis bald", "ciao", "schönen tag noch"],
    "no_login": [
        "ich habe keinen login",
        "noch kein konto",
        "wie registriere ich mich",
        "login fehlt mir",
        "kein zugang zum kundencenter",
    ],
}


def training_data(examples):
    return TrainingData(
        [
            Message({TEXT: text, INTENT: intent})
            for intent, texts in examples.items()
            for text in texts
        ]
    )


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path), Resource("tfidf"), ExecutionContext(GraphSchema({}), "test")


def trained_and_loaded(storage, examples, **config):
    model_storage, resource, context = storage
    component = TfidfIntentClassifier.create(
        {**TfidfIntentClassifier.get_default_config(), **config}, model_storage, resource, context
    )
    component.train(training_data(examples))
    return TfidfIntentClassifier.load(
        {**TfidfIntentClassifier.get_default_config(), **config}, model_storage, resource, context
    )


@pytest.mark.parametrize("classifier", ["logistic_regression", "linear_svm"])
def test_a_loaded_model_ranks_the_intents_of_unseen_messages(storage, classifier):
    loaded = trained_and_loaded(storage, EXAMPLES, classifier=classifier)
    messages = [
        Message({TEXT: "hallöchen"}),
        Message({TEXT: "ich hab noch keinen login"}),
        Message({TEXT: "tschüssi"}),
    ]
    loaded.process(messages)

    assert [m.get(INTENT)["name"] for m in messages] == ["greet", "no_login", "goodbye"]
    for message in messages:
        ranking = message.get(INTENT_RANKING_KEY)
        assert [r["name"] for r in ranking][0] == message.get(INTENT)["name"]
        assert sorted({r["name"] for r in ranking}) == sorted(EXAMPLES)
        confidences = [r["confidence"] for r in ranking]
        assert confidences == sorted(confidences, reverse=True)
        assert sum(confidences) == pytest.approx(1.0)


def test_the_ranking_is_cut_to_its_length(storage):
    loaded = trained_and_loaded(storage, EXAMPLES, ranking_length=2)
    message = Message({TEXT: "hallo"})
    loaded.process([message])
    assert len(message.get(INTENT_RANKING_KEY)) == 2


def test_empty_and_odd_texts_get_an_intent_without_crashing(storage):
    loaded = trained_and_loaded(storage, EXAMPLES)
    messages = [
        Message({TEXT: ""}),
        Message({TEXT: "🙂🙂"}),
        Message({TEXT: "<b>\x00</b>"}),
        Message({TEXT: "x" * 5000}),
    ]
    loaded.process(messages)
    assert all(m.get(INTENT)["name"] in EXAMPLES for m in messages)


def test_a_model_of_one_intent_predicts_nothing(storage):
    loaded = trained_and_loaded(storage, {"greet": EXAMPLES["greet"]})
    message = Message({TEXT: "hallo"})
    loaded.process([message])
    assert message.get(INTENT) is None


@pytest.mark.parametrize(
    "text, read",
    [
        (
            "Was passiert nach einer Kündigung? meine IBAN: [IBAN]",
            "Was passiert nach einer Kündigung?",
        ),
        ("meine Rufnummer ist [Rufnummer], was ist das BSP?", "was ist das BSP?"),
        (
            "Vertrag fehlt im Kundencenter Vertragsnummer [Vertragsnummer]",
            "Vertrag fehlt im Kundencenter",
        ),
    ],
)
def test_personal_data_says_nothing_about_the_intent(text, read):
    assert without_personal_data(text) == read


def test_a_description_around_a_placeholder_stays():
    text = "Mein Handyvertrag mit der Rufnummer [Rufnummer] wird im Kundencenter nicht angezeigt"
    assert without_personal_data(text).split() == (
        "Mein Handyvertrag mit wird im Kundencenter nicht angezeigt".split()
    )


@pytest.mark.parametrize(
    "text, question, negation",
    [
        ("Braucht jeder Vertragsinhaber ein eigenes Login?", True, False),
        ("wie lösche ich eine verknüpfung", True, False),
        ("Kann man die Rolle ändern", True, False),
        ("mein vertrag wird nicht angezeigt", False, True),
        ("hab noch keinen Account", False, True),
        ("ich hab einen account", False, False),
        ("warum sehe ich nix?", True, True),
    ],
)
def test_questions_and_negations_are_marked_for_the_classifier(text, question, negation):
    read = Preprocessor(True, False, mark_questions=True, mark_negation=True)(text)
    assert (QUESTION_MARK.strip() in read.split()) == question
    assert (NEGATION_MARK.strip() in read.split()) == negation
    assert Preprocessor(True, False, False, False)(text) == read.split(" zz")[0]


def test_a_model_with_marks_is_stored_and_loaded(storage):
    loaded = trained_and_loaded(storage, EXAMPLES, mark_questions=True, mark_negation=True)
    message = Message({TEXT: "ich hab noch keinen login"})
    loaded.process([message])
    assert message.get(INTENT)["name"] == "no_login"
