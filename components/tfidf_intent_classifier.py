"""Intents from TF-IDF word and character n-grams and a logistic regression.

Rasa's own LogisticRegressionClassifier takes its features from CountVectorsFeaturizer:
raw counts, no TF-IDF weighting, no sublinear term frequency, and no regularisation
strength to set. Customer messages are short answers and long pasted stories alike, and
in long stories the few words that matter drown among counts of words that do not. This
component fits scikit-learn's TfidfVectorizer (words, and character n-grams inside word
boundaries for typos; umlauts folded as the normaliser folds them) and a LogisticRegression
on the message text itself, so it needs no tokenizer, featurizer or spaCy model before it. The measurements
that chose it and its settings are in config.yml and docs/benchmarks.md.
"""

import re
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

import joblib
import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline, make_pipeline, make_union
from sklearn.svm import LinearSVC

from actions.normaliser import fold_letters
from channels import masking

MODEL_FILE = "tfidf_intent_classifier.joblib"


# The placeholders channels/masking.py leaves.
_PLACEHOLDER = re.compile(
    "|".join(
        re.escape(p)
        for p in (
            masking.PHONE,
            masking.CUSTOMER_NUMBER,
            masking.CONTRACT_NUMBER,
            masking.EMAIL,
            masking.IBAN,
            masking.BIRTH_DATE,
            masking.SECRET,
            masking.ADDRESS,
        )
    )
)
# The words that hand the data over, right before its placeholder ("meine IBAN ist [IBAN]").
_DATA_WORDS = re.compile(
    r"(?:\b(?:meine?|die|das|der|ist|lautet|unter|an|von|am|erreichbar|schreiben|sie|tel|"
    r"handynummer|rufnummer|nummer|kundennummer|kundennr|kd|nr|vertragsnummer|vertrags|iban|"
    r"e-mail|mail|adresse|passwort|kennwort|pin|geboren|abgebucht)\b[.:-]*\s*){0,4}$",
    re.IGNORECASE,
)
_CLAUSE_END = re.compile(r"(?<=[,;.!?])\s+")
# Where a placeholder was, while the clauses around it are weighed.
_GAP = "\x00"


def without_personal_data(text: str) -> str:
    """The message without its placeholders, the words that named the data ("meine IBAN
    ist"), and the clauses left with nothing else: "meine IBAN: [IBAN]" made questions look
    like the customer's own case."""
    pieces = _PLACEHOLDER.split(text)
    if len(pieces) == 1:
        return text.strip()
    gapped = _GAP.join([_DATA_WORDS.sub("", piece) for piece in pieces[:-1]] + pieces[-1:])
    kept = [
        clause
        for clause in _CLAUSE_END.split(gapped)
        if _GAP not in clause or re.search(r"\w", clause.replace(_GAP, ""))
    ]
    return " ".join(" ".join(kept).replace(_GAP, " ").split())


# A message that asks something ("Braucht jeder ... ein eigenes Login?") rather than tells
# the customer's own case: the word n-grams alone drop the "?".
_QUESTION = re.compile(
    r"\?|^\W*(?:wie|was|wo|wann|warum|wieso|weshalb|welche[rsmn]?|wer|wen|wem|woher|wohin|"
    r"womit|wozu|woran|worauf|kann man|muss man|darf man|gibt es)\b",
    re.IGNORECASE,
)
QUESTION_MARK = " zzfragezz"
# A message that says something is not there or not so: "ich hab einen account" is an answer,
# "ich hab keinen account" no_login, and one character apart in the n-grams.
_NEGATION = re.compile(r"\b(?:nicht|kein\w*|nie|nichts|nix|ohne|garnicht)\b", re.IGNORECASE)
NEGATION_MARK = " zzneinzz"


