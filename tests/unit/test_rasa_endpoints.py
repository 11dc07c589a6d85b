"""Rasa 3.6 endpoint settings from DATABASE_URL, REDIS_URL and RABBITMQ_URL (ops/rasa_endpoints.py)."""

from __future__ import annotations

import pytest

from bot.config import ConfigError
from ops.rasa_endpoints import endpoints_config, event_broker_config, lock_store_config, tracker_store_config


def test_redis_url_with_credentials_database_and_tls() -> None:
    assert lock_store_config("rediss://ops:p%40ss@cache.local:6380/3") == {
        "type": "components.lock_store.AtomicRedisLockStore",
        "url": "cache.local",
        "port": 6380,
        "db": 3,
        "key_prefix": "iop",
        "username": "ops",
        "password": "p@ss",
        "use_ssl": True,
    }
    assert lock_store_config("redis://127.0.0.1") == {
        "type": "components.lock_store.AtomicRedisLockStore",
        "url": "127.0.0.1",
        "port": 6379,
        "db": 0,
        "key_prefix": "iop",
    }


@pytest.mark.parametrize(("url", "message"), [("http://x", "redis://"), ("redis://x/abc", "database number")])
def test_bad_redis_urls_are_named(url: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        lock_store_config(url)


def test_plain_amqp_url_gives_host_and_separate_credentials() -> None:
    assert event_broker_config("amqp://guest:guest@127.0.0.1:5672/", "q", "x") == {
        "type": "components.event_broker.ContentFreePikaEventBroker",
        "url": "127.0.0.1",
        "port": 5672,
        "username": "guest",
        "password": "guest",
        "queues": ["q"],
        "exchange_name": "x",
    }
    assert event_broker_config("amqp://h/%2F", "q", "x")["url"] == "h"  # "/" is the default vhost


def test_virtual_host_and_tls_keep_the_whole_url() -> None:
    assert event_broker_config("amqp://u:p@mq:5672/helpline", "q", "x")["url"] == "amqp://mq:5672/helpline"
    tls = event_broker_config("amqps://u:p@mq/", "q", "x")
    assert (tls["url"], tls["port"]) == ("amqps://mq:5671/", 5671)


def test_bad_broker_url_is_named() -> None:
    with pytest.raises(ConfigError, match="RABBITMQ_URL"):
        event_broker_config("redis://x", "q", "x")


def test_queue_and_exchange_names_come_from_the_environment() -> None:
    env = {"RABBITMQ_URL": "amqp://mq/", "RABBITMQ_QUEUE": "test_q", "RABBITMQ_EXCHANGE": "test_x"}
    broker = endpoints_config(env, "sqlite:///var/app.db", 5055)["event_broker"]
    assert (broker["queues"], broker["exchange_name"]) == (["test_q"], "test_x")
    defaults = endpoints_config({"RABBITMQ_URL": "amqp://mq/"}, "sqlite:///var/app.db", 5055)["event_broker"]
    assert (defaults["queues"], defaults["exchange_name"]) == (["rasa_events"], "rasa-exchange")


def test_action_endpoint_can_point_at_another_host() -> None:
    assert (
        endpoints_config({}, "sqlite:///a.db", 5056)["action_endpoint"]["url"]
        == "http://127.0.0.1:5056/webhook"
    )
    env = {"ACTION_ENDPOINT_URL": "http://actions:5055/webhook"}
    assert (
        endpoints_config(env, "sqlite:///a.db", 5055)["action_endpoint"]["url"]
        == "http://actions:5055/webhook"
    )


def test_postgres_query_options_reach_the_driver() -> None:
    assert tracker_store_config("postgresql://u@db/iop?sslmode=require")["query"] == {"sslmode": "require"}
