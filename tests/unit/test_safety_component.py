"""SafetyDetector NLU component: rules and the semantic layer escalate; cues are marked; the classifier's own
crisis prediction is replaced when neither layer agrees; training stores the classifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytestmark = pytest.mark.rasa

DIM = 8
DANGER = np.eye(DIM)[1]
QUIET = np.eye(DIM)[0]


def _classifier() -> Any:
    from bot.safety.semantic import fit

    rng = np.random.default_rng(3)
    vectors = np.vstack(
        [QUIET + 0.05 * rng.standard_normal((40, DIM)), DANGER + 0.05 * rng.standard_normal((10, DIM))]
    )
    texts = ["how much is it", "what time is group"] * 20 + ["i keep thinking about not being around"] * 10
    return fit(vectors, texts, ["none"] * 40 + ["suicide"] * 10)


def _message(text: str, ranking: list[tuple[str, float]], vector: np.ndarray | None = None) -> Any:
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    intents = [{"name": name, "confidence": conf} for name, conf in ranking]
    message = Message(
        data={"text": text, "intent": dict(intents[0]), "intent_ranking": intents, "entities": []}
    )
    if vector is not None:
        message.add_features(Features(vector[np.newaxis, :], "sentence", "text", "sentence_encoder"))
    return message


def _component(tmp_path: Path, semantic_texts: dict[str, np.ndarray] | None = None) -> Any:
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    from bot.safety.semantic import SemanticLayer
    from components.safety_detector import SafetyDetector

    component = SafetyDetector({}, LocalModelStorage(tmp_path), Resource("safety"))
    if semantic_texts is not None:
        lookup = semantic_texts

        def encode(texts: Any) -> np.ndarray:
            return np.vstack([lookup.get(t, QUIET) for t in texts])

        component._layer = SemanticLayer(_classifier(), encode, 0.5, 0.25)
    return component


def _entities(message: Any) -> dict[str, str]:
    return {e["entity"]: e["value"] for e in message.get("entities")}


def test_a_rule_overrides_the_classifier_and_adds_the_safety_entities(tmp_path: Path) -> None:
    (out,) = _component(tmp_path).process(
        [_message("ugh I took too many pills", [("faq", 0.8), ("crisis", 0.1), ("greet", 0.1)])]
    )
    assert out.get("intent") == {"name": "crisis", "confidence": 1.0}
    assert [i["name"] for i in out.get("intent_ranking")] == ["crisis", "faq", "greet"]
    assert _entities(out) == {
        "crisis_category": "overdose",
        "crisis_detail": "none",
        "crisis_language": "en",
        "risk_severity": "high",
        "safety_source": "rules",
    }


def test_spanish_gets_the_spanish_reply_and_the_situation_detail(tmp_path: Path) -> None:
    (out,) = _component(tmp_path).process([_message("mi esposo me pega", [("faq", 0.9), ("greet", 0.1)])])
    entities = _entities(out)
    assert (entities["crisis_category"], entities["crisis_detail"], entities["crisis_language"]) == (
        "abuse",
        "domestic_violence",
        "es",
    )


def test_the_semantic_layer_escalates_what_no_rule_knows(tmp_path: Path) -> None:
    text = "everything feels heavy and i keep thinking about not being around"
    component = _component(tmp_path, {text: DANGER})
    (out,) = component.process([_message(text, [("share_feelings", 0.9), ("faq", 0.1)], vector=DANGER)])
    assert out.get("intent")["name"] == "crisis"
    assert _entities(out)["safety_source"] == "semantic"


def test_a_denial_vetoes_only_its_own_clause(tmp_path: Path) -> None:
    text = "I'm not suicidal, I just want to go to sleep and not have to wake up"
    rest = "i just want to go to sleep and not have to wake up"
    component = _component(tmp_path, {rest: DANGER})
    (out,) = component.process([_message(text, [("share_feelings", 0.9), ("faq", 0.1)], vector=QUIET)])
    assert out.get("intent")["name"] == "crisis"


def test_an_idiom_demotes_dieTs_crisis_to_the_next_intent(tmp_path: Path) -> None:
    component = _component(tmp_path, {})
    (out,) = component.process(
        [_message("this commute is killing me", [("crisis", 0.5), ("faq", 0.46), ("greet", 0.04)], QUIET)]
    )
    assert out.get("intent") == {"name": "faq", "confidence": 0.46}
    (weak,) = component.process(
        [_message("this commute is killing me", [("crisis", 0.7), ("faq", 0.2), ("greet", 0.1)], QUIET)]
    )
    assert weak.get("intent") == {"name": "nlu_fallback", "confidence": 0.45}


def test_a_cue_is_marked_but_not_escalated(tmp_path: Path) -> None:
    (out,) = _component(tmp_path, {}).process(
        [_message("I got them", [("affirm", 0.6), ("inform", 0.4)], QUIET)]
    )
    assert out.get("intent")["name"] == "affirm"
    assert _entities(out) == {"risk_cue": "means"}


def test_ordinary_messages_are_left_alone(tmp_path: Path) -> None:
    (out,) = _component(tmp_path, {}).process(
        [_message("how much does it cost", [("faq", 0.9), ("crisis", 0.1)], QUIET)]
    )
    assert out.get("intent") == {"name": "faq", "confidence": 0.9} and out.get("entities") == []


def test_training_fits_and_stores_the_classifier_by_category(tmp_path: Path) -> None:
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from components.safety_detector import CLASSIFIER_FILE

    rng = np.random.default_rng(5)
    examples = []
    for i in range(30):
        crisis = i % 3 == 0
        vector = (DANGER if crisis else QUIET) + 0.05 * rng.standard_normal(DIM)
        message = Message.build(
            f"text {i}", "crisis" if crisis else "faq", None, {"category": "suicide"} if crisis else None
        )
        message.add_features(Features(vector[np.newaxis, :], "sentence", "text", "sentence_encoder"))
        examples.append(message)
    component = _component(tmp_path)
    component.train(TrainingData(examples))
    with component._model_storage.read_from(component._resource) as directory:
        assert (directory / CLASSIFIER_FILE).is_file()
    unlabelled = Message.build("x", "crisis")
    unlabelled.add_features(Features(DANGER[np.newaxis, :], "sentence", "text", "sentence_encoder"))
    with pytest.raises(ValueError, match="no metadata category"):
        _component(tmp_path / "other").train(TrainingData([*examples, unlabelled]))


def test_the_training_cache_key_follows_the_files_the_fit_reads(tmp_path: Path) -> None:
    from components.safety_detector import SafetyDetector

    negatives = tmp_path / "negatives.yml"
    negatives.write_text("negatives:\n  idiom: [dead tired]\n", encoding="utf-8")
    config = {"hard_negatives": str(negatives), "crisis_examples": None}
    before = SafetyDetector.fingerprint_addon(config)
    assert SafetyDetector.fingerprint_addon(dict(config)) == before  # stable for the same contents
    negatives.write_text("negatives:\n  idiom: [dead tired, killing it]\n", encoding="utf-8")
    assert SafetyDetector.fingerprint_addon(config) != before  # a changed file retrains the classifier


def _development_sets(directory: Path) -> Path:
    directory.mkdir()
    (directory / "a.yml").write_text(
        "crisis:\n  - {text: i have the pills counted out, category: suicide, kind: means}\n"
        "negatives:\n  - {text: this commute is killing me, kind: idiom}\n  - what time is group\n",
        encoding="utf-8",
    )
    (directory / "b.yml").write_text(
        "crisis:\n  - text: he is not breathing right\n    category: overdose\nnegatives: []\n",
        encoding="utf-8",
    )
    return directory


def test_development_sets_are_read_as_crisis_messages_by_category_and_negatives(tmp_path: Path) -> None:
    from components.safety_detector import development_examples

    sets = _development_sets(tmp_path / "sets")
    assert development_examples(str(sets)) == [
        ("i have the pills counted out", "suicide"),
        ("this commute is killing me", "none"),
        ("what time is group", "none"),
        ("he is not breathing right", "overdose"),
    ]
    assert development_examples(None) == []
    (sets / "c.yml").write_text("crisis:\n  - {text: help, category: sadness}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no category"):
        development_examples(str(sets))
    with pytest.raises(ValueError, match="not a directory"):
        development_examples(str(tmp_path / "missing"))


def test_the_training_cache_key_follows_the_development_sets(tmp_path: Path) -> None:
    from components.safety_detector import SafetyDetector

    sets = _development_sets(tmp_path / "sets")
    config = {"hard_negatives": None, "crisis_examples": None, "development_sets": str(sets)}
    before = SafetyDetector.fingerprint_addon(config)
    assert before != SafetyDetector.fingerprint_addon({**config, "development_sets": None})
    (sets / "b.yml").write_text("crisis: []\nnegatives: [what time is group]\n", encoding="utf-8")
    assert SafetyDetector.fingerprint_addon(config) != before


def test_the_classifier_only_examples_hold_the_development_sets_unless_left_out(tmp_path: Path) -> None:
    from components.safety_detector import classifier_only_examples

    negatives = tmp_path / "negatives.yml"
    negatives.write_text("negatives:\n  idiom: [dead tired]\n", encoding="utf-8")
    config = {"hard_negatives": str(negatives), "development_sets": str(_development_sets(tmp_path / "sets"))}
    with_sets = classifier_only_examples(config)
    assert with_sets[0] == ("dead tired", "none") and ("he is not breathing right", "overdose") in with_sets
    assert classifier_only_examples(config, development=False) == [("dead tired", "none")]
