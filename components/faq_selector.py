"""NLU glue for the FAQ topic classifier (bot.text_classifier), in place of Rasa's ResponseSelector.

Put it in config.yml after SentenceEncoderFeaturizer:

    - name: components.faq_selector.FaqTopicSelector
      retrieval_intent: faq

It learns from the `faq/<topic>` examples and writes, for every message, the same `response_selector`
output as Rasa's ResponseSelector, so the retrieval action `utter_faq`, `rasa test nlu`, the
cross-validation and bot.fallback read it unchanged:

    {"all_retrieval_intents": ["faq"],
     "faq": {"response": {"intent_response_key": "faq/cost", "utter_action": "utter_faq/cost",
                          "confidence": 0.97, "responses": [{"text": ...}]},
             "ranking": [{"intent_response_key": "faq/cost", "confidence": 0.97}, ...]}}

The model is stored in the component's resource as a JSON file of settings, vocabularies and the answers'
texts, and a numpy file of weights (no pickle).
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any, Callable

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_RESPONSE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import text_classifier
from bot.config import PROJECT_ROOT
from components.sentence_encoder import sentence_vector

logger = logging.getLogger(__name__)

PROPERTY = "response_selector"
RETRIEVAL_INTENTS = "all_retrieval_intents"
SETTINGS_FILE = "classifier.json"
WEIGHTS_FILE = "classifier.npz"
MODEL_CODE = ("bot/text_classifier.py", "bot/text_features.py", "bot/encoder.py")


def default_config(settings: text_classifier.Settings) -> dict[str, Any]:
    """A component's defaults: the fitting settings, the ranking's length and the seed."""
    return {
        "regularisation": settings.regularisation,
        "vector_weight": settings.vector_weight,
        "temperature": settings.temperature,
        "ranking_length": 10,
        "random_seed": 2718,
    }


def code_fingerprint() -> str:
    """The model's code beyond the component's module, so Rasa's training cache refits when it changes."""
    digest = hashlib.sha256()
    for name in MODEL_CODE:
        file = PROJECT_ROOT / name
        digest.update(file.read_bytes() if file.is_file() else b"-")
    return digest.hexdigest()


def fit_examples(
    examples: list[Message], label_of: Callable[[Message], str | None], config: dict[str, Any]
) -> text_classifier.LinearTextClassifier:
    """Fit on the examples that `label_of` labels (None: left out); each needs its sentence vector."""
    vectors, texts, labels = [], [], []
    for example in examples:
        label = label_of(example)
        if label is None:
            continue
        vector = sentence_vector(example)
        if vector is None:
            raise ValueError("no sentence features: put SentenceEncoderFeaturizer before this classifier")
        vectors.append(vector)
        texts.append(str(example.get(TEXT)))
        labels.append(label)
    if not vectors:
        raise ValueError("no labelled examples in the training data")
    settings = text_classifier.Settings(
        float(config["regularisation"]), float(config["vector_weight"]), float(config["temperature"])
    )
    return text_classifier.fit(np.vstack(vectors), texts, labels, settings, int(config["random_seed"]))


def store(
    model_storage: ModelStorage,
    resource: Resource,
    classifier: text_classifier.LinearTextClassifier,
    extra: dict[str, Any] | None = None,
) -> None:
    """Write the classifier (and JSON-serialisable `extra`) into the resource."""
    meta, arrays = classifier.to_dict()
    with model_storage.write_to(resource) as directory:
        settings = {"model": meta, **(extra or {})}
        (directory / SETTINGS_FILE).write_text(json.dumps(settings), encoding="utf-8")
        np.savez(Path(directory) / WEIGHTS_FILE, **arrays)


