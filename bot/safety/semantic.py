"""The semantic crisis classifier: danger recognised by meaning, over the sentence encoder's vectors.

Two small models, fitted with the Rasa model (components/safety_detector.py):

- danger: a support vector machine (RBF kernel, Platt-scaled to a probability) that says how likely a
  message needs crisis resources. Its inputs are the all-MiniLM-L6-v2 sentence vector (meaning:
  bot.encoder) beside TF-IDF character and word n-grams (the exact words: "tonight", "counted out",
  misspellings), fitted on the crisis examples against every other example and the hard negatives
  (bot/safety/hard_negatives.yml).
- category: a multinomial logistic regression over the sentence vector of the crisis examples only,
  which of the six safety categories it is.

Measured on the development sets (tests/safety/corpus.yml and tests/safety_dev/), the sentence vector
alone could not tell "what are the signs of an overdose?" from an overdose; the n-grams fix much of
that. On those sets the kernel machine caught more crises than the logistic regression it replaced, at
the same false-alarm rate (docs/safety.md, "Semantic layer"). scikit-learn (a Rasa dependency) fits
them; prediction is numpy plus a TF-IDF transform.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np
import numpy.typing as npt

from bot.safety.detector import CATEGORIES
from bot.text_features import TextFeatures

NONE = "none"
CLASSES = (NONE, *CATEGORIES)
VECTOR_WEIGHT = 3.0
"""Scale of the sentence vector beside the TF-IDF features (unit vectors would otherwise be drowned)."""
FEW_COLUMNS = 16
"""Up to this many texts (a message's few), the kernel visits the support vectors by n-gram."""
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
class KernelMachine:
    """A fitted RBF support vector machine with Platt scaling: a text's inputs -> P(crisis).

    Its support vectors are training sentences, kept as their sentence vectors and n-gram rows (stored
    as texts and vectors; the n-grams are rebuilt with the same features when the model loads).
    """

    support_texts: tuple[str, ...]
    support_vectors: npt.NDArray[np.float64]
    support_ngrams: Any
    """The support vectors' n-gram rows, a sparse matrix."""
    dual: npt.NDArray[np.float64]
    intercept: float
    gamma: float
    platt_a: float
    platt_b: float
    _norms: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)
    _ngrams_by_feature: Any = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Square norms of the support vectors' inputs, and their n-grams by feature, computed once."""
        object.__setattr__(self, "_norms", _square_norms(self.support_vectors, self.support_ngrams))
        object.__setattr__(self, "_ngrams_by_feature", self.support_ngrams.T.tocsr())

    def probability(self, vectors: Vectors, ngrams: Any) -> npt.NDArray[np.float64]:
        """P(crisis) per text (its sentence vector and n-gram row): the Platt sigmoid of the decision value.

        scikit-learn's SVC.predict_proba gives the same within 1e-3 (libsvm couples the two classes'
        probabilities iteratively, to a tolerance).
        """
        vectors = np.asarray(vectors, dtype=np.float64)
        kernel = _rbf(
            (self.support_vectors, self.support_ngrams, self._norms),
            (vectors, ngrams, _square_norms(vectors, ngrams)),
            self.gamma,
            row_ngrams_by_feature=self._ngrams_by_feature,
        )
        decision = self.dual @ kernel + self.intercept
        from scipy.special import expit  # 1 / (1 + exp(-x)) without overflow

        return np.asarray(expit(self.platt_b - self.platt_a * decision), dtype=np.float64)


