"""LinearIntentClassifier NLU component: it sets the intent and the ranking as DIET did, stores and
loads its model, and leaves alone what it cannot read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.rasa

DIM = 6
INTENTS = {
    "affirm": ["yes", "yeah sure", "sounds good"],
    "deny": ["no", "nope", "not really"],
    "faq": ["how much does it cost", "what are the hours", "do you take medicaid"],
}


def _message(text: str, vector: np.ndarray | None, intent: str | None = None) -> Any:
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    message = Message(data={"text": text, **({"intent": intent} if intent else {})})
    if vector is not None:
        message.add_features(Features(vector[np.newaxis, :], "sentence", "text", "sentence_encoder"))
    return message


def _training_data(with_vectors: bool = True) -> Any:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    return TrainingData(
        [
            _message(text, np.eye(DIM)[axis] if with_vectors else None, intent)
            for axis, (intent, texts) in enumerate(INTENTS.items())
            for text in texts
        ]
    )


def _component(tmp_path: Path, config: dict[str, Any] | None = None) -> Any:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from components.intent_classifier import LinearIntentClassifier

    return LinearIntentClassifier(config or {}, LocalModelStorage(tmp_path), Resource("intents"))


def test_sets_the_intent_and_a_ranking_best_first(tmp_path: Path) -> None:
    component = _component(tmp_path, {"ranking_length": 2})
    component.train(_training_data())
    message = _message("nah not really", np.eye(DIM)[1])
    component.process([message])
    output = message.as_dict(only_output_properties=True)
    assert output["intent"]["name"] == "deny"
    ranking = output["intent_ranking"]
    assert len(ranking) == 2 and ranking[0] == output["intent"]
    assert ranking[0]["confidence"] > ranking[1]["confidence"]
    assert 0.0 < ranking[0]["confidence"] <= 1.0


def test_the_loaded_model_classifies_as_the_trained_one(tmp_path: Path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema

    from components.intent_classifier import LinearIntentClassifier

    trained = _component(tmp_path)
    resource = trained.train(_training_data())
    loaded = LinearIntentClassifier.load(
        {}, trained._model_storage, resource, ExecutionContext(GraphSchema({}), "test")
    )
    for text, axis in (("yep", 0), ("what does it cost", 2)):
        first, second = _message(text, np.eye(DIM)[axis]), _message(text, np.eye(DIM)[axis])
        trained.process([first])
        loaded.process([second])
        assert first.get("intent")["name"] == second.get("intent")["name"] == list(INTENTS)[axis]
        confidence = second.get("intent")["confidence"]
        assert first.get("intent")["confidence"] == pytest.approx(confidence, abs=1e-5)


def test_without_its_model_or_a_vector_it_sets_nothing(tmp_path: Path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from components.intent_classifier import LinearIntentClassifier

    (tmp_path / "broken").mkdir()
    storage = LocalModelStorage(tmp_path / "broken")
    with storage.write_to(Resource("intents")):
        pass
    context = ExecutionContext(GraphSchema({}), "t")
    broken = LinearIntentClassifier.load({}, storage, Resource("intents"), context)
    message = _message("yes", np.eye(DIM)[0])
    broken.process([message])
    assert message.get("intent") is None
    (tmp_path / "trained").mkdir()
    trained = _component(tmp_path / "trained")
    trained.train(_training_data())
    no_vector = _message("yes", None)
    trained.process([no_vector])
    assert no_vector.get("intent") is None


def test_training_needs_sentence_vectors_and_labelled_examples(tmp_path: Path) -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    with pytest.raises(ValueError, match="SentenceEncoderFeaturizer"):
        _component(tmp_path).train(_training_data(with_vectors=False))
    with pytest.raises(ValueError, match="labelled examples"):
        _component(tmp_path).train(TrainingData([_message("hi", np.eye(DIM)[0])]))


def test_a_damaged_model_file_is_reported_and_sets_nothing(tmp_path: Path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema

    from components.intent_classifier import LinearIntentClassifier
    from components.linear_classifier import WEIGHTS_FILE

    trained = _component(tmp_path)
    resource = trained.train(_training_data())
    with trained._model_storage.write_to(resource) as directory:
        (directory / WEIGHTS_FILE).write_bytes(b"PK\x03\x04 not really a zip file")
    context = ExecutionContext(GraphSchema({}), "t")
    loaded = LinearIntentClassifier.load({}, trained._model_storage, resource, context)
    message = _message("yes", np.eye(DIM)[0])
    loaded.process([message])
    assert message.get("intent") is None


class _FakeEncoder:
    """Encodes a text as the axis of the intent its first word names, for the closing-sentence test."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.texts.extend(texts)
        axes = {"yes": 0, "no": 1, "what": 2}
        return np.vstack([np.eye(DIM)[axes.get(text.split()[0].lower(), 3)] for text in texts])


