"""components/word_tokenizer.py: spaCy's words and lemmas, no punctuation tokens."""

import pytest
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.utils.spacy_utils import SpacyNLP
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.word_tokenizer import WordTokenizer

SPACY_MODEL = "de_kundencenter_lemma"


@pytest.fixture(scope="module")
def spacy_nlp():
    model = SpacyNLP.load_model(SPACY_MODEL)
    return SpacyNLP(model, {**SpacyNLP.get_default_config(), "model": SPACY_MODEL}), model


def tokens_of(spacy_nlp, text):
    component, model = spacy_nlp
    message = Message({TEXT: text})
    component.process([message], model)
    WordTokenizer(WordTokenizer.get_default_config()).process([message])
    return message.get(TOKENS_NAMES[TEXT])


def test_punctuation_is_dropped_and_words_keep_offsets_and_lemmas(spacy_nlp):
    text = "Hallo, die Verknüpfung wurde gelöscht... warum?!"
    tokens = tokens_of(spacy_nlp, text)

    assert [token.text for token in tokens] == [
        "hallo",
        "die",
        "verknüpfung",
        "wurde",
        "gelöscht",
        "warum",
    ]
    assert [text[token.start : token.end].lower() for token in tokens] == [
        token.text for token in tokens
    ]
    assert tokens[4].lemma == "löschen"


def test_words_with_digits_or_hyphens_stay_whole(spacy_nlp):
    tokens = tokens_of(spacy_nlp, "2 Verträge, Nutzer-Verknüpfung: 0171")

    assert [token.text for token in tokens] == ["2", "verträge", "nutzer-verknüpfung", "0171"]


def test_a_message_of_punctuation_only_keeps_its_tokens(spacy_nlp):
    assert [token.text for token in tokens_of(spacy_nlp, "???")] != []