class Preprocessor:
    """What the vectorizers read of a message; a module-level class, as the fitted pipeline
    is pickled with it."""

    def __init__(
        self,
        fold_spelling: bool,
        drop_personal_data: bool,
        mark_questions: bool,
        mark_negation: bool,
    ):
        self.fold_spelling = fold_spelling
        self.drop_personal_data = drop_personal_data
        self.mark_questions = mark_questions
        self.mark_negation = mark_negation

    def __call__(self, text: str) -> str:
        if self.drop_personal_data:
            text = without_personal_data(text)
        if self.mark_questions and _QUESTION.search(text):
            text += QUESTION_MARK
        if self.mark_negation and _NEGATION.search(text):
            text += NEGATION_MARK
        return fold_letters(text) if self.fold_spelling else text.lower()


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TfidfIntentClassifier(GraphComponent, IntentClassifier):
    """Predicts intents with a scikit-learn TF-IDF + LogisticRegression pipeline."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            # "Geschäft", "Geschaeft" and "Geschaft" as one spelling, as the normaliser reads them.
            "fold_spelling": True,
            "word_ngrams": [1, 2],
            "char_ngrams": [2, 5],
            # "logistic_regression", or "linear_svm": a linear SVM, its scores made
            # probabilities by Platt scaling on 3 folds (for the FallbackClassifier).
            "classifier": "logistic_regression",
            # Inverse regularisation strength of the classifier.
            "C": 10.0,
            # For the logistic regression: "newton-cg", one multinomial model of all intents;
            # or "liblinear", one binary model per intent, their probabilities normalised.
            "solver": "newton-cg",
            # "balanced" weighs every intent alike however many examples it has.
            "class_weight": None,
            "ranking_length": 10,
            # Read the message without the clauses that only give personal data.
            "without_personal_data": False,
            # Add one token to messages that ask something (a "?", or a question word first).
            "mark_questions": False,
            # Add one token to messages that deny something ("nicht", "kein", "ohne" ...).
            "mark_negation": False,
            "random_seed": 42,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        pipeline: Optional[Pipeline] = None,
    ) -> None:
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._pipeline = pipeline

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TfidfIntentClassifier":
        return cls(config, model_storage, resource)

    def _preprocessor(self) -> Preprocessor:
        return Preprocessor(
            self._config["fold_spelling"],
            self._config["without_personal_data"],
            self._config["mark_questions"],
            self._config["mark_negation"],
        )

    def _new_pipeline(self) -> Pipeline:
        def vectorizer(analyzer: Text, ngrams: List[int]) -> TfidfVectorizer:
            return TfidfVectorizer(
                analyzer=analyzer,
                ngram_range=tuple(ngrams),
                preprocessor=self._preprocessor(),
                sublinear_tf=True,
            )

        return make_pipeline(
            make_union(
                vectorizer("word", self._config["word_ngrams"]),
                vectorizer("char_wb", self._config["char_ngrams"]),
            ),
            self._new_classifier(),
        )

    def _new_classifier(self) -> Any:
        seed = self._config["random_seed"]
        if self._config["classifier"] == "linear_svm":
            svm = LinearSVC(C=self._config["C"], class_weight=self._config["class_weight"])
            return CalibratedClassifierCV(
                svm, cv=StratifiedKFold(3, shuffle=True, random_state=seed)
            )
        # Of the multinomial solvers newton-cg is the fastest here (lbfgs spends half its time
        # in its own updates of the 30 intents x 44,000 n-gram weights); liblinear's binary
        # models fit in a sixth of its time (config.yml says what that costs).
        return LogisticRegression(
            C=self._config["C"],
            class_weight=self._config["class_weight"],
            solver=self._config["solver"],
            max_iter=5000,
            random_state=seed,
        )

    def fit(self, texts: List[Text], labels: List[Text]) -> Pipeline:
        """The fitted scikit-learn pipeline (also what benchmarks/nlu_cv.py scores)."""
        # As an array: CalibratedClassifierCV of scikit-learn 1.1 miscounts a list of labels.
        return self._new_pipeline().fit(texts, np.asarray(labels))

    def train(self, training_data: TrainingData) -> Resource:
        examples = [m for m in training_data.intent_examples if m.get(TEXT)]
        intents = {m.get(INTENT) for m in examples}
        if len(intents) < 2:
            # Nothing to tell apart; process() then leaves messages to the other classifiers.
            return self._resource
        self._pipeline = self.fit(
            [m.get(TEXT) for m in examples], [m.get(INTENT) for m in examples]
        )
        with self._model_storage.write_to(self._resource) as directory:
            joblib.dump(self._pipeline, Path(directory) / MODEL_FILE)
        return self._resource

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "TfidfIntentClassifier":
        try:
            with model_storage.read_from(resource) as directory:
                pipeline = joblib.load(Path(directory) / MODEL_FILE)
        except (ValueError, FileNotFoundError):
            # A model trained on one intent or none: as Rasa's classifiers do, no predictions.
            pipeline = None
        return cls(config, model_storage, resource, pipeline)

    def process(self, messages: List[Message]) -> List[Message]:
        if self._pipeline is None:
            return messages
        texts = [m.get(TEXT) or "" for m in messages]
        classes = self._pipeline.classes_
        for message, probabilities in zip(messages, self._pipeline.predict_proba(texts)):
            order = np.argsort(probabilities)[::-1][: self._config["ranking_length"]]
            ranking = [
                {"name": str(classes[i]), "confidence": float(probabilities[i])} for i in order
            ]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages
