"""The semantic crisis classifier: danger recognised by meaning, over the sentence encoder's vectors.

Two small models, fitted with the Rasa model (components/safety_detector.py):

- danger: a logistic regression that says how likely a message needs crisis resources. Its inputs are
  the all-MiniLM-L6-v2 sentence vector (meaning: bot.encoder) beside TF-IDF character and word n-grams
  (the exact words: "tonight", "counted out", misspellings), fitted on the crisis examples against every
  other example and the hard negatives (bot/safety/hard_negatives.yml).
- category: a multinomial logistic regression over the sentence vector of the crisis examples only,
  which of the six safety categories it is.

Measured on the development sets (tests/safety/corpus.yml and tests/safety_dev/), the sentence vector
alone could not tell "what are the signs of an overdose?" from an overdose; the n-grams fix much of
that. scikit-learn (a Rasa dependency) fits them; prediction is numpy plus a TF-IDF transform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from bot.safety.detector import CATEGORIES

NONE = "none"
CLASSES = (NONE, *CATEGORIES)
WORD_PATTERN = r"(?u)\b\w[\w']*\b"
"""Words for the word n-grams: letters, digits and apostrophes ("don't", "od'd")."""
VECTOR_WEIGHT = 3.0
"""Scale of the sentence vector beside the TF-IDF features (unit vectors would otherwise be drowned)."""
Vectors = npt.NDArray[np.floating[Any]]
"""Sentence vectors, one row per text (float32 from the encoder, float64 once fitted)."""
Encode = Callable[[Sequence[str]], Vectors]
"""Texts -> unit-length sentence vectors (bot.encoder.SentenceEncoder.encode)."""


@dataclass(frozen=True)
class SemanticScore:
    """P(any crisis) and the likeliest category for one text."""

    probability: float
    category: str


@dataclass(frozen=True)
class TextFeatures:
    """TF-IDF character (2-5, within words) and word (1-2) n-grams with a fixed, fitted vocabulary."""

    char_vocabulary: dict[str, int]
    char_idf: npt.NDArray[np.float64]
    word_vocabulary: dict[str, int]
    word_idf: npt.NDArray[np.float64]

    @classmethod
    def fit(cls, texts: Sequence[str]) -> TextFeatures:
        """Learn the vocabularies and IDF weights from the training texts."""
        char, word = _vectorizers()
        char.fit(texts)
        word.fit(texts)
        return cls(
            {str(k): int(v) for k, v in char.vocabulary_.items()},
            np.asarray(char.idf_, dtype=np.float64),
            {str(k): int(v) for k, v in word.vocabulary_.items()},
            np.asarray(word.idf_, dtype=np.float64),
        )

    def transform(self, texts: Sequence[str]) -> Any:
        """A sparse matrix (n x features) for `texts`."""
        import scipy.sparse as sparse

        char, word = _vectorizers(self.char_vocabulary, self.word_vocabulary)
        char.idf_ = self.char_idf
        word.idf_ = self.word_idf
        return sparse.hstack([char.transform(texts), word.transform(texts)]).tocsr()

    @property
    def size(self) -> int:
        """The number of n-gram features."""
        return len(self.char_vocabulary) + len(self.word_vocabulary)


def _vectorizers(
    char_vocabulary: Mapping[str, int] | None = None, word_vocabulary: Mapping[str, int] | None = None
) -> tuple[Any, Any]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    char = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, vocabulary=char_vocabulary
    )
    word = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=WORD_PATTERN,
        vocabulary=word_vocabulary,
    )
    return char, word


@dataclass(frozen=True)
class CrisisClassifier:
    """The fitted danger and category models (see the module docstring)."""

    features: TextFeatures
    danger_weights: npt.NDArray[np.float64]
    """One weight per input: the sentence vector's dimensions first, then the n-grams."""
    danger_bias: float
    category_weights: npt.NDArray[np.float64]
    """categories x vector dimensions."""
    category_biases: npt.NDArray[np.float64]
    categories: tuple[str, ...] = CATEGORIES

    def _inputs(self, vectors: Vectors, texts: Sequence[str]) -> Any:
        import scipy.sparse as sparse

        dense = sparse.csr_matrix(np.asarray(vectors, dtype=np.float64) * VECTOR_WEIGHT)
        return sparse.hstack([dense, self.features.transform(texts)]).tocsr()

    def scores(self, vectors: Vectors, texts: Sequence[str]) -> list[SemanticScore]:
        """One score per text, from its sentence vector (row of `vectors`) and its words."""
        if len(texts) == 0:
            return []
        logits = self._inputs(vectors, texts) @ self.danger_weights + self.danger_bias
        danger = 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=np.float64)))
        matrix = np.asarray(vectors, dtype=np.float64)
        category_logits = matrix @ self.category_weights.T + self.category_biases
        best = category_logits.argmax(axis=1)
        return [SemanticScore(float(p), self.categories[int(i)]) for p, i in zip(danger, best, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (stored with the Rasa model)."""
        return {
            "char_vocabulary": self.features.char_vocabulary,
            "char_idf": self.features.char_idf.round(6).tolist(),
            "word_vocabulary": self.features.word_vocabulary,
            "word_idf": self.features.word_idf.round(6).tolist(),
            "danger_weights": self.danger_weights.round(7).tolist(),
            "danger_bias": round(self.danger_bias, 7),
            "category_weights": self.category_weights.round(7).tolist(),
            "category_biases": self.category_biases.round(7).tolist(),
            "categories": list(self.categories),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CrisisClassifier:
        """Rebuild from `to_dict`'s output."""
        features = TextFeatures(
            {str(k): int(v) for k, v in data["char_vocabulary"].items()},
            np.asarray(data["char_idf"], dtype=np.float64),
            {str(k): int(v) for k, v in data["word_vocabulary"].items()},
            np.asarray(data["word_idf"], dtype=np.float64),
        )
        return cls(
            features,
            np.asarray(data["danger_weights"], dtype=np.float64),
            float(data["danger_bias"]),
            np.asarray(data["category_weights"], dtype=np.float64),
            np.asarray(data["category_biases"], dtype=np.float64),
            tuple(str(c) for c in data["categories"]),
        )


def fit(
    vectors: Vectors,
    texts: Sequence[str],
    labels: Sequence[str],
    regularisation: float = 4.0,
    seed: int = 2718,
) -> CrisisClassifier:
    """Fit both models on sentence vectors, their texts and labels ("none" or a category)."""
    from sklearn.linear_model import LogisticRegression

    unknown = sorted(set(labels) - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected {CLASSES}")
    labels = list(labels)
    danger = np.asarray([label != NONE for label in labels], dtype=int)
    if danger.all() or not danger.any():
        raise ValueError("need examples of 'none' and of at least one crisis category")
    vectors = np.asarray(vectors, dtype=np.float64)
    features = TextFeatures.fit(texts)
    partial = CrisisClassifier(features, np.zeros(0), 0.0, np.zeros((0, 0)), np.zeros(0))
    danger_model = LogisticRegression(C=regularisation, max_iter=5000, random_state=seed)
    danger_model.fit(partial._inputs(vectors, texts), danger)
    crisis = danger.astype(bool)
    present = tuple(c for c in CATEGORIES if c in {labels[i] for i in np.flatnonzero(crisis)})
    if len(present) > 1:
        category_model = LogisticRegression(C=regularisation, max_iter=5000, random_state=seed)
        category_model.fit(vectors[crisis], [labels[i] for i in np.flatnonzero(crisis)])
        order = [list(category_model.classes_).index(c) for c in present]
        weights = np.asarray(category_model.coef_, dtype=np.float64)
        biases = np.asarray(category_model.intercept_, dtype=np.float64)
        if len(present) == 2:  # one row (for classes_[1]) for two classes: a row per class instead
            weights, biases = np.vstack([-weights[0], weights[0]]) / 2, np.array([-biases[0], biases[0]]) / 2
        category_weights, category_biases = weights[order], biases[order]
    else:
        category_weights, category_biases = np.zeros((1, vectors.shape[1])), np.zeros(1)
    return CrisisClassifier(
        features,
        np.asarray(danger_model.coef_[0], dtype=np.float64),
        float(danger_model.intercept_[0]),
        category_weights,
        category_biases,
        present,
    )


@dataclass(frozen=True)
class SemanticLayer:
    """The fitted classifier with the encoder it needs, as the NLU pipeline and the channel net share it."""

    classifier: CrisisClassifier
    encode: Encode
    threshold: float
    cue_threshold: float

    def score_texts(self, texts: Sequence[str]) -> list[SemanticScore]:
        """Encode and score several texts at once."""
        return self.classifier.scores(self.encode(list(texts)), texts) if texts else []


_ACTIVE: list[SemanticLayer] = []


def activate(layer: SemanticLayer) -> None:
    """Make `layer` the process's semantic layer (the Rasa component does this when it loads)."""
    _ACTIVE[:] = [layer]


def active() -> SemanticLayer | None:
    """The process's semantic layer, or None where no trained model is loaded (rules only)."""
    return _ACTIVE[0] if _ACTIVE else None
