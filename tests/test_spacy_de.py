"""The German spaCy pipeline (tools/build_spacy_de.py) lemmatises what customers type."""
import pytest
import spacy
from rasa.nlu.utils.spacy_utils import SpacyNLP


@pytest.fixture(scope="module")
def nlp():
    return spacy.load("de_kundencenter_lemma")


def test_rasa_hands_spacy_lowercased_text():
    # Why the lowercase forms matter: SpacyNLP lowercases before spaCy sees the text.
    assert SpacyNLP.get_default_config()["case_sensitive"] is False


@pytest.mark.parametrize("text, lemmas", [
    ("Verträge", ["Vertrag"]),
    ("verträge", ["Vertrag"]),
    ("die verknüpfungen wurden gelöscht", ["der", "Verknüpfung", "werden", "löschen"]),
])
def test_lemmas_whatever_the_case(nlp, text, lemmas):
    assert [token.lemma_ for token in nlp(text)] == lemmas
