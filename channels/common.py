"""Glue shared by the connectors: numbered-reply mapping with a database that may be down.

The options live in `bot.messaging_store`; the helpers here open their own short session and never
raise, because a reply must go out even when the database is down.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable, Sequence

from rasa.core.channels.channel import UserMessage

from bot.db import get_engine, session_scope
from bot.messaging import Option, resolve_reply
from bot.messaging_store import ReplyOptions, remember_options, take_options

logger = logging.getLogger(__name__)

STORE_TIMEOUT_S = 2.0
_tables_ready: set[str] = set()


def _ensure_table(url: str | None) -> None:
    """Create the table on first use in this process (Rasa's process may start before `init_db`)."""
    engine = get_engine(url)
    marker = str(engine.url)
    if marker not in _tables_ready:
        ReplyOptions.__table__.create(engine, checkfirst=True)
        _tables_ready.add(marker)


def save_options_safely(channel: str, sender: str, options: Sequence[Option], url: str | None = None) -> bool:
    """`remember_options` in its own session; False (and a warning without identifiers) on failure."""
    try:
        _ensure_table(url)
        with session_scope(url) as session:
            remember_options(session, channel, sender, options, datetime.now(timezone.utc))
        return True
    except Exception as exc:
        logger.warning("could not store %s reply options: %s", channel, type(exc).__name__)
        return False


def take_options_safely(channel: str, sender: str, url: str | None = None) -> list[Option]:
    """`take_options` in its own session; no options (and a warning) when the database fails."""
    try:
        _ensure_table(url)
        with session_scope(url) as session:
            return take_options(session, channel, sender, datetime.now(timezone.utc))
    except Exception as exc:
        logger.warning("could not read %s reply options: %s", channel, type(exc).__name__)
        return []

Handler = Callable[[UserMessage], Awaitable[Any]]


async def remember(channel: str, sender: str, options: Sequence[Option]) -> None:
    """Store the options offered to `sender`; gives up after a short timeout, never raises."""
    try:
        await asyncio.wait_for(
            asyncio.to_thread(save_options_safely, channel, sender, list(options)), STORE_TIMEOUT_S
        )
    except Exception as exc:
        logger.warning("storing %s reply options gave up: %s", channel, type(exc).__name__)


async def resolve(channel: str, sender: str, text: str) -> str:
    """The payload `text` picks from the options last offered to `sender`, else `text`."""
    try:
        options = await asyncio.wait_for(
            asyncio.to_thread(take_options_safely, channel, sender), STORE_TIMEOUT_S
        )
    except Exception as exc:
        logger.warning("reading %s reply options gave up: %s", channel, type(exc).__name__)
        return text
    return resolve_reply(text, options)


def mapping_numbered_replies(channel: str, on_new_message: Handler) -> Handler:
    """Wrap Rasa's handler so a reply like "2" arrives as the payload of the second option offered."""

    async def handler(message: UserMessage) -> Any:
        if message.text is not None and message.sender_id is not None:
            message.text = await resolve(channel, message.sender_id, message.text)
        return await on_new_message(message)

    return handler


def credential(credentials: dict[str, Any], name: str) -> str | None:
    """A credential value, with blank treated as unset."""
    value = credentials.get(name)
    return str(value).strip() or None if value is not None else None
