"""Shared NLU glue of the two linear classifiers of bot.text_classifier.

They are the intent classifier (components/intent_classifier.py) and the FAQ topic selector
(components/faq_selector.py).

Fitting on labelled examples with their sentence vectors, storing and restoring the model (a JSON file of
settings and vocabularies and a numpy file of weights, no pickle), ranking a message, and the parts of a
Rasa graph component both need: the defaults, Rasa's training cache key, `create` and `load`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from bot import text_classifier
from bot.config import PROJECT_ROOT
from components.sentence_encoder import sentence_vector

logger = logging.getLogger(__name__)

SETTINGS_FILE = "classifier.json"
WEIGHTS_FILE = "classifier.npz"
MODEL_CODE = (
    "bot/text_classifier.py", "bot/text_features.py", "bot/encoder.py", "components/linear_classifier.py"
)


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
    """The stored classifier and what was stored beside it; None (logged) when missing or broken."""
    try:
        with model_storage.read_from(resource) as directory:
            settings = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
            with np.load(directory / WEIGHTS_FILE, allow_pickle=False) as arrays:
                weights = {name: arrays[name] for name in arrays.files}
        model = text_classifier.LinearTextClassifier.from_dict(settings.pop("model"), weights)
        return model, settings
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
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


Component = TypeVar("Component", bound="LinearClassifierComponent")


class LinearClassifierComponent(GraphComponent, IntentClassifier):
    """A graph component holding one fitted classifier and what was stored beside it."""

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
        stored: dict[str, Any] | None = None,
    ) -> None:
        """Merge `config` over the defaults; keep the fitted `classifier` and the `stored` settings."""
        self.component_config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._classifier = classifier
        self._stored = stored or {}

    @classmethod
    def create(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> Component:
        """An untrained component."""
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls: type[Component],
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> Component:
        """The trained component; without its files it sets nothing on messages (logged)."""
        stored = restore(model_storage, resource)
        if stored is None:
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, *stored)

    def _keep(self, classifier: text_classifier.LinearTextClassifier, extra: dict[str, Any]) -> Resource:
        """Store the fitted classifier (and `extra`) and use it from now on."""
        store(self._model_storage, self._resource, classifier, extra)
        self._classifier = classifier
        self._stored = dict(extra)
        return self._resource
