"""The server-path timing in ops/evaluation/safety_test.py encodes only what the server would encode."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from bot.safety.semantic import SemanticScore
from ops.evaluation.safety_test import _server_seconds


class CountingEncoder:
    def __init__(self) -> None:
        self.encoded: list[str] = []

    def encode(self, texts: Sequence[str]) -> Any:
        self.encoded.extend(texts)
        return np.zeros((len(texts), 4))


class FixedClassifier:
    def scores(self, vectors: Any, texts: Sequence[str]) -> list[SemanticScore]:
        assert len(vectors) == len(texts)
        return [SemanticScore(0.1, "suicide") for _ in texts]


def test_the_whole_message_vector_is_reused_and_nothing_else_is_encoded() -> None:
    encoder = CountingEncoder()
    text = "how much does the evening program cost"
    seconds = _server_seconds(text, np.zeros((1, 4)), FixedClassifier(), encoder, 0.7, 0.5)
    assert seconds > 0 and encoder.encoded == []


def test_the_rest_after_a_vetoed_clause_is_encoded_as_the_server_does() -> None:
    encoder = CountingEncoder()
    text = "I'm not suicidal, but I have been feeling really hopeless lately"
    _server_seconds(text, np.zeros((1, 4)), FixedClassifier(), encoder, 0.7, 0.5)
    assert len(encoder.encoded) == 1 and "hopeless" in encoder.encoded[0]
    assert "suicidal" not in encoder.encoded[0]
