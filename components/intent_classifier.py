"""NLU glue for the linear intent classifier (bot.text_classifier), in place of DIET.

Put it in config.yml after SentenceEncoderFeaturizer:

    - name: components.intent_classifier.LinearIntentClassifier

It learns every intent of the training data (FAQ questions as `faq`) and sets, as DIET does, the
message's `intent` ({"name", "confidence"}) and `intent_ranking` (the best `ranking_length`), which the
FallbackClassifier, the safety detector and the policies read. Fitting, storing and loading are shared
with the FAQ topic selector (components/linear_classifier.py).

A message whose intent is certain whatever the classifier read gets that intent at 1.0, its runner-up
capped well below (bot.dialogue.certain_intent, bot.text_classifier.first_for_certain): a stop or a
pause ("actually, never mind, don't call": inside a form it ends the form), a request to diagnose,
prescribe, book or write a letter (`out_of_scope`), to be taken through the questions, to change an
answer or for a person, a need told as a statement the classifier read as an FAQ, and a thanks or a
goodbye that asks nothing. These hold over a `crisis` reading too: the safety detector after this
decides on danger with its own layers.

A message of several sentences is read twice: whole, and its last sentence alone. A confident request
there (the screening, programs, a callback, a person) takes over from the whole message's reading,
because people give the background first and ask last (bot/closing_request.py).
"""

from __future__ import annotations

from typing import Any

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import (
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot import text_classifier
from bot.closing_request import closing_request_wins, closing_sentence
from bot.dialogue import certain_intent
from bot.encoder import load_encoder
from bot.text_classifier import first_for_certain
from components.linear_classifier import LinearClassifierComponent, default_config, fit_examples, ranked


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class LinearIntentClassifier(LinearClassifierComponent):
    """Sets each message's intent and intent ranking from bot.text_classifier."""

    @staticmethod
    def get_default_config() -> dict[str, Any]:
        """Settings chosen by cross-validation (bot.text_classifier.INTENTS)."""
        return default_config(text_classifier.INTENTS)

    def train(self, training_data: TrainingData) -> Resource:
        """Fit on every example's intent and persist."""
        classifier = fit_examples(
            training_data.intent_examples,
            lambda example: str(example.get(INTENT)) if example.get(INTENT) else None,
            self.component_config,
        )
        return self._keep(classifier, {})

    def process(self, messages: list[Message]) -> list[Message]:
        """Set the intent and the ranking of each message with a text and a sentence vector."""
        length = int(self.component_config["ranking_length"])
        for message in messages:
            ranking = ranked(self._classifier, message)
            if not ranking:
                continue
            ranking = self._closing_request(message, ranking) or ranking
            text = str(message.get(TEXT) or "")
            certain = certain_intent(text, ranking[0].label, ranking[0].confidence)
            if certain is not None:
                ranking = first_for_certain(certain, ranking)
            intents = [
                {INTENT_NAME_KEY: score.label, PREDICTED_CONFIDENCE_KEY: score.confidence}
                for score in ranking[:length]
            ]
            message.set(INTENT, dict(intents[0]), add_to_output=True)
            message.set(INTENT_RANKING_KEY, intents, add_to_output=True)
        return messages

    def _closing_request(
        self, message: Message, whole: list[text_classifier.LabelScore]
    ) -> list[text_classifier.LabelScore] | None:
        """The ranking of the message's last sentence, when a confident request there wins."""
        closing = closing_sentence(str(message.get(TEXT) or ""))
        if closing is None or self._classifier is None:
            return None
        vectors = load_encoder().encode([closing])
        ranking = self._classifier.rank(vectors, [closing])[0]
        if closing_request_wins(whole[0].label, ranking[0].label, ranking[0].confidence):
            return ranking
        return None
