"""NLU glue for crisis detection: the rules and the semantic classifier, combined.

The rules are bot.safety.detector; the semantic classifier (bot.safety.semantic) reads the sentence
encoder's features; bot.safety.decision combines them.

Runs last in the NLU pipeline. When either layer raises a concern, the intent becomes `crisis`
(confidence 1.0, first in the ranking) with the entities `crisis_category`, `crisis_detail`,
`crisis_language` and `risk_severity` (they fill the slots of the same names, which choose the crisis
reply and remember the disclosed risk) and `safety_source` (rules / semantic, for staff). When neither
does, a `crisis` predicted by the intent classifier is replaced by the next intent (or nlu_fallback if
that one is weak), and a message that is ambiguous alone gets a `risk_cue` entity: SafetyGuardPolicy
escalates it when the conversation already holds a disclosed risk.

Trainable: the semantic classifier learns from the training data (crisis examples, labelled with their
category by the `metadata: {category: ...}` of their block in data/nlu/crisis.yml, against every other
example), plus the files `crisis_examples` and `hard_negatives` name (classifier-only data) and the
development sets in the directory `development_sets` names (crisis messages with their category, and
hard negatives; their figures are measured cross-fitted, ops/evaluation/development.py). It is
stored with the model and made the process's semantic layer when the model loads, so the channel
safety net (hand-offs, failures) decides with the same layers.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.shared.constants import DEFAULT_NLU_FALLBACK_INTENT_NAME
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    METADATA,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.config import PROJECT_ROOT
from bot.contracts import CRISIS, CRISIS_CATEGORY, CRISIS_DETAIL, CRISIS_LANGUAGE, RISK_CUE, RISK_SEVERITY
from bot.encoder import load_encoder
from bot.safety import detector, semantic
from bot.safety.decision import DEFAULT_CUE_THRESHOLD, DEFAULT_THRESHOLD, Assessment, assess, score_message
from components.sentence_encoder import sentence_vector

logger = logging.getLogger(__name__)

CRISIS_INTENT = CRISIS
ENTITY_NAMES = (CRISIS_CATEGORY, CRISIS_DETAIL, CRISIS_LANGUAGE, RISK_SEVERITY, "safety_source")
CUE_ENTITY = RISK_CUE
CLASSIFIER_FILE = "crisis_classifier.json"


def _intent(name: str | None, confidence: float) -> dict[str, Any]:
    return {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}


def _entities(message: Message, values: dict[str, str], extractor: str) -> None:
    """Replace this component's entities on the message by `values` (spanning the whole text)."""
    end = len(message.get(TEXT) or "")
    others = [e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) not in values]
    added = [
        {
            ENTITY_ATTRIBUTE_TYPE: name,
            ENTITY_ATTRIBUTE_VALUE: value,
            ENTITY_ATTRIBUTE_START: 0,
            ENTITY_ATTRIBUTE_END: end,
            EXTRACTOR: extractor,
        }
        for name, value in values.items()
    ]
    message.set(ENTITIES, [*others, *added], add_to_output=True)


def escalate(message: Message, assessment: Assessment, extractor: str) -> None:
    """Make `crisis` the intent (1.0, first in the ranking) and add the safety entities."""
    ranking = [
        item for item in message.get(INTENT_RANKING_KEY) or [] if item.get(INTENT_NAME_KEY) != CRISIS_INTENT
    ]
    message.set(INTENT, _intent(CRISIS_INTENT, 1.0), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [_intent(CRISIS_INTENT, 1.0), *ranking], add_to_output=True)
    values = {
        CRISIS_DETAIL: assessment.detail,
        CRISIS_LANGUAGE: assessment.language,
        RISK_SEVERITY: assessment.severity or "moderate",
        "safety_source": assessment.source or "rules",
    }
    if assessment.category:
        values[CRISIS_CATEGORY] = assessment.category
    _entities(message, values, extractor)


def demote(message: Message, fallback_threshold: float = 0.0) -> None:
    """Replace a `crisis` prediction by the next intent, or by nlu_fallback if that one is weak."""
    ranking = [
        item for item in message.get(INTENT_RANKING_KEY) or [] if item.get(INTENT_NAME_KEY) != CRISIS_INTENT
    ]
    top = ranking[0] if ranking else _intent(None, 0.0)
    if float(top.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < fallback_threshold:
        top = _intent(DEFAULT_NLU_FALLBACK_INTENT_NAME, fallback_threshold)
    message.set(INTENT, dict(top), add_to_output=True)
    message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)


