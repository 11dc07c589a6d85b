"""NLU glue for the deterministic crisis detector (bot.safety.detector).

Runs after DIETClassifier and FallbackClassifier. When the detector fires, the message's intent becomes
`crisis` (confidence 1.0, first in the ranking) with a `crisis_category` entity. When the classifier
said `crisis` but the detector recognises only an idiom, negation or topic phrase, `crisis` is demoted
to the next intent in the ranking. Otherwise the classifier's result is left alone.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

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
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.safety import detector
from bot.safety.decision import CLASSIFIER_ONLY_MIN_CONFIDENCE, classifier_crisis_stands

logger = logging.getLogger(__name__)

CRISIS_INTENT = "crisis"
CATEGORY_ENTITY = "crisis_category"


def _intent(name: str | None, confidence: float) -> Dict[str, Any]:
    return {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: confidence}


def escalate(message: Message, finding: detector.SafetyFinding, extractor: str) -> None:
    """Make `crisis` the intent (1.0, first in the ranking) and add the category entity."""
    ranking = [
        item for item in message.get(INTENT_RANKING_KEY) or [] if item.get(INTENT_NAME_KEY) != CRISIS_INTENT
    ]
    message.set(INTENT, _intent(CRISIS_INTENT, 1.0), add_to_output=True)
    message.set(INTENT_RANKING_KEY, [_intent(CRISIS_INTENT, 1.0), *ranking], add_to_output=True)
    text = message.get(TEXT) or ""
    start = text.lower().find(finding.phrase)
    end = start + len(finding.phrase) if start >= 0 else len(text)
    entity = {
        ENTITY_ATTRIBUTE_TYPE: CATEGORY_ENTITY,
        ENTITY_ATTRIBUTE_VALUE: finding.category,
        ENTITY_ATTRIBUTE_START: max(start, 0),
        ENTITY_ATTRIBUTE_END: end,
        EXTRACTOR: extractor,
    }
    others = [e for e in message.get(ENTITIES) or [] if e.get(ENTITY_ATTRIBUTE_TYPE) != CATEGORY_ENTITY]
    message.set(ENTITIES, [*others, entity], add_to_output=True)


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


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False)
class SafetyDetector(GraphComponent, IntentClassifier):
    """Overrides the intent with `crisis` when the rule-based safety detector fires."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """The rules live in bot/safety/patterns.yml; these settle classifier-only predictions."""
        return {
            "classifier_only_threshold": CLASSIFIER_ONLY_MIN_CONFIDENCE,
            "fallback_threshold": 0.45,  # as the FallbackClassifier, for a demoted message
        }

    def __init__(self, config: Dict[str, Any], name: str) -> None:
        self.component_config = {**self.get_default_config(), **config}
        self._name = name

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> SafetyDetector:
        """Builds the component and the detector's pipeline, so the first message is fast."""
        detector.warm_up()
        return cls(config, execution_context.node_name or cls.__name__)

    @property
    def name(self) -> str:
        """The extractor name written on entities."""
        return self.__class__.__name__

    def process(self, messages: List[Message]) -> List[Message]:
        """Escalate, demote or leave each message (never raises on odd input)."""
        for message in messages:
            text = message.get(TEXT)
            if not isinstance(text, str) or not text.strip():
                continue
            analysis = detector.analyse(text)
            if analysis.finding is not None:
                escalate(message, analysis.finding, self.name)
                logger.debug("safety detector fired: rule %s", analysis.finding.rule_id)
            elif (intent := message.get(INTENT) or {}).get(
                INTENT_NAME_KEY
            ) == CRISIS_INTENT and not classifier_crisis_stands(
                float(intent.get(PREDICTED_CONFIDENCE_KEY) or 0.0),
                analysis,
                float(self.component_config["classifier_only_threshold"]),
            ):
                demote(message, float(self.component_config["fallback_threshold"]))
                logger.debug("classifier-only crisis not confirmed: %s", analysis.non_crisis_rule_ids)
        return messages
