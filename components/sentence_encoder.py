"""Dense sentence features from the pretrained encoder (bot.encoder, all-MiniLM-L6-v2).

Put it in config.yml before the intent classifier, the FAQ topic selector and the safety detector:

    - name: components.sentence_encoder.SentenceEncoderFeaturizer

It adds one 384-number sentence feature to the text of every message, which the classifiers read
beside their own n-grams (`sentence_vector`). The encoder is loaded once per process and shared;
training encodes in batches; nothing is cached per conversation. Sentence features only: every
classifier here reads the whole message's vector, so token-level vectors would add nothing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.encoder import MODEL_NAME, REVISION, SentenceEncoder, load_encoder

ATTRIBUTES = (TEXT,)
ALIAS = "sentence_encoder"
"""The featurizer's name on its features, so other components can ask for exactly these."""


def sentence_vector(message: Message) -> npt.NDArray[np.float64] | None:
    """The encoder's sentence vector of the message's text, as this featurizer added it (None if absent)."""
    _sequence, sentence = message.get_dense_features(TEXT, [ALIAS])
    if sentence is None:
        return None
    return np.asarray(sentence.features, dtype=np.float64).reshape(-1)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=False)
class SentenceEncoderFeaturizer(DenseFeaturizer, GraphComponent):
    """Adds the all-MiniLM-L6-v2 sentence vector of the text as a dense feature."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """`model_dir`: the encoder's directory (None: bot.encoder's default); `batch_size` for training."""
        return {
            **DenseFeaturizer.get_default_config(),
            "alias": ALIAS,
            "model_dir": None,
            "batch_size": 64,
            # Part of the config, so a different encoder revision changes the training fingerprint.
            "encoder": f"{MODEL_NAME}@{REVISION}",
        }

    @staticmethod
    def required_packages() -> list[str]:
        """Packages the encoder needs beside Rasa."""
        return ["transformers", "tokenizers"]

    def __init__(self, config: dict[str, Any], name: str, encoder: SentenceEncoder) -> None:
        """Merge `config` over the defaults and keep the loaded `encoder`."""
        super().__init__(name, {**self.get_default_config(), **config})
        self._encoder = encoder

    @classmethod
    def validate_config(cls, config: dict[str, Any]) -> None:
        """Nothing beyond Rasa's own checks."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SentenceEncoderFeaturizer:
        """Load (or reuse) the process's encoder."""
        directory = config.get("model_dir")
        encoder = load_encoder(str(directory) if directory else None)
        # Rasa types node_name Optional (the graph always sets it); its own featurizers pass it on as here
        return cls(config, execution_context.node_name, encoder)  # type: ignore[arg-type]

    def _featurize(self, messages: list[Message], attribute: str) -> None:
        texts = [m.get(attribute) for m in messages]
        chosen = [(m, t) for m, t in zip(messages, texts, strict=True) if isinstance(t, str) and t.strip()]
        if not chosen:
            return
        # Each distinct text once (the training data repeats a few).
        unique = list(dict.fromkeys(t for _m, t in chosen))
        encoded = self._encoder.encode(unique, int(self._config["batch_size"]))
        vectors = dict(zip(unique, encoded, strict=True))
        for message, text in chosen:
            # sentence features only: Rasa skips a None sequence though it annotates the argument non-Optional
            self.add_features_to_message(None, vectors[text][np.newaxis, :], attribute, message)  # type: ignore[arg-type]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        """Featurize every training example's text, in batches."""
        for attribute in ATTRIBUTES:
            self._featurize(training_data.training_examples, attribute)
        return training_data

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurize incoming messages' text."""
        self._featurize(messages, TEXT)
        return messages