def restore(
    model_storage: ModelStorage, resource: Resource
) -> tuple[text_classifier.LinearTextClassifier, dict[str, Any]] | None:
    """The stored classifier and its settings file's contents; None (logged) when missing or broken."""
    try:
        with model_storage.read_from(resource) as directory:
            settings = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
            with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as arrays:
                weights = {name: arrays[name] for name in arrays.files}
        return text_classifier.LinearTextClassifier.from_dict(settings["model"], weights), settings
    except (ValueError, OSError, KeyError) as exc:
        logger.error("no trained classifier in the model resource %s (%s)", resource.name, type(exc).__name__)
        return None


def ranked(
    classifier: text_classifier.LinearTextClassifier | None, message: Message
) -> list[text_classifier.LabelScore] | None:
    """The message's labels, best first; None without a model, a text or a sentence vector."""
    text = message.get(TEXT)
    vector = sentence_vector(message)
    if classifier is None or not isinstance(text, str) or vector is None:
        return None
    return classifier.rank(vector[np.newaxis, :], [text])[0]


def selection(
    ranking: list[text_classifier.LabelScore],
    retrieval_intent: str,
    responses: dict[str, list[dict[str, Any]]],
    ranking_length: int,
) -> dict[str, Any]:
    """The ResponseSelector-shaped prediction for one message from its ranked topics."""
    keys = [f"{retrieval_intent}/{score.label}" for score in ranking]
    return {
        "response": {
            "responses": responses.get(f"utter_{keys[0]}") or [{"text": keys[0]}],
            "confidence": ranking[0].confidence,
            "intent_response_key": keys[0],
            "utter_action": f"utter_{keys[0]}",
        },
        "ranking": [
            {"intent_response_key": key, "confidence": score.confidence}
            for key, score in zip(keys[:ranking_length], ranking[:ranking_length], strict=False)
        ],
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqTopicSelector(GraphComponent, IntentClassifier):
    """Chooses the FAQ answer of a message and writes it as Rasa's response selector does."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The retrieval intent; settings chosen by cross-validation (bot.text_classifier.FAQ_TOPICS)."""
        return {"retrieval_intent": "faq", **default_config(text_classifier.FAQ_TOPICS)}

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The model's code, for Rasa's training cache."""
        return code_fingerprint()

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: text_classifier.LinearTextClassifier | None = None,
        responses: dict[str, list[dict[str, Any]]] | None = None,
    ) -> None:
        """Merge `config` over the defaults; keep the fitted `classifier` and the answers' texts."""
        self.component_config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier
        self._responses = responses or {}

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> FaqTopicSelector:
        """An untrained component."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> FaqTopicSelector:
        """The trained component; without its files, messages get no FAQ topic (logged)."""
        stored = restore(model_storage, resource)
        if stored is None:
            return cls(config, model_storage, resource)
        classifier, settings = stored
        return cls(config, model_storage, resource, classifier, settings.get("responses") or {})

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the topic model on the retrieval intent's examples and persist it with the answers."""
        intent = str(self.component_config["retrieval_intent"])

        def topic(example: Message) -> str | None:
            key = str(example.get(INTENT_RESPONSE_KEY) or "")
            return key.split("/", 1)[1] if example.get(INTENT) == intent and "/" in key else None

        try:
            classifier = fit_examples(training_data.intent_examples, topic, self.component_config)
        except ValueError as exc:
            raise ValueError(f"FaqTopicSelector ({intent}/<topic> examples): {exc}") from exc
        responses = {
            name: list(variations)
            for name, variations in training_data.responses.items()
            if name.startswith(f"utter_{intent}/")
        }
        store(self._model_storage, self._resource, classifier, {"responses": responses})
        self._classifier = classifier
        self._responses = responses
        return self._resource

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the FAQ topic ranking to each message with a text and a sentence vector."""
        intent = str(self.component_config["retrieval_intent"])
        length = int(self.component_config["ranking_length"])
        for message in messages:
            ranking = ranked(self._classifier, message)
            if not ranking:
                continue
            properties = dict(message.get(PROPERTY) or {})
            properties[RETRIEVAL_INTENTS] = [intent]
            properties[intent] = selection(ranking, intent, self._responses, length)
            message.set(PROPERTY, properties, add_to_output=True)
        return messages
