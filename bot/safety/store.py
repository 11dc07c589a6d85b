"""The `escalations` table: one row per crisis reply, for the staff queue.

The staff queue (`bot.triage`) reads this part only through the functions below: the escalations of
conversations with one still open, one conversation's escalations, and the status changes staff make
(new -> acknowledged -> closed).

Stored: when, the safety category, the channel, the conversation's sender id (so staff can open the
conversation in the access-controlled console), the follow-up status, and why it was raised: its
`severity` (high / moderate) and `source` (the layer that raised it, e.g. rules, semantic, context,
screening, safety_net); both are null when the caller did not say. Not stored: the message text or any
other personal data (the tracker store already holds the conversation).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, String, func, select, update
from sqlalchemy.orm import Session

from bot.orm import Base

STATUSES = ("new", "acknowledged", "closed")
OPEN_STATUSES = ("new", "acknowledged")
SEVERITIES = ("high", "moderate")
MAX_SOURCE_CHARS = 32


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Escalation(Base):
    """A crisis escalation waiting for (or handled by) staff."""

    __tablename__ = "escalations"

    id = Column(Integer, primary_key=True, autoincrement=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=_utcnow, index=True)
    category = Column(String(32), nullable=False)  # a contract category or "unspecified"
    channel = Column(String(64), nullable=False)
    sender_id = Column(String(255), nullable=False, index=True)
    status = Column(String(16), nullable=False, default="new", index=True)
    staff_notified = Column(String(16), nullable=False, default="not_configured")
    severity = Column(String(16), nullable=True)  # "high", "moderate", or null (not given: counts as high)
    source = Column(String(MAX_SOURCE_CHARS), nullable=True)  # e.g. rules, semantic, context, safety_net


def open_escalations(session: Session, limit: int = 100) -> list[Escalation]:
    """Escalations not closed yet, newest first (for the staff console)."""
    query = (
        select(Escalation)
        .where(Escalation.status != "closed")
        .order_by(Escalation.created_at.desc(), Escalation.id.desc())
        .limit(limit)
    )
    return list(session.scalars(query))


def has_escalation(session: Session, sender_id: str) -> bool:
    """Whether this conversation already holds a disclosed risk (any escalation, whatever its status)."""
    query = select(Escalation.id).where(Escalation.sender_id == sender_id).limit(1)
    return session.execute(query).first() is not None


def escalations_of_open_conversations(session: Session) -> list[Escalation]:
    """Every escalation (closed ones included) of the conversations that have one not closed yet."""
    pending = select(Escalation.sender_id).where(Escalation.status != "closed")
    return list(session.execute(select(Escalation).where(Escalation.sender_id.in_(pending))).scalars())


def escalations_for(session: Session, sender_id: str) -> list[Escalation]:
    """One conversation's escalations, oldest first."""
    query = select(Escalation).where(Escalation.sender_id == sender_id).order_by(Escalation.id)
    return list(session.execute(query).scalars())


def first_of_conversation(session: Session, escalation_id: int) -> tuple[int, str] | None:
    """(the conversation's first escalation id, its sender id) for any of its escalations; None if unknown."""
    row = session.get(Escalation, escalation_id)
    if row is None:
        return None
    query = select(func.min(Escalation.id)).where(Escalation.sender_id == row.sender_id)
    return int(session.execute(query).scalar_one()), str(row.sender_id)


def _move_conversation(session: Session, sender_id: str, status: str, before: tuple[str, ...]) -> None:
    session.execute(
        update(Escalation)
        .where(Escalation.sender_id == sender_id, Escalation.status.in_(before))
        .values(status=status)
        .execution_options(synchronize_session="fetch")
    )


def acknowledge_conversation(session: Session, sender_id: str) -> None:
    """Staff took the conversation: its new escalations become acknowledged."""
    _move_conversation(session, sender_id, "acknowledged", ("new",))


def close_conversation(session: Session, sender_id: str) -> None:
    """Staff resolved the conversation: its open escalations become closed."""
    _move_conversation(session, sender_id, "closed", OPEN_STATUSES)
