"""FixedRulePolicy: the shared frame of the policies that follow a fixed rule instead of learning.

SafetyGuardPolicy, FormAnswerPolicy and DialoguePolicy predict from the tracker with plain code (the
rules themselves live in bot/); they have nothing to train and all run at priority 7, above RulePolicy
(6), so that a rule or a form's loop prediction cannot win over them. The guard is listed first in
config.yml and wins ties; the other two also stand aside whenever it acts.
"""

from __future__ import annotations

from typing import Any, Dict, List

from rasa.core.constants import POLICY_PRIORITY
from rasa.core.policies.policy import Policy
from rasa.engine.graph import ExecutionContext
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.domain import Domain
from rasa.shared.core.generator import TrackerWithCachedStates

FIXED_POLICY_PRIORITY = 7


class FixedRulePolicy(Policy):
    """A policy with nothing to learn, at priority 7 unless configured otherwise."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        """Priority 7: above RulePolicy (6)."""
        return {POLICY_PRIORITY: FIXED_POLICY_PRIORITY}

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        featurizer: Any | None = None,
    ) -> None:
        """Fill what `config` leaves out (the priority) from the defaults, then set up as Rasa's Policy."""
        config = {**self.get_default_config(), **config}
        super().__init__(config, model_storage, resource, execution_context, featurizer)

    def train(
        self,
        training_trackers: List[TrackerWithCachedStates],
        domain: Domain,
        **kwargs: Any,
    ) -> Resource:
        """Nothing to learn: the rule is code."""
        return self._resource
