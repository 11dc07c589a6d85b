"""Wraps Rasa's message handler so an unanswered crisis message still gets the crisis resources.

Rasa answers crisis messages itself (utter_crisis, even with the action server down). It stays silent
while a conversation is paused for a human hand-off, and a failure inside Rasa can leave a message
unanswered; in both cases this wrapper sends the crisis message, records an escalation for staff and
marks the conversation's open hand-off (if any) urgent in the staff queue. The bookkeeping comes after
the reply and never fails it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, cast

from rasa.core.channels.channel import OutputChannel, UserMessage
from sqlalchemy.exc import SQLAlchemyError

from bot.db import session_scope
from bot.referral.store import mark_handoff_urgent
from bot.safety.escalation import record_escalation
from bot.safety.net import crisis_reply
from bot.safety.store import has_escalation

logger = logging.getLogger(__name__)

Handler = Callable[[UserMessage], Awaitable[Any]]


class CountingOutputChannel:
    """Delegates to the real output channel and counts the bot messages sent through it."""

    def __init__(self, inner: OutputChannel) -> None:
        """Wrap `inner`; nothing is counted yet."""
        self.inner = inner
        self.sent = 0

    async def send_response(self, recipient_id: str, message: Dict[str, Any]) -> None:
        """Count, then send as the wrapped channel would."""
        self.sent += 1
        await self.inner.send_response(recipient_id, message)

    def __getattr__(self, name: str) -> Any:
        """Any other attribute is the wrapped channel's."""
        return getattr(self.inner, name)


def risk_on_record(sender_id: str | None) -> bool:
    """Whether the conversation already disclosed a risk (then cues escalate too); False if unknown."""
    try:
        with session_scope() as session:
            return has_escalation(session, sender_id or "")
    except Exception as exc:  # the database may be down: decide on this message alone
        logger.error("risk on record unknown (%s)", type(exc).__name__)
        return False


def flag_urgent_handoff(
    conversation_id: str, crisis_category: str | None, db_url: str | None = None
) -> bool | None:
    """`mark_handoff_urgent` in its own short session: True marked, False none open, None DB failed.

    Never raises, because the crisis reply must not depend on it; a failure is logged with the
    category only (no message text, no conversation or sender id).
    """
    try:
        with session_scope(db_url) as session:
            return mark_handoff_urgent(session, conversation_id, crisis_category)
    except (SQLAlchemyError, OSError) as exc:
        logger.error("hand-off not marked urgent (%s): category=%s", type(exc).__name__, crisis_category)
        return None


def after_crisis_reply(category: str | None, channel: str | None, sender_id: str | None) -> None:
    """Escalation for staff, then the open hand-off marked urgent; logs failures, never raises."""
    steps = (
        lambda: record_escalation(category, channel, sender_id, sessions=session_scope),
        lambda: flag_urgent_handoff(sender_id or "", category),
    )
    for step in steps:
        try:
            step()
        except Exception as exc:  # the crisis reply is already out; bookkeeping must not fail it
            logger.error("crisis bookkeeping failed (%s): category=%s", type(exc).__name__, category)


def with_crisis_safety_net(on_new_message: Handler) -> Handler:
    """Rasa's handler, plus crisis resources whenever Rasa sent nothing for a crisis message."""

    async def handler(message: UserMessage) -> Any:
        counting = CountingOutputChannel(message.output_channel)
        # a proxy, not a subclass: OutputChannel's own methods would shadow the delegation
        message.output_channel = cast(OutputChannel, counting)
        failure: Exception | None = None
        try:
            result = await on_new_message(message)
        except Exception as exc:  # Rasa failed: the person may still need the crisis resources
            failure, result = exc, None
        if counting.sent == 0:
            on_record = await asyncio.to_thread(risk_on_record, message.sender_id)
            reply = await asyncio.to_thread(crisis_reply, message.text, risk_on_record=on_record)
            if reply is not None:
                text, category = reply
                await counting.inner.send_text_message(message.sender_id, text)
                await asyncio.to_thread(
                    after_crisis_reply, category, message.input_channel, message.sender_id
                )
                logger.warning("crisis resources sent by the channel safety net (%s)", category)
                return result
        if failure is not None:
            raise failure
        return result

    return handler
