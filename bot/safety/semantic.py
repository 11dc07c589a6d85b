"""The semantic crisis classifier: danger recognised by meaning, over the sentence encoder's vectors.

A multinomial logistic regression over all-MiniLM-L6-v2 sentence vectors (bot.encoder): the classes
are "none" and the six safety categories. It learns from the crisis training examples (labelled with
their category) against every other training example, which include the hard negatives: idioms,
questions about treatment, grief, hardship. `crisis_probability` is 1 - P(none); the category is the
likeliest of the six. Pure numpy at prediction time; scikit-learn (already a Rasa dependency) fits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from bot.safety.detector import CATEGORIES

NONE = "none"
CLASSES = (NONE, *CATEGORIES)
Encode = Callable[[Sequence[str]], np.ndarray]
"""Texts -> unit-length sentence vectors (bot.encoder.SentenceEncoder.encode)."""


@dataclass(frozen=True)
class SemanticScore:
    """P(any crisis) and the likeliest category for one text."""

    probability: float
    category: str


@dataclass(frozen=True)
class CrisisClassifier:
    """Weights (classes x dimensions) and biases of the fitted model; `classes` names the rows."""

    weights: np.ndarray
    biases: np.ndarray
    classes: tuple[str, ...] = CLASSES

    def scores(self, vectors: np.ndarray) -> list[SemanticScore]:
        """One score per row of `vectors` (n x dimensions)."""
        if len(vectors) == 0:
            return []
        logits = np.asarray(vectors, dtype=np.float64) @ self.weights.T + self.biases
        logits -= logits.max(axis=1, keepdims=True)
        probabilities = np.exp(logits)
        probabilities /= probabilities.sum(axis=1, keepdims=True)
        none = self.classes.index(NONE)
        crisis = [i for i, name in enumerate(self.classes) if name != NONE]
        result = []
        for row in probabilities:
            best = max(crisis, key=lambda i: row[i])
            result.append(SemanticScore(float(1.0 - row[none]), self.classes[best]))
        return result

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (stored with the Rasa model)."""
        return {
            "classes": list(self.classes),
            "weights": self.weights.round(7).tolist(),
            "biases": self.biases.round(7).tolist(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CrisisClassifier:
        """Rebuild from `to_dict`'s output."""
        return cls(
            weights=np.asarray(data["weights"], dtype=np.float64),
            biases=np.asarray(data["biases"], dtype=np.float64),
            classes=tuple(str(c) for c in data["classes"]),
        )


def fit(
    vectors: np.ndarray, labels: Sequence[str], regularisation: float = 4.0, seed: int = 2718
) -> CrisisClassifier:
    """Fit on sentence vectors and their labels ("none" or a category), classes balanced.

    Balanced class weights: a few hundred crisis examples against thousands of others must not teach
    the model that "none" is always the safe bet.
    """
    from sklearn.linear_model import LogisticRegression

    unknown = sorted(set(labels) - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected {CLASSES}")
    present = [c for c in CLASSES if c in set(labels)]
    if NONE not in present or len(present) < 2:
        raise ValueError("need examples of 'none' and of at least one crisis category")
    model = LogisticRegression(
        C=regularisation, class_weight="balanced", max_iter=2000, random_state=seed
    )
    model.fit(np.asarray(vectors, dtype=np.float64), list(labels))
    order = [list(model.classes_).index(c) for c in present]
    weights = np.asarray(model.coef_, dtype=np.float64)
    biases = np.asarray(model.intercept_, dtype=np.float64)
    if len(present) == 2:  # scikit-learn returns one row for two classes: expand to one per class
        weights = np.vstack([-weights[0] / 2, weights[0] / 2])
        biases = np.array([-biases[0] / 2, biases[0] / 2])
        order = [0, 1] if list(model.classes_) == present else [1, 0]
    return CrisisClassifier(weights[order], biases[order], tuple(present))


@dataclass(frozen=True)
class SemanticLayer:
    """The fitted classifier with the encoder it needs, as the NLU pipeline and the channel net share it."""

    classifier: CrisisClassifier
    encode: Encode
    threshold: float
    cue_threshold: float

    def score_texts(self, texts: Sequence[str]) -> list[SemanticScore]:
        """Encode and score several texts at once."""
        return self.classifier.scores(self.encode(list(texts))) if texts else []


_ACTIVE: list[SemanticLayer] = []


def activate(layer: SemanticLayer) -> None:
    """Make `layer` the process's semantic layer (the Rasa component does this when it loads)."""
    _ACTIVE[:] = [layer]


def active() -> SemanticLayer | None:
    """The process's semantic layer, or None where no trained model is loaded (rules only)."""
    return _ACTIVE[0] if _ACTIVE else None