def test_a_confident_request_in_the_last_sentence_wins(tmp_path: Path, monkeypatch: Any) -> None:
    from components import intent_classifier

    encoder = _FakeEncoder()
    monkeypatch.setattr(intent_classifier, "load_encoder", lambda: encoder)
    monkeypatch.setattr(
        intent_classifier, "closing_request_wins", lambda whole, closing, confidence: closing == "faq"
    )
    component = _component(tmp_path)
    component.train(_training_data())
    message = _message("no, not really. what are the hours", np.eye(DIM)[1])
    component.process([message])
    assert encoder.texts == ["what are the hours"]
    assert message.get("intent")["name"] == "faq"
    assert message.get("intent_ranking")[0] == message.get("intent")
    single = _message("not really", np.eye(DIM)[1])
    component.process([single])
    assert encoder.texts == ["what are the hours"]  # one sentence: nothing more to encode
    assert single.get("intent")["name"] == "deny"


def test_the_whole_reading_stays_when_the_last_sentence_is_no_request(
    tmp_path: Path, monkeypatch: Any
) -> None:
    from components import intent_classifier

    monkeypatch.setattr(intent_classifier, "load_encoder", _FakeEncoder)
    component = _component(tmp_path)
    component.train(_training_data())
    message = _message("no, not really. what are the hours", np.eye(DIM)[1])
    component.process([message])
    assert message.get("intent")["name"] == "deny"  # "faq" is not a request intent


def test_a_certain_intent_leaves_no_close_runner_up() -> None:
    from bot.text_classifier import RUNNER_UP_CAP, LabelScore, first_for_certain

    ranking = [LabelScore("share_feelings", 0.9), LabelScore("out_of_scope", 0.3), LabelScore("faq", 0.1)]
    certain = first_for_certain("out_of_scope", ranking)
    assert [(s.label, s.confidence) for s in certain] == [
        ("out_of_scope", 1.0),
        ("share_feelings", RUNNER_UP_CAP),
        ("faq", 0.1),
    ]
    assert 1.0 - certain[1].confidence > 0.1  # the FallbackClassifier's ambiguity threshold


@pytest.mark.parametrize(
    ("text", "axis", "expected"),
    [
        ("can you diagnose me? pretty sure i have bipolar", 0, "out_of_scope"),  # read as feelings
        ("ok then can u just write me a script for lamictal", 1, "out_of_scope"),  # already first, weak
        ("actually no, stop, not today", 0, "stop"),
        ("i feel low most days", 0, "share_feelings"),
        ("can you at least prescribe me something so i can sleep", 3, "out_of_scope"),  # read as crisis
    ],
)
def test_a_request_for_a_clinical_act_or_a_stop_is_certain(
    tmp_path: Path, monkeypatch: Any, text: str, axis: int, expected: str
) -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components import intent_classifier

    monkeypatch.setattr(intent_classifier, "load_encoder", _FakeEncoder)  # for a last sentence

    component = _component(tmp_path)
    component.train(
        TrainingData(
            [
                _message(example, np.eye(DIM)[i], intent)
                for i, (intent, examples) in enumerate(
                    {
                        "share_feelings": ["i feel low", "i'm sad"],
                        "out_of_scope": ["order a pizza", "weather"],
                        "stop": ["stop", "quit"],
                        "crisis": ["i want to die", "kill myself"],
                    }.items()
                )
                for example in examples
            ]
        )
    )
    message = _message(text, np.eye(DIM)[axis])
    component.process([message])
    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == expected
    if expected != "share_feelings":
        assert ranking[0]["confidence"] == 1.0
        assert ranking[1]["confidence"] <= 0.5
