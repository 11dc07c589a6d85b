"""The buttons last offered to each messaging sender, so a reply "2" maps back to a payload.

Keyed by a SHA-256 of channel and sender (no phone number is stored), shared by all Rasa instances
through the app database. The options are good for the sender's next message only. The helpers the
message path calls in their own session, swallowing database errors, are in `channels/common.py`.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta, timezone
from typing import Any, Sequence

from sqlalchemy import JSON, Column, DateTime, String, delete
from sqlalchemy.orm import Session

from bot.messaging import Option
from bot.orm import Base

OPTIONS_MAX_AGE = timedelta(hours=24)


class ReplyOptions(Base):
    """The numbered options most recently sent to one sender on one channel."""

    __tablename__ = "messaging_reply_options"

    sender_key = Column(String(64), primary_key=True)
    channel = Column(String(32), nullable=False)
    options = Column(JSON, nullable=False)
    sent_at = Column(DateTime(timezone=True), nullable=False)


def sender_key(channel: str, sender: str) -> str:
    """The table key for a sender: a digest, so phone numbers and user ids are not stored."""
    return hashlib.sha256(f"{channel}\x00{sender}".encode()).hexdigest()


def _as_utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def remember_options(
    session: Session, channel: str, sender: str, options: Sequence[Option], now: datetime
) -> None:
    """Replace the sender's options with `options` (none: forget them)."""
    key = sender_key(channel, sender)
    row = session.get(ReplyOptions, key)
    if not options:
        if row is not None:
            session.delete(row)
        return
    data: list[dict[str, Any]] = [{"title": o.title, "payload": o.payload} for o in options]
    if row is None:
        session.add(ReplyOptions(sender_key=key, channel=channel, options=data, sent_at=now))
    else:
        row.options, row.sent_at = data, now


def take_options(
    session: Session, channel: str, sender: str, now: datetime, max_age: timedelta = OPTIONS_MAX_AGE
) -> list[Option]:
    """The sender's options if younger than `max_age`; they are removed either way (one use)."""
    row = session.get(ReplyOptions, sender_key(channel, sender))
    if row is None:
        return []
    session.delete(row)
    if now - _as_utc(row.sent_at) > max_age:
        return []
    return [Option(str(o["title"]), str(o["payload"])) for o in row.options]


def purge_expired(session: Session, now: datetime, max_age: timedelta = OPTIONS_MAX_AGE) -> int:
    """Delete options older than `max_age`; returns how many rows went."""
    result = session.execute(delete(ReplyOptions).where(ReplyOptions.sent_at < now - max_age))
    return int(result.rowcount or 0)
