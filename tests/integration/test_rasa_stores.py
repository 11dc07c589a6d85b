"""The Rasa endpoint settings (ops/rasa_endpoints.py) build Rasa's real stores on the real servers."""

from __future__ import annotations

import pytest

from ops.rasa_endpoints import endpoints_config


@pytest.mark.rasa
@pytest.mark.services
async def test_rasa_builds_its_stores_from_these_settings() -> None:
    """The real Rasa 3.6 classes accept every key and connect to the real servers."""
    from rasa.core.brokers.broker import EventBroker
    from rasa.core.brokers.pika import PikaEventBroker
    from rasa.core.lock_store import LockStore, RedisLockStore
    from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
    from rasa.utils.endpoints import EndpointConfig

    from tests.services import RABBITMQ_URL, REDIS_URL, require, scratch_postgres

    require(6379, "Redis")
    require(5672, "RabbitMQ")
    with scratch_postgres() as url:
        env = {
            "REDIS_URL": REDIS_URL,
            "RABBITMQ_URL": RABBITMQ_URL,
            "RABBITMQ_QUEUE": "iop_test_cfg",
            "RABBITMQ_EXCHANGE": "iop-test-cfg",
        }
        config = {k: EndpointConfig(**v) for k, v in endpoints_config(env, url, 5055).items()}
        lock_store = LockStore.create(config["lock_store"])
        assert isinstance(lock_store, RedisLockStore) and lock_store.key_prefix == "iop:lock:"
        assert type(lock_store).__name__ == "AtomicRedisLockStore"
        broker = await EventBroker.create(config["event_broker"])
        assert isinstance(broker, PikaEventBroker) and broker.is_ready()
        assert type(broker).__name__ == "ContentFreePikaEventBroker"
        try:
            store = TrackerStore.create(config["tracker_store"], event_broker=broker)
            assert isinstance(store, SQLTrackerStore) and store.engine.url.database == url.rsplit("/", 1)[1]
            store.engine.dispose()
        finally:
            channel = await broker._connection.channel()  # tidy the test's queue and exchange away
            await channel.queue_delete("iop_test_cfg")
            await channel.exchange_delete("iop-test-cfg")
            await broker.close()
