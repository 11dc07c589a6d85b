"""NLU glue for the FAQ topic classifier (bot.text_classifier), in place of Rasa's ResponseSelector.

Put it in config.yml after SentenceEncoderFeaturizer:

    - name: components.faq_selector.FaqTopicSelector
      retrieval_intent: faq

It learns from the `faq/<topic>` examples and writes, for every message, the same `response_selector`
output as Rasa's ResponseSelector, so the retrieval action `utter_faq`, `rasa test nlu`, the
cross-validation and bot.fallback read it unchanged:

    {"all_retrieval_intents": ["faq"],
     "faq": {"response": {"intent_response_key": "faq/cost", "utter_action": "utter_faq/cost",
                          "confidence": 0.97, "responses": [{"text": ...}]},
             "ranking": [{"intent_response_key": "faq/cost", "confidence": 0.97}, ...]}}

Fitting, storing and loading are shared with the intent classifier (components/linear_classifier.py);
the answers' texts are stored beside the model. A question whether a named plan pays ("do you take
humana? yes or no") gets the insurance topic at 1.0 (bot.dialogue.asks_if_plan_pays): it runs after the
preference extractor, whose insurance entities it reads.
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    INTENT,
    INTENT_RESPONSE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import text_classifier
from bot.contracts import INSURANCE
from bot.dialogue import INSURANCE_TOPIC, asks_if_plan_pays
from bot.text_classifier import first_for_certain
from components.linear_classifier import LinearClassifierComponent, default_config, fit_examples, ranked

PROPERTY = "response_selector"
RETRIEVAL_INTENTS = "all_retrieval_intents"


def selection(
    ranking: list[text_classifier.LabelScore],
    retrieval_intent: str,
    responses: dict[str, list[dict[str, Any]]],
    ranking_length: int,
) -> dict[str, Any]:
    """The ResponseSelector-shaped prediction for one message from its ranked topics."""
    keys = [f"{retrieval_intent}/{score.label}" for score in ranking]
    return {
        "response": {
            "responses": responses.get(f"utter_{keys[0]}") or [{"text": keys[0]}],
            "confidence": ranking[0].confidence,
            "intent_response_key": keys[0],
            "utter_action": f"utter_{keys[0]}",
        },
        "ranking": [
            {"intent_response_key": key, "confidence": score.confidence}
            for key, score in zip(keys[:ranking_length], ranking[:ranking_length], strict=False)
        ],
    }


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class FaqTopicSelector(LinearClassifierComponent):
    """Chooses the FAQ answer of a message and writes it as Rasa's response selector does."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """The retrieval intent; settings chosen by cross-validation (bot.text_classifier.FAQ_TOPICS)."""
        return {"retrieval_intent": "faq", **default_config(text_classifier.FAQ_TOPICS)}

    def train(self, training_data: TrainingData) -> Resource:
        """Fit the topic model on the retrieval intent's examples and persist it with the answers."""
        intent = str(self.component_config["retrieval_intent"])

        def topic(example: Message) -> str | None:
            key = str(example.get(INTENT_RESPONSE_KEY) or "")
            return key.split("/", 1)[1] if example.get(INTENT) == intent and "/" in key else None

        try:
            classifier = fit_examples(training_data.intent_examples, topic, self.component_config)
        except ValueError as exc:
            raise ValueError(f"FaqTopicSelector ({intent}/<topic> examples): {exc}") from exc
        responses = {
            name: list(variations)
            for name, variations in training_data.responses.items()
            if name.startswith(f"utter_{intent}/")
        }
        return self._keep(classifier, {"responses": responses})

    def process(self, messages: list[Message]) -> list[Message]:
        """Add the FAQ topic ranking to each message with a text and a sentence vector."""
        intent = str(self.component_config["retrieval_intent"])
        length = int(self.component_config["ranking_length"])
        responses = self._stored.get("responses") or {}
        for message in messages:
            ranking = ranked(self._classifier, message)
            if not ranking:
                continue
            insurers = [
                str(entity.get(ENTITY_ATTRIBUTE_VALUE))
                for entity in message.get(ENTITIES) or []
                if entity.get(ENTITY_ATTRIBUTE_TYPE) == INSURANCE
            ]
            if asks_if_plan_pays(str(message.get(TEXT) or ""), insurers):
                ranking = first_for_certain(INSURANCE_TOPIC, ranking)
            properties = dict(message.get(PROPERTY) or {})
            properties[RETRIEVAL_INTENTS] = [intent]
            properties[intent] = selection(ranking, intent, responses, length)
            message.set(PROPERTY, properties, add_to_output=True)
        return messages
