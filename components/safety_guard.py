"""SafetyGuardPolicy: the crisis flow wins from any state, even while a form is active.

In Rasa 3.6 RulePolicy predicts an active form's loop action with `is_no_user_prediction=True`, which
the ensemble lets beat every rule; a form would then answer a danger message with its next question.
The guard predicts the crisis flow itself, with confidence 1.0, `is_no_user_prediction=True` and
priority 7 (RulePolicy has 6), step by step: utter_crisis, action_deactivate_loop (only while a form is
active), action_record_escalation, utter_ask_safe_now, then listen. It runs the flow when

- the latest message is a `crisis` (the NLU's rules or semantic classifier saw danger), or
- the latest message carries a `risk_cue` (ambiguous alone: "I got them", "tonight", a goodbye) and the
  conversation already holds a disclosed risk (the `risk_severity` slot): conversation-level risk.

After "Are you safe right now?" it reads the answer (bot.safety.checkin): safe ("yes", "no I'm fine")
-> utter_safe_glad, which keeps the numbers in view and offers a person; not safe or unsure ("no",
"not really", "I don't know") -> utter_crisis_repeat. Doubt said right after either reply ("i dont know", "not
really") gets utter_crisis_repeat again. Otherwise it predicts nothing.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.core.policies.policy import PolicyPrediction
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.core.constants import (
    ACTION_DEACTIVATE_LOOP_NAME,
    ACTION_EXTRACT_SLOTS,
    ACTION_LISTEN_NAME,
    ACTION_UNLIKELY_INTENT_NAME,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.contracts import (
    ACTION_RECORD_ESCALATION,
    CRISIS,
    RISK_CUE,
    RISK_SEVERITY,
    UTTER_ASK_SAFE_NOW,
    UTTER_CRISIS,
    UTTER_CRISIS_REPEAT,
    UTTER_SAFE_GLAD,
    UTTER_SAFETY_CHECK_IN,
)
from bot.safety.checkin import SAFE, read_safety_answer, still_doubts_safety
from components.fixed_policy import FixedRulePolicy

logger = logging.getLogger(__name__)

CRISIS_INTENT = CRISIS
CRISIS_UTTERANCE = UTTER_CRISIS
RECORD_ACTION = ACTION_RECORD_ESCALATION
ASK_SAFE = UTTER_ASK_SAFE_NOW
SAFE_REPLY = UTTER_SAFE_GLAD
NOT_SAFE_REPLY = UTTER_CRISIS_REPEAT
SAFETY_QUESTIONS = frozenset({ASK_SAFE, UTTER_SAFETY_CHECK_IN})
SAFETY_REPLIES = frozenset({SAFE_REPLY, NOT_SAFE_REPLY})
CUE_ENTITY = RISK_CUE
RISK_SLOT = RISK_SEVERITY
_IGNORED_ACTIONS = {ACTION_LISTEN_NAME, ACTION_EXTRACT_SLOTS, ACTION_UNLIKELY_INTENT_NAME}


def actions_since_last_user_message(tracker: DialogueStateTracker) -> List[str]:
    """Names of the bot actions applied after the latest user message."""
    names: List[str] = []
    for event in reversed(tracker.applied_events()):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, ActionExecuted) and event.action_name not in _IGNORED_ACTIONS:
            names.append(event.action_name or "")
    return list(reversed(names))


def last_bot_action_before_user_message(tracker: DialogueStateTracker) -> str | None:
    """The last bot action (not listen) before the latest user message."""
    seen_user = False
    for event in reversed(tracker.applied_events()):
        if isinstance(event, UserUttered):
            if seen_user:
                return None
            seen_user = True
        elif seen_user and isinstance(event, ActionExecuted) and event.action_name not in _IGNORED_ACTIONS:
            return event.action_name
    return None


def is_escalation(tracker: DialogueStateTracker) -> bool:
    """A crisis message, or a cue after a disclosed risk."""
    message = tracker.latest_message
    if message is None:
        return False
    if message.intent.get("name") == CRISIS_INTENT:
        return True
    has_cue = any(entity.get("entity") == CUE_ENTITY for entity in message.entities or [])
    return has_cue and tracker.get_slot(RISK_SLOT) in ("moderate", "high")


def planned_sequence(tracker: DialogueStateTracker, done: List[str]) -> List[str]:
    """The actions this turn needs from the guard (empty: the guard has nothing to say)."""
    if is_escalation(tracker):
        sequence = [CRISIS_UTTERANCE]
        if tracker.active_loop_name or ACTION_DEACTIVATE_LOOP_NAME in done:
            sequence.append(ACTION_DEACTIVATE_LOOP_NAME)
        return [*sequence, RECORD_ACTION, ASK_SAFE, ACTION_LISTEN_NAME]
    last = last_bot_action_before_user_message(tracker)
    text = (tracker.latest_message.text or "") if tracker.latest_message else ""
    if last in SAFETY_QUESTIONS:
        reading = read_safety_answer(text)
        if reading is not None:
            return [SAFE_REPLY if reading == SAFE else NOT_SAFE_REPLY, ACTION_LISTEN_NAME]
    if last in SAFETY_REPLIES and still_doubts_safety(text):
        return [NOT_SAFE_REPLY, ACTION_LISTEN_NAME]  # one answer never closes the flow
    return []


def next_guarded_action(tracker: DialogueStateTracker) -> str | None:
    """The crisis-flow action to run next, or None when the guard has nothing to say."""
    done = actions_since_last_user_message(tracker)
    sequence = planned_sequence(tracker, done)
    pending = [name for name in sequence if name != ACTION_LISTEN_NAME]
    if done == pending and sequence:
        return ACTION_LISTEN_NAME
    if len(done) < len(pending) and done == pending[: len(done)]:
        return pending[len(done)]
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class SafetyGuardPolicy(FixedRulePolicy):
    """Runs the crisis flow after a danger message (or a cue after a disclosed risk).

    It also reads the answer to "Are you safe right now?".
    """

    def predict_action_probabilities(
        self,
        tracker: DialogueStateTracker,
        domain: Domain,
        rule_only_data: Dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> PolicyPrediction:
        """Confidence 1.0 for the next crisis action, else all zeros."""
        probabilities = self._default_predictions(domain)
        action = next_guarded_action(tracker)
        if action is None:
            return self._prediction(probabilities)
        if action not in domain.action_names_or_texts:
            logger.warning("SafetyGuardPolicy: %s is not in the domain", action)
            return self._prediction(probabilities)
        probabilities[domain.index_for_action(action)] = 1.0
        return self._prediction(probabilities, is_no_user_prediction=True)
