"""DialoguePolicy: typed yes/no after an offer, and preferences stated in passing (bot.dialogue).

Rules cannot tell FAQ answers apart (they all run `utter_faq`), and a typed "yeah" after "If you like, I
can ask a few questions" would otherwise be a fallback. Right after a user message, outside forms, this
policy looks at the response the assistant sent last: if it was an offer and the message is a yes or a
no, it runs the offer's answer step by step (bot.dialogue.OFFERS). Otherwise, a statement that carries
a program preference ("I have Medicaid", "I live in 10001") runs the program search, which notes the
preference or lists programs (actions/referral.py). Last, a question the NLU read as unclear or as
`inform` gets the FAQ answer the response selector is sure of. It stands aside whenever the safety guard
acts.
"""

from __future__ import annotations

import logging
from typing import Any, Dict

from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.contracts import (
    CARE_FORMAT,
    CARE_LEVEL,
    CRISIS,
    INSURANCE,
    MAX_DISTANCE,
    POPULATION,
    SCHEDULE_SLOT,
    SPECIALTY,
    ZIP_CODE,
)
from bot.dialogue import (
    FAQ_ANSWER,
    SAY_GOODBYE,
    answers_question,
    is_closing,
    is_preference_statement,
    next_step,
    reply_to_offer,
    yes_or_no,
)
from bot.fallback import faq_confidence
from components.fixed_policy import FixedRulePolicy
from components.safety_guard import (
    actions_since_last_user_message,
    last_bot_action_before_user_message,
    next_guarded_action,
)

logger = logging.getLogger(__name__)

PREFERENCE_ENTITIES = frozenset(
    {SCHEDULE_SLOT, CARE_FORMAT, INSURANCE, ZIP_CODE, MAX_DISTANCE, POPULATION, SPECIALTY, CARE_LEVEL}
)
FIND_PROGRAMS = ("action_find_programs",)


def last_offer(tracker: DialogueStateTracker) -> str | None:
    """The response the assistant sent last before the latest user message (e.g. utter_faq/candidate)."""
    seen_user = False
    for event in reversed(tracker.applied_events()):
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif seen_user and isinstance(event, BotUttered):
            name = (event.metadata or {}).get("utter_action")
            return name if isinstance(name, str) else None
    return None


def planned_actions(tracker: DialogueStateTracker) -> tuple[str, ...]:
    """What this turn should run: a goodbye, the answer to an offer, the program search, or nothing."""
    if tracker.active_loop_name:
        return ()
    message = tracker.latest_message
    if message is None:
        return ()
    intent = (message.intent or {}).get("name")
    if is_closing(message.text or "", intent):
        return SAY_GOODBYE
    entities = message.entities or []
    preferences = [str(e.get("entity")) for e in entities if e.get("entity") in PREFERENCE_ENTITIES]
    reply = reply_to_offer(last_offer(tracker), yes_or_no(message.text or "", intent, bool(preferences)))
    if reply:
        return reply
    searching = last_bot_action_before_user_message(tracker) == FIND_PROGRAMS[0]
    if is_preference_statement(message.text or "", preferences, intent, searching):
        return FIND_PROGRAMS
    if answers_question(message.text or "", intent, faq_confidence(message.parse_data)):
        return FAQ_ANSWER
    return ()


def next_dialogue_action(tracker: DialogueStateTracker) -> str | None:
    """The next action of this turn's plan, or None when the policy has nothing to say."""
    if next_guarded_action(tracker) is not None:
        return None
    message = tracker.latest_message
    if message is not None and (message.intent or {}).get("name") == CRISIS:
        return None
    done = actions_since_last_user_message(tracker)
    if done and tracker.active_loop_name:
        return None  # a form the plan started now leads
    return next_step(planned_actions(tracker), done)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class DialoguePolicy(FixedRulePolicy):
    """Predicts the answer to an offer, or the program search for a stated preference."""

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Confidence 1.0 for the next planned action, else all zeros."""
        probabilities = self._default_predictions(domain)
        action = next_dialogue_action(tracker)
        if action is None:
            return self._prediction(probabilities)
        if action not in domain.action_names_or_texts:
            logger.warning("DialoguePolicy: %s is not in the domain", action)
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities)
