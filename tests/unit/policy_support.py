"""Builders shared by the tests of the fixed-rule policies (components/fixed_policy.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence


def create_policy(policy_class: Any, storage: Path) -> Any:
    """A policy as Rasa's graph creates it, with its default config and a local model storage."""
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource

    return policy_class.create(
        policy_class.get_default_config(),
        LocalModelStorage(storage),
        Resource(policy_class.__name__),
        ExecutionContext(GraphSchema({}), "test"),
    )


def user_turn_tracker(
    domain: Any,
    text: str,
    intent: str,
    *,
    confidence: float = 1.0,
    entities: Sequence[dict[str, Any]] = (),
    before: Sequence[Any] = (),
    after: Sequence[str] = (),
) -> Any:
    """A tracker that ends in one user message and the actions taken since.

    Events: action_listen, the Rasa events `before` (ending in action_listen when there are any),
    the message `text` read as `intent` with `entities`, then the actions named in `after`
    (action_deactivate_loop also closes the active loop, as Rasa does).
    """
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    events: list[Any] = [
        ActionExecuted("action_listen"),
        *before,
        UserUttered(text, {"name": intent, "confidence": confidence}, list(entities)),
    ]
    for action in after:
        events.append(ActionExecuted(action))
        if action == "action_deactivate_loop":
            events.append(ActiveLoop(None))
    return DialogueStateTracker.from_events("s", events, domain.slots)


def predicted(policy: Any, domain: Any, tracker: Any) -> tuple[str | None, Any]:
    """The action the policy predicts for `tracker` (None when it abstains) and its prediction."""
    prediction = policy.predict_action_probabilities(tracker, domain)
    if max(prediction.probabilities) == 0:
        return None, prediction
    return str(domain.action_names_or_texts[prediction.max_confidence_index]), prediction
