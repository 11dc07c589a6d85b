"""The audit log: who signed in (or failed to), who viewed which conversation, who acted on the queue.

Rows hold the actor, the action, the target (a conversation id or queue item key) and, for sign-ins,
the address. Never message text or contact details.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.orm import Session

from bot.orm import Base

ACTIONS = (
    "sign_in",
    "sign_in_failed",
    "sign_in_locked",
    "sign_out",
    "view_conversation",
    "claim",
    "resolve",
    "note",
    "staff_message",
    "hand_back",
    "assisted_screening",
    "user_added",
    "user_disabled",
    "user_enabled",
)
VIEW_DEDUPE = timedelta(minutes=5)
"""A live conversation view polls; one audit row per viewer and conversation per this window."""


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class AuditEntry(Base):
    """One audited event."""

    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    at = Column(DateTime(timezone=True), nullable=False, default=_utcnow, index=True)
    actor = Column(String(64), nullable=True)  # the username (as typed, for failed sign-ins)
    action = Column(String(32), nullable=False)
    target = Column(String(200), nullable=True)
    ip = Column(String(64), nullable=True)


def record(
    session: Session,
    action: str,
    *,
    actor: str | None,
    target: str | None = None,
    ip: str | None = None,
    now: datetime | None = None,
) -> AuditEntry:
    """Add an audit row; `action` must be one of ACTIONS."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        at=now or _utcnow(),
        actor=actor[:64] if actor else None,
        action=action,
        target=target[:200] if target else None,
        ip=ip[:64] if ip else None,
    )
    session.add(entry)
    session.flush()
    return entry


def record_view(
    session: Session, actor: str, conversation_id: str, *, now: datetime | None = None, dedupe: bool = False
) -> bool:
    """Audit a conversation view; with `dedupe`, skip it if this actor viewed it within VIEW_DEDUPE.

    Returns whether a row was written.
    """
    now = now or _utcnow()
    if dedupe:
        query = (
            select(AuditEntry.id)
            .where(AuditEntry.action == "view_conversation")
            .where(AuditEntry.actor == actor[:64])
            .where(AuditEntry.target == conversation_id[:200])
            .where(AuditEntry.at > now - VIEW_DEDUPE)
            .limit(1)
        )
        if session.execute(query).first() is not None:
            return False
    record(session, "view_conversation", actor=actor, target=conversation_id, now=now)
    return True


def recent(session: Session, limit: int = 200, before_id: int | None = None) -> list[AuditEntry]:
    """The newest entries first (older pages with `before_id`)."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(max(1, min(limit, 1000)))
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.execute(query).scalars())
