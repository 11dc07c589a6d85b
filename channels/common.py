"""Glue shared by the connectors: numbered-reply mapping with a database that may be down."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Sequence

from rasa.core.channels.channel import UserMessage

from bot.messaging import Option, resolve_reply
from bot.messaging_store import save_options_safely, take_options_safely

logger = logging.getLogger(__name__)

STORE_TIMEOUT_S = 2.0

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
