"""FormAnswerPolicy: inside a form, a typed answer to the open question is taken as that answer.

Without it, an answer the NLU reads as another intent ("a lot, I missed work twice" as an FAQ about
work, "no, don't store it" as a callback request) is answered as that intent, and the form repeats its
question. Right after a user message, while the screening or callback form is open, the policy asks
bot.form_answers whether the text answers the requested slot; if so it predicts the form's action with
the text as the slot's value (validate_<form> then parses it as usual). It never acts when the safety
guard does, so a danger message still gets the crisis flow first.
"""

from __future__ import annotations

import logging
from typing import Any, Dict

from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from bot.contracts import CHANGE_ANSWER, FORMS, HUMAN_HANDOFF, PREFER_NOT_SAY, REQUESTED_SLOT, STOP
from bot.form_answers import answers_open_question
from components.fixed_policy import FixedRulePolicy
from components.safety_guard import CRISIS_INTENT, actions_since_last_user_message, next_guarded_action

logger = logging.getLogger(__name__)

# Intents that keep their own meaning inside a form at any confidence: crisis (the guard), and
# "I'd rather not say", which the form's parsers take as an answer of its own.
KEEP_INTENTS = frozenset({CRISIS_INTENT, PREFER_NOT_SAY})
# The form's controls keep their meaning only when the reading is confident: a name such as "Alex
# Example" can read as a hand-off at 0.52, while typed controls ("stop", "go back", "agent", "can I
# talk to a person") read at 0.96 or more. Chosen on development phrases, not on any frozen set.
CONTROL_INTENTS = frozenset({STOP, CHANGE_ANSWER, HUMAN_HANDOFF})
CONTROL_CONFIDENCE = 0.95


def keeps_its_meaning(intent: str | None, confidence: float) -> bool:
    """Whether the NLU's reading of a message inside a form overrides its reading as an answer."""
    if intent in KEEP_INTENTS:
        return True
    return intent in CONTROL_INTENTS and confidence >= CONTROL_CONFIDENCE


def open_question(tracker: DialogueStateTracker) -> tuple[str, str] | None:
    """(form, requested slot) while the screening or callback form waits for an answer."""
    form = tracker.active_loop_name
    slot = tracker.get_slot(REQUESTED_SLOT)
    if form in FORMS and isinstance(slot, str) and slot:
        return form, slot
    return None


def answer_slot(tracker: DialogueStateTracker) -> str | None:
    """The slot the latest message answers, when this policy should take it as the answer.

    Either the slot mappings filled it this turn (a name read as a fallback is still a name), or the
    form's parsers read the text as an answer. Crisis always keeps its meaning, and so does a
    confident reading of one of the form's controls.
    """
    if actions_since_last_user_message(tracker):
        return None  # only the first prediction after the message
    question = open_question(tracker)
    message = tracker.latest_message
    if question is None or message is None:
        return None
    parsed = message.intent or {}
    text = message.text or ""
    if keeps_its_meaning(parsed.get("name"), float(parsed.get("confidence") or 0.0)) or text.startswith("/"):
        return None
    form, slot = question
    if tracker.get_slot(slot) is None and not answers_open_question(form, slot, text):
        return None
    if next_guarded_action(tracker) is not None:
        return None
    return slot


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class FormAnswerPolicy(FixedRulePolicy):
    """Predicts the open form's action when the latest message answers its question."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Confidence 1.0 for the form's action (with the text as the slot's value), else zeros."""
        probabilities = self._default_predictions(domain)
        slot = answer_slot(tracker)
        form = tracker.active_loop_name
        if slot is None or form is None or form not in domain.action_names_or_texts:
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(form)] = 1.0
        text = tracker.latest_message.text if tracker.latest_message else ""
        # a slot the mappings already filled this turn stays; else the text becomes the slot's value
        events: list[Event] = [] if tracker.get_slot(slot) is not None else [SlotSet(slot, text)]
        return self._prediction(probabilities, is_no_user_prediction=True, optional_events=events)
