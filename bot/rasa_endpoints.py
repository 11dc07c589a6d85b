"""Build Rasa's endpoints configuration from the environment (pure; no Rasa imports).

One `DATABASE_URL` serves the app's tables and Rasa's SQL tracker store; `REDIS_URL` turns on the Redis
lock store and `RABBITMQ_URL` the Pika event broker, so several Rasa instances can share conversations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

from bot.config import VAR_DIR, ConfigError

EVENTS_QUEUE = "rasa_events"


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
        return {
            "type": "SQL",
            "dialect": "postgresql",
            "url": parts.hostname or "127.0.0.1",
            "port": parts.port or 5432,
            "db": parts.path.lstrip("/") or "postgres",
            "username": unquote(parts.username or ""),
            "password": unquote(parts.password or ""),
        }
    raise ConfigError(f"DATABASE_URL must be sqlite:/// or postgresql://, got scheme {scheme!r}")


def endpoints_config(env: Mapping[str, str], database_url: str, action_port: int) -> dict[str, Any]:
    """The endpoints.yml content for one Rasa instance."""
    config: dict[str, Any] = {
        "action_endpoint": {"url": f"http://127.0.0.1:{action_port}/webhook"},
        "tracker_store": tracker_store_config(database_url),
    }
    redis_url = env.get("REDIS_URL", "").strip()
    if redis_url:
        parts = urlsplit(redis_url)
        config["lock_store"] = {
            "type": "redis",
            "url": parts.hostname or "127.0.0.1",
            "port": parts.port or 6379,
            "db": int(parts.path.lstrip("/") or 0),
            "password": unquote(parts.password or "") or None,
            "key_prefix": "iop",
        }
    rabbitmq_url = env.get("RABBITMQ_URL", "").strip()
    if rabbitmq_url:
        parts = urlsplit(rabbitmq_url)
        config["event_broker"] = {
            "type": "pika",
            "url": parts.hostname or "127.0.0.1",
            "port": parts.port or 5672,
            "username": unquote(parts.username or "guest"),
            "password": unquote(parts.password or "guest"),
            "queues": [EVENTS_QUEUE],
        }
    return config
