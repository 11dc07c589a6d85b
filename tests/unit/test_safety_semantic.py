"""The semantic crisis classifier: fitting, scoring, storing (bot.safety.semantic)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.safety import semantic
from bot.safety.semantic import CrisisClassifier, SemanticLayer, fit


def _data(seed: int = 1) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    centres = {"none": np.eye(8)[0], "suicide": np.eye(8)[1], "overdose": np.eye(8)[2]}
    vectors, labels = [], []
    for label, centre in centres.items():
        count = 60 if label == "none" else 15
        vectors.append(centre + 0.1 * rng.standard_normal((count, 8)))
        labels += [label] * count
    return np.vstack(vectors), labels


def test_fit_learns_danger_and_its_category() -> None:
    vectors, labels = _data()
    model = fit(vectors, labels)
    assert model.classes == ("none", "suicide", "overdose")
    quiet, danger = model.scores(np.vstack([np.eye(8)[0], np.eye(8)[2]]))
    assert quiet.probability < 0.2 and danger.probability > 0.8 and danger.category == "overdose"


def test_the_model_round_trips_through_json() -> None:
    model = fit(*_data())
    again = CrisisClassifier.from_dict(model.to_dict())
    probe = np.eye(8)[1:2]
    assert again.scores(probe)[0].probability == pytest.approx(model.scores(probe)[0].probability, abs=1e-5)


def test_labels_must_be_known_and_include_none() -> None:
    vectors, labels = _data()
    with pytest.raises(ValueError, match="unknown labels"):
        fit(vectors, ["fear", *labels[1:]])
    with pytest.raises(ValueError, match="none"):
        fit(vectors[60:], labels[60:])


def test_no_vectors_no_scores() -> None:
    assert fit(*_data()).scores(np.zeros((0, 8))) == []


def test_the_active_layer_is_shared_in_the_process() -> None:
    layer = SemanticLayer(fit(*_data()), lambda texts: np.tile(np.eye(8)[1], (len(texts), 1)), 0.5, 0.25)
    semantic.activate(layer)
    try:
        assert semantic.active() is layer
        (score,) = layer.score_texts(["anything"])
        assert score.category == "suicide" and score.probability > 0.8
    finally:
        semantic._ACTIVE.clear()
    assert semantic.active() is None