def _label(example: Message) -> str:
    """Return "none", or the category in the crisis example's block metadata (data/nlu/crisis.yml)."""
    if example.get(INTENT) != CRISIS_INTENT:
        return semantic.NONE
    metadata = example.get(METADATA) or {}
    category = metadata.get("category") or (metadata.get("intent") or {}).get("category")
    if category not in detector.CATEGORIES:
        raise ValueError(
            f"crisis example {example.get(TEXT)!r} has no metadata category from "
            f"{detector.CATEGORIES} (data/nlu/crisis.yml: `metadata: {{category: ...}}`)"
        )
    return str(category)


def _project_file(path: Any) -> Path | None:
    """`path` from the component config: absolute, or relative to the project root (None when unset)."""
    if not path:
        return None
    return Path(path) if Path(path).is_absolute() else PROJECT_ROOT / str(path)


def extra_examples(path: str | None, key: str, label: str | None = None) -> list[tuple[str, str]]:
    """(text, label) pairs of a file mapping group -> texts under `key`; none without a path.

    The label is `label`, or the group's name (a safety category) when None. Relative paths are from
    the project root.
    """
    file = _project_file(path)
    if file is None:
        return []
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    pairs = [
        (str(text), label or str(group)) for group, texts in (data.get(key) or {}).items() for text in texts
    ]
    unknown = sorted({lab for _t, lab in pairs} - set(semantic.CLASSES))
    if unknown:
        raise ValueError(f"{file}: unknown safety categories {unknown}")
    return pairs


def development_examples(path: str | None) -> list[tuple[str, str]]:
    """(text, label) pairs of every development crisis set (`*.yml`) in the directory `path` (unset: none)."""
    directory = _project_file(path)
    if directory is None:
        return []
    return [pair for file in development_files(directory) for pair in development_set(file)]


def development_set(file: Path) -> list[tuple[str, str]]:
    """(text, label) pairs of one development crisis set.

    It holds `crisis` (items with `text` and `category`) and `negatives` (items with `text`, or plain
    texts), labelled "none".
    """
    data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    pairs: list[tuple[str, str]] = []
    for item in data.get("crisis") or []:
        category = str(item.get("category"))
        if category not in detector.CATEGORIES:
            raise ValueError(
                f"{file}: crisis message {item.get('text')!r} has no category of {detector.CATEGORIES}"
            )
        pairs.append((str(item["text"]), category))
    for item in data.get("negatives") or []:
        pairs.append((str(item["text"] if isinstance(item, dict) else item), semantic.NONE))
    return pairs


def training_pairs(training_data: TrainingData) -> list[tuple[str, str]]:
    """(text, label) of every intent example: "none", or a crisis example's category."""
    return [(str(example.get(TEXT)), _label(example)) for example in training_data.intent_examples]


def classifier_only_examples(config: dict[str, Any], development: bool = True) -> list[tuple[str, str]]:
    """The (text, label) pairs the classifier fits on beyond the NLU examples, from the files `config` names.

    Crisis examples, hard negatives and, unless `development` is False, the development sets.
    """
    pairs = extra_examples(config.get("crisis_examples"), "crisis")
    pairs += extra_examples(config.get("hard_negatives"), "negatives", semantic.NONE)
    return pairs + (development_examples(config.get("development_sets")) if development else [])


