"""The linear text classifier (bot.text_classifier): fitting, ranking, storing, and its errors."""

from __future__ import annotations

import numpy as np
import pytest

from bot.text_classifier import FAQ_TOPICS, LinearTextClassifier, Settings, fit, softmax

DIM = 6
EXAMPLES = {
    "cost": ["how much does it cost", "what is the price per week", "how expensive is the program"],
    "insurance": ["do you take medicaid", "is it covered by my insurance", "which insurance plans work"],
    "schedule": ["what are the hours", "when do the groups meet", "are there evening sessions"],
}


def _data() -> tuple[np.ndarray, list[str], list[str]]:
    """Each topic's examples near its own axis of the vector space, with their words."""
    rng = np.random.default_rng(7)
    vectors, texts, topics = [], [], []
    for axis, (topic, examples) in enumerate(EXAMPLES.items()):
        for text in examples:
            vector = np.eye(DIM)[axis] + 0.1 * rng.standard_normal(DIM)
            vectors.append(vector / np.linalg.norm(vector))
            texts.append(text)
            topics.append(topic)
    return np.vstack(vectors), texts, topics


def test_ranks_every_topic_best_first_with_confidences_that_sum_to_one() -> None:
    model = fit(*_data(), FAQ_TOPICS)
    ranking = model.rank(np.eye(DIM)[1][np.newaxis, :], ["does medicaid cover this"])[0]
    assert ranking[0].label == "insurance"
    assert sorted(score.label for score in ranking) == sorted(EXAMPLES)
    confidences = [score.confidence for score in ranking]
    assert confidences == sorted(confidences, reverse=True)
    assert sum(confidences) == pytest.approx(1.0)


def test_words_decide_when_the_meaning_is_unclear() -> None:
    """A vector between topics: the n-grams of "price" and "cost" carry the message to `cost`."""
    model = fit(*_data(), FAQ_TOPICS)
    between = np.ones(DIM) / np.sqrt(DIM)
    price = model.rank(between[np.newaxis, :], ["what's the price, how much does it cost"])
    assert price[0][0].label == "cost"
    assert model.rank(between[np.newaxis, :], ["when do groups meet, what hours"])[0][0].label == "schedule"


def test_two_topics_rank_both_ways() -> None:
    vectors, texts, topics = _data()
    keep = [i for i, topic in enumerate(topics) if topic != "schedule"]
    model = fit(vectors[keep], [texts[i] for i in keep], [topics[i] for i in keep], Settings())
    assert model.labels == ("cost", "insurance")
    assert model.rank(vectors[:1], texts[:1])[0][0].label == "cost"
    assert model.rank(vectors[3:4], texts[3:4])[0][0].label == "insurance"


def test_stored_and_rebuilt_it_ranks_the_same() -> None:
    model = fit(*_data(), FAQ_TOPICS)
    meta, arrays = model.to_dict()
    rebuilt = LinearTextClassifier.from_dict(meta, arrays)
    vectors, texts, _topics = _data()
    before = [[(s.label, s.confidence) for s in row] for row in model.rank(vectors, texts)]
    after = [[(s.label, s.confidence) for s in row] for row in rebuilt.rank(vectors, texts)]
    assert [[t for t, _c in row] for row in after] == [[t for t, _c in row] for row in before]
    np.testing.assert_allclose(
        [[c for _t, c in row] for row in after], [[c for _t, c in row] for row in before], atol=1e-5
    )


def test_parts_that_do_not_fit_together_are_refused() -> None:
    meta, arrays = fit(*_data(), FAQ_TOPICS).to_dict()
    with pytest.raises(ValueError, match="labels"):
        LinearTextClassifier.from_dict({**meta, "labels": ["cost", "insurance"]}, arrays)
    with pytest.raises(ValueError, match="sentence vector"):
        LinearTextClassifier.from_dict(meta, {**arrays, "weights": arrays["weights"][:, DIM:]})


def test_bad_inputs_get_clear_errors() -> None:
    vectors, texts, topics = _data()
    model = fit(vectors, texts, topics, Settings())
    assert model.rank(vectors[:0], []) == []
    with pytest.raises(ValueError, match="dimensions"):
        model.rank(np.ones((1, DIM + 1)), ["how much"])
    with pytest.raises(ValueError, match="two labels"):
        fit(vectors[:3], texts[:3], topics[:3], Settings())
    with pytest.raises(ValueError, match="vectors"):
        fit(vectors, texts[:-1], topics, Settings())


def test_softmax_is_stable_for_large_values() -> None:
    result = softmax(np.array([[1000.0, 1000.0, -1000.0]]))
    np.testing.assert_allclose(result, [[0.5, 0.5, 0.0]])


def test_the_temperature_sharpens_the_confidences_but_keeps_the_order() -> None:
    vectors, texts, topics = _data()
    soft = fit(vectors, texts, topics, Settings(temperature=0.5)).rank(vectors[:1], texts[:1])[0]
    sharp = fit(vectors, texts, topics, Settings(temperature=5.0)).rank(vectors[:1], texts[:1])[0]
    assert [s.label for s in soft] == [s.label for s in sharp]
    assert sharp[0].confidence > soft[0].confidence
