"""The `screenings` table: one row per screening that finished, escalated or was stopped.

Only enumerated answer values are stored (never message text), plus which questions were declined,
the result and the conversation id. No contact details.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Literal

from sqlalchemy import JSON, Column, DateTime, Integer, String, select
from sqlalchemy.orm import Session

from bot.db import Base
from bot.screening.engine import FIELDS, ScreeningResult, Value

Status = Literal["completed", "escalated", "abandoned"]
STATUSES: tuple[Status, ...] = ("completed", "escalated", "abandoned")
MAX_CONVERSATION_ID = 128


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class ScreeningRow(Base):
    """A stored screening."""

    __tablename__ = "screenings"

    id = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id = Column(String(MAX_CONVERSATION_ID), nullable=False, index=True)
    status = Column(String(16), nullable=False)
    answers = Column(JSON, nullable=False)
    declined = Column(JSON, nullable=False)
    level = Column(String(32), nullable=True)
    risk = Column(String(16), nullable=True)
    flags = Column(JSON, nullable=False)
    rules = Column(JSON, nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=_utcnow)


def _checked_answers(answers: Mapping[str, Value]) -> dict[str, Value]:
    clean: dict[str, Value] = {}
    for name, value in answers.items():
        if name not in FIELDS:
            raise ValueError(f"{name}: unknown field")
        if value is not None and (
            value not in FIELDS[name] or isinstance(value, bool) != (FIELDS[name] == (True, False))
        ):
            raise ValueError(f"{name}: not an allowed value")
        clean[name] = value
    return clean


def record_screening(
    session: Session,
    conversation_id: str,
    status: Status,
    answers: Mapping[str, Value],
    declined: Sequence[str] = (),
    result: ScreeningResult | None = None,
) -> int:
    """Store a screening (answers may be partial) and return its id; bad values raise ValueError."""
    if not conversation_id or len(conversation_id) > MAX_CONVERSATION_ID:
        raise ValueError("conversation_id: must be 1 to 128 characters")
    if status not in STATUSES:
        raise ValueError(f"status: must be one of {', '.join(STATUSES)}")
    unknown = [name for name in declined if name not in FIELDS]
    if unknown:
        raise ValueError(f"{unknown[0][:40]}: unknown field")
    row = ScreeningRow(
        conversation_id=conversation_id,
        status=status,
        answers=_checked_answers(answers),
        declined=sorted(set(declined)),
        level=result.level if result else None,
        risk=result.risk if result else None,
        flags=list(result.flags) if result else [],
        rules=list(result.rules) if result else [],
    )
    session.add(row)
    session.flush()
    return int(row.id)


def screenings_for(session: Session, conversation_id: str) -> list[ScreeningRow]:
    """The stored screenings of one conversation, oldest first."""
    query = (
        select(ScreeningRow).where(ScreeningRow.conversation_id == conversation_id).order_by(ScreeningRow.id)
    )
    return list(session.scalars(query))