def development_files(directory: Path) -> list[Path]:
    """The development crisis sets of `directory`, in a fixed order (missing directory: an error)."""
    if not directory.is_dir():
        raise ValueError(f"development_sets: {directory} is not a directory")
    return sorted(directory.glob("*.yml"))


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class SafetyDetector(GraphComponent, IntentClassifier):
    """Escalates a message to `crisis` when the rules or the semantic classifier see danger."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Thresholds of the semantic layer (tuned on the development corpus, docs/safety.md)."""
        return {
            "threshold": DEFAULT_THRESHOLD,
            "cue_threshold": DEFAULT_CUE_THRESHOLD,
            "fallback_threshold": 0.45,  # as the FallbackClassifier, for a demoted message
            "regularisation": 4.0,
            "random_seed": 2718,
            "hard_negatives": None,  # e.g. bot/safety/hard_negatives.yml (relative to the project)
            "crisis_examples": None,  # e.g. bot/safety/crisis_examples.yml, crisis texts by category
            "development_sets": None,  # e.g. tests/safety_dev: crisis messages and hard negatives
        }

    @classmethod
    def fingerprint_addon(cls, config: dict[str, Any]) -> str | None:
        """The contents of the files the fit reads beyond the training data, for Rasa's training cache.

        Without it, a change to `hard_negatives` or `crisis_examples` (or to the classifier's code) would
        restore the old classifier from .rasa/cache, and the model would differ from a fresh clone's.
        """
        digest = hashlib.sha256()
        files: list[Path | None] = [PROJECT_ROOT / "bot" / "safety" / "semantic.py"]
        files.append(PROJECT_ROOT / "bot" / "encoder.py")
        files.append(PROJECT_ROOT / "bot" / "text_features.py")
        files += [_project_file(config.get(key)) for key in ("crisis_examples", "hard_negatives")]
        sets = _project_file(config.get("development_sets"))
        if sets is not None:
            files += development_files(sets) if sets.is_dir() else [None]
        for file in files:
            digest.update(file.read_bytes() if file is not None and file.is_file() else b"-")
        return digest.hexdigest()

    def __init__(
        self,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        classifier: semantic.CrisisClassifier | None = None,
    ) -> None:
        """Merge `config` over the defaults; a trained `classifier` is activated with the encoder."""
        self.component_config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._layer: semantic.SemanticLayer | None = None
        if classifier is not None:
            self._layer = semantic.SemanticLayer(
                classifier,
                load_encoder().encode,
                float(self.component_config["threshold"]),
                float(self.component_config["cue_threshold"]),
            )
            semantic.activate(self._layer)

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyDetector:
        """An untrained component (the rules work at once; the pipeline is built now)."""
        detector.warm_up()
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> SafetyDetector:
        """The trained component; its semantic layer becomes the process's."""
        detector.warm_up()
        try:
            with model_storage.read_from(resource) as directory:
                data = json.loads((directory / CLASSIFIER_FILE).read_text(encoding="utf-8"))
        except (ValueError, OSError) as exc:
            logger.error("no semantic crisis classifier in the model (%s): rules only", type(exc).__name__)
            return cls(config, model_storage, resource)
        return cls(config, model_storage, resource, semantic.CrisisClassifier.from_dict(data))

    @property
    def name(self) -> str:
        """The extractor name written on entities."""
        return self.__class__.__name__

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the semantic classifier and persist it.

        Crisis examples by category (the training data's, the `crisis_examples` file's and the development
        sets') are fitted against every other example, the hard negatives file (danger words needing no
        crisis reply) and the development sets' negatives.
        """
        vectors, texts, labels = [], [], []
        for example in training_data.intent_examples:
            vector = sentence_vector(example)
            if vector is None:
                continue
            labels.append(_label(example))
            vectors.append(vector)
            texts.append(str(example.get(TEXT)))
        if not vectors:
            raise ValueError("no sentence features: put SentenceEncoderFeaturizer before SafetyDetector")
        extra = classifier_only_examples(self.component_config)
        matrix = np.vstack(vectors)
        if extra:
            matrix = np.vstack([matrix, load_encoder().encode([text for text, _label in extra])])
            texts += [text for text, _label in extra]
            labels += [label for _text, label in extra]
        classifier = semantic.fit(
            matrix,
            texts,
            labels,
            float(self.component_config["regularisation"]),
            int(self.component_config["random_seed"]),
        )
        with self._model_storage.write_to(self._resource) as directory:
            (directory / CLASSIFIER_FILE).write_text(json.dumps(classifier.to_dict()), encoding="utf-8")
        return self._resource

    def _scores(
        self, message: Message, analysis: detector.SafetyAnalysis, text: str
    ) -> tuple[list[Any], list[Any]]:
        """The scores of the scored units and of their sentences (the whole message's vector is reused)."""
        layer = self._layer
        if layer is None:
            return [], []

        return score_message(layer.scorer_reusing(text, sentence_vector(message)), analysis, text)

    def process(self, messages: list[Message]) -> list[Message]:
        """Escalate, demote, mark a cue, or leave each message (never raises on odd input)."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            analysis = detector.analyse(text)
            scores, sentences = self._scores(message, analysis, text)
            assessment = assess(
                analysis,
                scores,
                float(self.component_config["threshold"]),
                float(self.component_config["cue_threshold"]),
                sentence_scores=sentences,
            )
            if assessment.concern:
                escalate(message, assessment, self.name)
                logger.debug("safety concern (%s): %s", assessment.source, assessment.category)
                continue
            if (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == CRISIS_INTENT:
                demote(message, float(self.component_config["fallback_threshold"]))
            if assessment.ambiguous:
                _entities(message, {CUE_ENTITY: assessment.cues[0]}, self.name)
        return messages
