"""The semantic crisis classifier: fitting, scoring, storing (bot.safety.semantic)."""

from __future__ import annotations

import numpy as np
import pytest

from bot.safety import semantic
from bot.safety.semantic import CrisisClassifier, SemanticLayer, fit

QUIET = ["how much does it cost", "do you take medicaid", "what time are the groups", "is there parking"]
SUICIDE = ["i want to end my life tonight", "i am going to kill myself", "i have the pills ready to die"]
OVERDOSE = ["he took too many pills and is not breathing", "my friend overdosed and won't wake up"]


def _data() -> tuple[np.ndarray, list[str], list[str]]:
    rng = np.random.default_rng(1)
    centres = {"none": np.eye(8)[0], "suicide": np.eye(8)[1], "overdose": np.eye(8)[2]}
    texts = QUIET * 10 + SUICIDE * 4 + OVERDOSE * 5
    labels = ["none"] * 40 + ["suicide"] * 12 + ["overdose"] * 10
    vectors = np.vstack([centres[label] + 0.1 * rng.standard_normal(8) for label in labels])
    return vectors, texts, labels


def test_fit_learns_danger_and_its_category() -> None:
    model = fit(*_data())
    assert model.categories == ("suicide", "overdose")
    quiet, danger = model.scores(
        np.vstack([np.eye(8)[0], np.eye(8)[2]]), ["is there parking", "he is not breathing"]
    )
    assert quiet.probability < 0.3 and danger.probability > 0.7 and danger.category == "overdose"


def test_words_count_beside_the_sentence_vector() -> None:
    model = fit(*_data())
    neutral = np.full((2, 8), 0.35)
    calm, alarming = model.scores(neutral, ["what time are the groups", "i am going to kill myself tonight"])
    assert alarming.probability > calm.probability


def test_the_model_round_trips_through_json() -> None:
    import json

    model = fit(*_data())
    again = CrisisClassifier.from_dict(json.loads(json.dumps(model.to_dict())))
    probe, text = np.eye(8)[1:2], ["i am going to kill myself"]
    assert again.scores(probe, text)[0].probability == pytest.approx(
        model.scores(probe, text)[0].probability, abs=1e-5
    )


def test_labels_must_be_known_and_include_none() -> None:
    vectors, texts, labels = _data()
    with pytest.raises(ValueError, match="unknown labels"):
        fit(vectors, texts, ["fear", *labels[1:]])
    with pytest.raises(ValueError, match="none"):
        fit(vectors[40:], texts[40:], labels[40:])


def test_no_texts_no_scores() -> None:
    assert fit(*_data()).scores(np.zeros((0, 8)), []) == []


def test_the_active_layer_is_shared_in_the_process() -> None:
    layer = SemanticLayer(fit(*_data()), lambda texts: np.tile(np.eye(8)[1], (len(texts), 1)), 0.5, 0.25)
    semantic.activate(layer)
    try:
        assert semantic.active() is layer
        (score,) = layer.score_texts(["i am going to kill myself"])
        assert score.category == "suicide" and score.probability > 0.7
    finally:
        semantic._ACTIVE.clear()
    assert semantic.active() is None


def test_the_danger_probability_is_scikit_learns_svm_probability() -> None:
    from sklearn.svm import SVC

    vectors, texts, labels = _data()
    model = fit(vectors, texts, labels, regularisation=4.0, seed=7)
    inputs = semantic._inputs(model.features, vectors, texts)
    reference = SVC(C=4.0, kernel="rbf", gamma="scale", probability=True, random_state=7)
    reference.fit(inputs, [label != "none" for label in labels])
    probe = np.vstack([np.eye(8)[0], np.eye(8)[1], np.full(8, 0.3)])
    probe_texts = ["is there parking", "i am going to kill myself", "what time are the groups"]
    expected = reference.predict_proba(semantic._inputs(model.features, probe, probe_texts))[:, 1]
    got = [score.probability for score in model.scores(probe, probe_texts)]
    # libsvm couples the pairwise probability iteratively (tolerance 0.0025); ours is the exact sigmoid
    assert got == pytest.approx(list(expected), abs=1e-3)
    assert got[0] < 0.5 < got[1]


def test_the_precomputed_kernel_fits_the_machine_scikit_learn_fits_on_the_inputs() -> None:
    from sklearn.svm import SVC

    vectors, texts, labels = _data()
    model = fit(vectors, texts, labels, regularisation=4.0, seed=7)
    reference = SVC(C=4.0, kernel="rbf", gamma="scale", probability=True, random_state=7)
    reference.fit(semantic._inputs(model.features, vectors, texts), [label != "none" for label in labels])
    machine = model.danger
    assert machine.support_texts == tuple(texts[i] for i in reference.support_)
    assert machine.gamma == reference._gamma
    assert machine.dual == pytest.approx(np.ravel(reference.dual_coef_.toarray()), abs=1e-12)
    assert machine.intercept == pytest.approx(reference.intercept_[0], abs=1e-12)
    assert (machine.platt_a, machine.platt_b) == pytest.approx(
        (reference.probA_[0], reference.probB_[0]), abs=1e-9
    )


def test_a_messages_few_texts_get_the_kernel_of_the_general_product() -> None:
    vectors, texts, labels = _data()
    model = fit(vectors, texts, labels)
    machine = model.danger
    probe = np.vstack([np.eye(8)[0], np.eye(8)[1], np.full(8, 0.3)])
    ngrams = model.features.transform(["is there parking", "i am going to kill myself", "zzz"])
    rows = (machine.support_vectors, machine.support_ngrams, machine._norms)
    columns = (probe, ngrams, semantic._square_norms(probe, ngrams))
    general = semantic._rbf(rows, columns, machine.gamma)
    by_feature = semantic._rbf(rows, columns, machine.gamma, row_ngrams_by_feature=machine._ngrams_by_feature)
    assert by_feature.shape == (len(machine.support_texts), 3)
    assert by_feature == pytest.approx(general, abs=1e-12)
