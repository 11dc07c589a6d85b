"""The lock store Rasa loads from endpoints.yml: tickets stay unique when instances race (real Redis)."""

from __future__ import annotations

import secrets
import threading

import pytest

from ops.rasa_endpoints import lock_store_config
from tests.services import REDIS_URL, require

pytestmark = [pytest.mark.rasa, pytest.mark.services]


def stores(count: int) -> list:
    from rasa.core.lock_store import LockStore
    from rasa.utils.endpoints import EndpointConfig

    return [LockStore.create(EndpointConfig(**lock_store_config(REDIS_URL))) for _ in range(count)]


def test_racing_instances_never_get_the_same_ticket() -> None:
    require(6379, "Redis")
    conversation = f"race-{secrets.token_hex(4)}"
    instances = stores(4)
    tickets: list[int] = []
    start = threading.Barrier(len(instances))

    def take(store: object) -> None:
        start.wait()
        for _ in range(40):
            tickets.append(store.issue_ticket(conversation, 60))  # type: ignore[attr-defined]

    threads = [threading.Thread(target=take, args=(s,)) for s in instances]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        assert sorted(tickets) == list(range(160)), "every ticket issued once"
    finally:
        instances[0].delete_lock(conversation)


def test_cleanup_keeps_the_lock_while_someone_waits_and_then_deletes_it() -> None:
    require(6379, "Redis")
    conversation = f"clean-{secrets.token_hex(4)}"
    first, second = stores(2)
    mine, theirs = first.issue_ticket(conversation, 60), second.issue_ticket(conversation, 60)
    first.cleanup(conversation, mine)
    lock = second.get_lock(conversation)
    assert lock is not None and not lock.is_locked(theirs), "the waiting instance may go on"
    second.cleanup(conversation, theirs)
    assert first.get_lock(conversation) is None