@dataclass(frozen=True)
class CrisisClassifier:
    """The fitted danger and category models (see the module docstring)."""

    features: TextFeatures
    danger: KernelMachine
    category_weights: npt.NDArray[np.float64]
    """categories x vector dimensions."""
    category_biases: npt.NDArray[np.float64]
    categories: tuple[str, ...] = CATEGORIES

    def scores(self, vectors: Vectors, texts: Sequence[str]) -> list[SemanticScore]:
        """One score per text, from its sentence vector (row of `vectors`) and its words."""
        if len(texts) == 0:
            return []
        danger = self.danger.probability(vectors, self.features.transform(texts))
        matrix = np.asarray(vectors, dtype=np.float64)
        category_logits = matrix @ self.category_weights.T + self.category_biases
        best = category_logits.argmax(axis=1)
        return [SemanticScore(float(p), self.categories[int(i)]) for p, i in zip(danger, best, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-serialisable form (stored with the Rasa model)."""
        return {
            **self.features.to_dict(),
            "danger": {
                "support_texts": list(self.danger.support_texts),
                "support_vectors": self.danger.support_vectors.round(6).tolist(),
                "dual": self.danger.dual.round(7).tolist(),
                "intercept": round(self.danger.intercept, 7),
                "gamma": self.danger.gamma,
                "platt_a": self.danger.platt_a,
                "platt_b": self.danger.platt_b,
            },
            "category_weights": self.category_weights.round(7).tolist(),
            "category_biases": self.category_biases.round(7).tolist(),
            "categories": list(self.categories),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CrisisClassifier:
        """Rebuild from `to_dict`'s output."""
        features = TextFeatures.from_dict(data)
        danger = data["danger"]
        texts = tuple(str(text) for text in danger["support_texts"])
        vectors = np.asarray(danger["support_vectors"], dtype=np.float64)
        machine = KernelMachine(
            texts,
            vectors,
            features.transform(texts),
            np.asarray(danger["dual"], dtype=np.float64),
            float(danger["intercept"]),
            float(danger["gamma"]),
            float(danger["platt_a"]),
            float(danger["platt_b"]),
        )
        return cls(
            features,
            machine,
            np.asarray(data["category_weights"], dtype=np.float64),
            np.asarray(data["category_biases"], dtype=np.float64),
            tuple(str(c) for c in data["categories"]),
        )


def _inputs(features: TextFeatures, vectors: Vectors, texts: Sequence[str]) -> Any:
    """The danger model's sparse inputs: the weighted sentence vector, then the n-grams."""
    return _stacked(np.asarray(vectors, dtype=np.float64), features.transform(texts))


def _stacked(vectors: npt.NDArray[np.float64], ngrams: Any) -> Any:
    """The weighted sentence vectors beside their n-gram rows, one sparse row per text."""
    import scipy.sparse as sparse

    return sparse.hstack([sparse.csr_matrix(vectors * VECTOR_WEIGHT), ngrams]).tocsr()


def _scale_gamma(inputs: Any) -> float:
    """scikit-learn's gamma="scale", computed as it does: 1 / (columns x variance of the inputs)."""
    variance = inputs.multiply(inputs).mean() - inputs.mean() ** 2
    return float(1.0 / (inputs.shape[1] * variance))


def _square_norms(vectors: npt.NDArray[np.float64], ngrams: Any) -> npt.NDArray[np.float64]:
    """|x|^2 of each input [weighted sentence vector, n-grams]."""
    dense = VECTOR_WEIGHT**2 * np.einsum("ij,ij->i", vectors, vectors)
    return np.asarray(dense + np.asarray(ngrams.multiply(ngrams).sum(axis=1)).reshape(-1), dtype=np.float64)


Inputs = tuple[npt.NDArray[np.float64], Any, npt.NDArray[np.float64]]
"""Inputs of the danger model as their parts: sentence vectors, n-gram rows, square norms."""


def _rbf(
    rows: Inputs, columns: Inputs, gamma: float, row_ngrams_by_feature: Any = None
) -> npt.NDArray[np.float64]:
    """exp(-gamma |x_i - y_j|^2) for every row input x_i and column input y_j.

    Built from one dense product of the sentence vectors and one sparse product of the n-grams. In
    training (rows = columns = every text) libsvm, handed this matrix, finds the same machine as with
    kernel="rbf" on the inputs (the same support vectors, duals and intercept; Platt parameters equal
    to 1e-14), in seconds, not a minute: otherwise it computes every kernel row from the sparse inputs,
    in each of the six fits that probability=True makes. The cost is memory: n x n floats at training
    time (230 MB for 5,300 texts, 1.2 GB for 12,300).

    `row_ngrams_by_feature` (the rows' n-grams transposed, CSR) serves a message's few texts: their
    hundred or so n-grams then visit only the support vectors that share them, not every stored n-gram.
    """
    row_vectors, row_ngrams, row_norms = rows
    column_vectors, column_ngrams, column_norms = columns
    kernel = VECTOR_WEIGHT**2 * (row_vectors @ column_vectors.T)
    if row_ngrams_by_feature is not None and column_ngrams.shape[0] <= FEW_COLUMNS:
        kernel += np.asarray((column_ngrams @ row_ngrams_by_feature).toarray().T, dtype=np.float64)
    else:
        kernel += np.asarray((row_ngrams @ column_ngrams.T).toarray(), dtype=np.float64)
    kernel *= -2.0
    kernel += row_norms.reshape(-1, 1)
    kernel += column_norms.reshape(1, -1)
    np.maximum(kernel, 0.0, out=kernel)  # |x_i - y_j|^2, never below zero
    kernel *= -gamma
    return np.asarray(np.exp(kernel, out=kernel), dtype=np.float64)


def fit(
    vectors: Vectors,
    texts: Sequence[str],
    labels: Sequence[str],
    regularisation: float = 4.0,
    seed: int = 2718,
) -> CrisisClassifier:
    """Fit both models on sentence vectors, their texts and labels ("none" or a category).

    `regularisation` is C of both models; `seed` fixes the Platt scaling's internal folds.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.svm import SVC

    unknown = sorted(set(labels) - set(CLASSES))
    if unknown:
        raise ValueError(f"unknown labels {unknown}; expected {CLASSES}")
    labels = list(labels)
    danger = np.asarray([label != NONE for label in labels], dtype=int)
    if danger.all() or not danger.any():
        raise ValueError("need examples of 'none' and of at least one crisis category")
    vectors = np.asarray(vectors, dtype=np.float64)
    features = TextFeatures.fit(texts)
    ngrams = features.transform(texts)
    gamma = _scale_gamma(_stacked(vectors, ngrams))
    danger_model = SVC(C=regularisation, kernel="precomputed", probability=True, random_state=seed)
    inputs = (vectors, ngrams, _square_norms(vectors, ngrams))
    danger_model.fit(_rbf(inputs, inputs, gamma), danger)
    support = [int(i) for i in danger_model.support_]
    machine = KernelMachine(
        tuple(texts[i] for i in support),
        vectors[support],
        ngrams[support],
        np.asarray(danger_model.dual_coef_, dtype=np.float64).reshape(-1),
        float(danger_model.intercept_[0]),
        gamma,
        float(danger_model.probA_[0]),
        float(danger_model.probB_[0]),
    )
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
        machine,
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

    def scorer_reusing(
        self, text: str, vector: Vectors | None
    ) -> Callable[[Sequence[str]], list[SemanticScore]]:
        """`score_texts`, but `text` (the whole message) is scored from `vector`, its known sentence vector.

        The NLU's featurizer has already encoded the message; only the other texts (the rest after a
        vetoed clause, the sentences of a long message) are encoded here. Without a vector, all are.
        """
        return reusing_vector(self.classifier, self.encode, text, vector)


def reusing_vector(
    classifier: CrisisClassifier, encode: Encode, text: str, vector: Vectors | None
) -> Callable[[Sequence[str]], list[SemanticScore]]:
    """A scorer of texts that takes `vector` for `text` when it comes first and encodes only the rest."""

    def score(texts: Sequence[str]) -> list[SemanticScore]:
        reuse = vector is not None and bool(texts) and texts[0] == text
        others = list(texts[1:]) if reuse else list(texts)
        vectors = [np.asarray(vector).reshape(1, -1)] if reuse else []
        if others:
            vectors.append(np.asarray(encode(others)))
        return classifier.scores(np.vstack(vectors), texts) if vectors else []

    return score


_ACTIVE: list[SemanticLayer] = []


def activate(layer: SemanticLayer) -> None:
    """Make `layer` the process's semantic layer (the Rasa component does this when it loads)."""
    _ACTIVE[:] = [layer]


def active() -> SemanticLayer | None:
    """The process's semantic layer, or None where no trained model is loaded (rules only)."""
    return _ACTIVE[0] if _ACTIVE else None
