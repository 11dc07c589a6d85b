"""Build Rasa's endpoints configuration from the environment (pure; no Rasa imports).

One `DATABASE_URL` serves the app's tables and Rasa's SQL tracker store; `REDIS_URL` turns on the Redis
lock store and `RABBITMQ_URL` the Pika event broker, so several Rasa instances can share conversations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from bot.config import VAR_DIR, ConfigError, Settings, setting

EVENTS_QUEUE = Settings.events_queue
EVENTS_EXCHANGE = Settings.events_exchange  # Rasa 3.6's default (rasa/core/brokers/pika.py)
LOCK_KEY_PREFIX = "iop"  # Rasa requires an alphanumeric prefix
# Rasa's PikaEventBroker, except that a failed publish is logged without the event (components/).
EVENT_BROKER_TYPE = "components.event_broker.ContentFreePikaEventBroker"
# Rasa's RedisLockStore, except that tickets are issued atomically across instances (components/).
LOCK_STORE_TYPE = "components.lock_store.AtomicRedisLockStore"


def events_queue(env: Mapping[str, str]) -> str:
    """The durable RabbitMQ queue Rasa publishes to and the web app consumes (`RABBITMQ_QUEUE`)."""
    return setting("RABBITMQ_QUEUE", env, EVENTS_QUEUE)


def events_exchange(env: Mapping[str, str]) -> str:
    """The fanout exchange the queue is bound to (`RABBITMQ_EXCHANGE`)."""
    return setting("RABBITMQ_EXCHANGE", env, EVENTS_EXCHANGE)


def tracker_store_config(database_url: str) -> dict[str, Any]:
    """Rasa SQLTrackerStore settings for a SQLAlchemy-style URL (sqlite or postgresql)."""
    parts = urlsplit(database_url)
    scheme = parts.scheme.split("+", 1)[0]
    if scheme == "sqlite":
        # The tracker store keeps its own file beside the app's, so each can be reset on its own.
        app_db = database_url.split(":///", 1)[1] if ":///" in database_url else ""
        folder = Path(app_db).parent if app_db else VAR_DIR
        return {"type": "SQL", "dialect": "sqlite", "db": str(folder / "rasa.db")}
    if scheme in {"postgresql", "postgres"}:
        config: dict[str, Any] = {
            "type": "SQL",
            "dialect": "postgresql",
            "url": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "db": parts.path.lstrip("/") or "postgres",
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
        }
        if parts.query:  # e.g. ?sslmode=require, handed to the driver as SQLAlchemy's URL query
            config["query"] = dict(parse_qsl(parts.query))
        return config
    raise ConfigError(f"DATABASE_URL must be sqlite:/// or postgresql://, got scheme {scheme!r}")


def endpoints_config(env: Mapping[str, str], database_url: str, action_port: int) -> dict[str, Any]:
    """The endpoints.yml content for one Rasa instance."""
    action_url = setting("ACTION_ENDPOINT_URL", env)  # containers: e.g. http://actions:5055/webhook
    config: dict[str, Any] = {
        "action_endpoint": {"url": action_url or f"http://127.0.0.1:{action_port}/webhook"},
        "tracker_store": tracker_store_config(database_url),
    }
    redis_url = setting("REDIS_URL", env)
    if redis_url:
        config["lock_store"] = lock_store_config(redis_url)
    rabbitmq_url = setting("RABBITMQ_URL", env)
    if rabbitmq_url:
        config["event_broker"] = event_broker_config(
            rabbitmq_url, events_queue(env), events_exchange(env)
        )
    return config


def lock_store_config(redis_url: str) -> dict[str, Any]:
    """Rasa RedisLockStore settings (rasa/core/lock_store.py) for a redis:// or rediss:// URL."""
    parts = urlsplit(redis_url)
    if parts.scheme not in {"redis", "rediss"}:
        raise ConfigError(f"REDIS_URL must be redis:// or rediss://, got scheme {parts.scheme!r}")
    db = parts.path.lstrip("/") or "0"
    if not db.isdigit():
        raise ConfigError(f"REDIS_URL must end in a database number, got {db!r}")
    config: dict[str, Any] = {
        "type": LOCK_STORE_TYPE,
        "url": parts.hostname or "127.0.0.1",
        "port": parts.port or 6379,
        "db": int(db),
        "key_prefix": LOCK_KEY_PREFIX,
    }
    if parts.username:
        config["username"] = unquote(parts.username)
    if parts.password:
        config["password"] = unquote(parts.password)
    if parts.scheme == "rediss":
        config["use_ssl"] = True
    return config


def event_broker_config(rabbitmq_url: str, queue: str, exchange: str) -> dict[str, Any]:
    """Rasa PikaEventBroker settings (rasa/core/brokers/pika.py) for an amqp:// or amqps:// URL.

    Rasa takes a bare host name, or a whole URL (needed for TLS and a virtual host other than "/");
    the credentials are always passed separately.
    """
    parts = urlsplit(rabbitmq_url)
    if parts.scheme not in {"amqp", "amqps"}:
        raise ConfigError(f"RABBITMQ_URL must be amqp:// or amqps://, got scheme {parts.scheme!r}")
    host = parts.hostname or "127.0.0.1"
    port = parts.port or (5671 if parts.scheme == "amqps" else 5672)
    vhost = unquote(parts.path.lstrip("/"))
    vhost = "" if vhost == "/" else vhost
    url = f"{parts.scheme}://{host}:{port}/{quote(vhost, safe='')}"
    if parts.scheme == "amqp" and not vhost:
        url = host
    return {
        "type": EVENT_BROKER_TYPE,
        "url": url,
        "port": port,
        "username": unquote(parts.username or "guest"),
        "password": unquote(parts.password or "guest"),
        "queues": [queue],
        "exchange_name": exchange,
    }
