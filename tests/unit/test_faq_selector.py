"""FaqTopicSelector NLU component: trained on `faq/<topic>` examples, it writes Rasa's response-selector
output that the retrieval action, the evaluation and the fallback read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.rasa

DIM = 6
TOPICS = {
    "cost": ["how much does it cost", "what is the price", "how expensive is it"],
    "insurance": ["do you take medicaid", "is it covered by insurance", "which plans do you accept"],
    "schedule": ["what are the hours", "when do groups meet", "are there evening sessions"],
}


def _message(text: str, vector: np.ndarray | None, key: str | None = None) -> Any:
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    data: dict[str, Any] = {"text": text}
    if key is not None:
        data.update(intent=key.split("/")[0], intent_response_key=key)
    message = Message(data=data)
    if vector is not None:
        message.add_features(Features(vector[np.newaxis, :], "sentence", "text", "sentence_encoder"))
    return message


def _training_data(with_vectors: bool = True) -> Any:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = [
        _message(text, np.eye(DIM)[axis] if with_vectors else None, f"faq/{topic}")
        for axis, (topic, texts) in enumerate(TOPICS.items())
        for text in texts
    ]
    examples.append(_message("hello there", np.eye(DIM)[5] if with_vectors else None, "greet"))
    responses = {f"utter_faq/{topic}": [{"text": f"The {topic} answer."}] for topic in TOPICS}
    return TrainingData(examples, responses=responses)


def _component(tmp_path: Path, config: dict[str, Any] | None = None) -> Any:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from components.faq_selector import FaqTopicSelector

    return FaqTopicSelector(config or {}, LocalModelStorage(tmp_path), Resource("faq"))


def test_writes_the_response_selector_output_that_rasa_and_the_project_read(tmp_path: Path) -> None:
    from bot.fallback import faq_confidence, faq_selection
    from ops.evaluation.external_faq import predicted_topic

    component = _component(tmp_path, {"ranking_length": 2})
    component.train(_training_data())
    message = _message("does medicaid pay for it", np.eye(DIM)[1])
    component.process([message])
    parse = message.as_dict(only_output_properties=True)
    response = parse["response_selector"]["faq"]["response"]
    assert response["intent_response_key"] == "faq/insurance"
    assert response["utter_action"] == "utter_faq/insurance"
    assert response["responses"] == [{"text": "The insurance answer."}]
    assert parse["response_selector"]["all_retrieval_intents"] == ["faq"]
    ranking = faq_selection(parse)["ranking"]
    assert ranking[0]["intent_response_key"] == "faq/insurance"
    assert len(ranking) == 2
    assert faq_confidence(parse) == pytest.approx(ranking[0]["confidence"])
    assert ranking[0]["confidence"] > ranking[1]["confidence"]
    assert predicted_topic({**parse, "intent": {"name": "faq"}}) == "insurance"


def test_the_loaded_model_answers_as_the_trained_one(tmp_path: Path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema

    from components.faq_selector import FaqTopicSelector

    trained = _component(tmp_path)
    resource = trained.train(_training_data())
    loaded = FaqTopicSelector.load(
        {}, trained._model_storage, resource, ExecutionContext(GraphSchema({}), "test")
    )
    for text, axis in (("how much is it", 0), ("evening groups?", 2)):
        first, second = _message(text, np.eye(DIM)[axis]), _message(text, np.eye(DIM)[axis])
        trained.process([first])
        loaded.process([second])
        before, after = first.get("response_selector")["faq"], second.get("response_selector")["faq"]
        assert after["response"]["utter_action"] == before["response"]["utter_action"]
        assert [r["intent_response_key"] for r in after["ranking"]] == [
            r["intent_response_key"] for r in before["ranking"]
        ]
        assert [r["confidence"] for r in after["ranking"]] == pytest.approx(
            [r["confidence"] for r in before["ranking"]], abs=1e-5
        )


def test_a_model_without_its_files_gives_no_topic_and_does_not_fail(tmp_path: Path) -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from components.faq_selector import FaqTopicSelector

    storage = LocalModelStorage(tmp_path)
    with storage.write_to(Resource("faq")):
        pass  # an empty resource directory, as a broken model would have
    loaded = FaqTopicSelector.load({}, storage, Resource("faq"), ExecutionContext(GraphSchema({}), "t"))
    message = _message("how much", np.eye(DIM)[0])
    loaded.process([message])
    assert message.get("response_selector") is None


def test_messages_without_text_or_vector_are_left_alone(tmp_path: Path) -> None:
    component = _component(tmp_path)
    component.train(_training_data())
    no_vector, empty = _message("how much", None), _message("", None)
    component.process([no_vector, empty])
    assert no_vector.get("response_selector") is None and empty.get("response_selector") is None


def test_training_needs_faq_examples_with_sentence_vectors(tmp_path: Path) -> None:
    from rasa.shared.nlu.training_data.training_data import TrainingData

    with pytest.raises(ValueError, match="SentenceEncoderFeaturizer"):
        _component(tmp_path / "a").train(_training_data(with_vectors=False))
    with pytest.raises(ValueError, match="faq/<topic>"):
        _component(tmp_path / "b").train(TrainingData([_message("hi", np.eye(DIM)[0], "greet")]))


def test_the_training_cache_key_is_stable_and_names_the_model_code() -> None:
    from components.faq_selector import FaqTopicSelector

    first = FaqTopicSelector.fingerprint_addon({})
    assert first and first == FaqTopicSelector.fingerprint_addon({"retrieval_intent": "faq"})


@pytest.mark.parametrize(
    ("text", "insurer", "expected"),
    [
        ("do you take humana? yes or no, i dont have all day", "humana", "insurance"),
        ("what time does it start? i have humana", "humana", "schedule"),  # asks nothing of the plan
        ("do you take humana?", None, "schedule"),  # no insurer found: the model's reading
    ],
)
def test_a_question_whether_a_named_plan_pays_gets_the_insurance_answer(
    tmp_path: Path, text: str, insurer: str | None, expected: str
) -> None:
    component = _component(tmp_path)
    component.train(_training_data())
    message = _message(text, np.eye(DIM)[2])  # the model reads a schedule question
    if insurer:
        message.set("entities", [{"entity": "insurance", "value": insurer, "start": 0, "end": 1}])
    component.process([message])
    response = message.as_dict(only_output_properties=True)["response_selector"]["faq"]["response"]
    assert response["intent_response_key"] == f"faq/{expected}"
