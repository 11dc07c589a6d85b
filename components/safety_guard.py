"""SafetyGuardPolicy: the crisis reply wins even while a form is active.

In Rasa 3.6 RulePolicy predicts an active form's loop action with `is_no_user_prediction=True`, which
the ensemble lets beat every rule; the form then calls the action server and, if it is down, a crisis
message gets no reply. The guard predicts the crisis reply itself: when the latest user intent is
`crisis` and the bot actions since that message are a strict prefix of [utter_crisis,
action_deactivate_loop] (the latter only while a loop is active), it predicts the next one with
confidence 1.0, `is_no_user_prediction=True` and priority 7 (RulePolicy has 6). Otherwise it predicts
nothing. The rest of the crisis flow (record, ask if safe) is ordinary rules.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, List

from rasa.core.constants import POLICY_PRIORITY
from rasa.core.policies.policy import Policy, PolicyPrediction
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import (
    ACTION_DEACTIVATE_LOOP_NAME,
    ACTION_EXTRACT_SLOTS,
    ACTION_LISTEN_NAME,
    ACTION_UNLIKELY_INTENT_NAME,
)
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)

CRISIS_INTENT = "crisis"
CRISIS_UTTERANCE = "utter_crisis"
GUARD_PRIORITY = 7
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


def next_guarded_action(tracker: DialogueStateTracker) -> str | None:
    """The crisis action to run next, or None when the guard has nothing to say."""
    if tracker.latest_message is None or tracker.latest_message.intent.get("name") != CRISIS_INTENT:
        return None
    sequence = [CRISIS_UTTERANCE]
    if tracker.active_loop_name:
        sequence.append(ACTION_DEACTIVATE_LOOP_NAME)
    done = actions_since_last_user_message(tracker)
    if len(done) < len(sequence) and done == sequence[: len(done)]:
        return sequence[len(done)]
    return None


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class SafetyGuardPolicy(Policy):
    """Predicts utter_crisis (and action_deactivate_loop in a form) right after a crisis message."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Priority 7: above RulePolicy (6), so a form's loop prediction cannot win."""
        return {POLICY_PRIORITY: GUARD_PRIORITY}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any | None = None,
    ) -> None:
        config = {**self.get_default_config(), **config}
        super().__init__(config, model_storage, resource, execution_context, featurizer)

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Nothing to learn: the guard is a fixed rule."""
        return self._resource

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
