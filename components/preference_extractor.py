"""Rasa glue for `bot.referral.preferences`: add program preferences as entities.

Put it in config.yml after the intent classifier and before EntitySynonymMapper:

    - name: components.preference_extractor.PreferenceExtractor

Entities: schedule_slot, care_format, insurance, zip_code, max_distance, population, specialty,
care_level, with normalized values. Where another extractor (such as DIET, when it extracts entities)
found the same entity type on an overlapping span, the rule-based entity replaces it (its value is
already normalized).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.extractor import EntityExtractorMixin
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message

from bot.referral.preferences import extract_preferences


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=False)
class PreferenceExtractor(GraphComponent, EntityExtractorMixin):
    """Rule-based (spaCy EntityRuler) extractor for program preferences; nothing to train."""

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> PreferenceExtractor:
        """Create the component (the spaCy pipeline is built on first use)."""
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the preferences found in each message's text to its entities."""
        for message in messages:
            text = message.get(TEXT) or ""
            found = [
                {
                    ENTITY_ATTRIBUTE_TYPE: pref.entity,
                    ENTITY_ATTRIBUTE_START: pref.start,
                    ENTITY_ATTRIBUTE_END: pref.end,
                    ENTITY_ATTRIBUTE_VALUE: pref.value,
                }
                for pref in extract_preferences(text)
            ]
            if not found:
                continue
            kept = [e for e in message.get(ENTITIES, []) if not _replaced(e, found)]
            message.set(ENTITIES, kept + self.add_extractor_name(found), add_to_output=True)
        return messages


def _replaced(entity: dict[str, Any], found: list[dict[str, Any]]) -> bool:
    """Whether a rule-based entity of the same type overlaps `entity`."""
    start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
    if start is None or end is None:
        return False
    return any(
        f[ENTITY_ATTRIBUTE_TYPE] == entity.get(ENTITY_ATTRIBUTE_TYPE)
        and f[ENTITY_ATTRIBUTE_START] < end
        and start < f[ENTITY_ATTRIBUTE_END]
        for f in found
    )
