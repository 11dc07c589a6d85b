"""Builders shared by the tests of the fixed-rule policies (components/fixed_policy.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


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
