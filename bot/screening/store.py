"""The `screenings` table: one row per screening that finished, escalated, was stopped, or disclosed risk.

Only enumerated answer values are stored (never message text), plus which questions were declined,
the result, answers changed to less worrying ones (with the original) and the conversation id. No
contact details.

A screening that discloses risk is stored at once (`note_answer`, status in_progress) and kept up to
date answer by answer, so staff see it even when the person never finishes; `finish_screening` then
completes, escalates or abandons that same row. Its answers keep what was disclosed: an answer that
was cleared to be asked again keeps its value until the new one arrives, and a change to a less
worrying answer is recorded in `changes`.

The staff queue (`bot.triage`) reads the screenings that need staff through `for_staff` and one
conversation's through `screenings_for`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Literal

from sqlalchemy import JSON, Column, DateTime, Integer, String, select
from sqlalchemy.orm import Session

from bot.orm import Base
from bot.screening.disclosure import AnswerChange, lowering_change, needs_staff, risk_so_far
from bot.screening.engine import FIELDS, ScreeningResult, Value

Status = Literal["completed", "escalated", "abandoned", "in_progress"]
STATUSES: tuple[Status, ...] = ("completed", "escalated", "abandoned", "in_progress")
FINAL_STATUSES: tuple[Status, ...] = ("completed", "escalated", "abandoned")
MAX_CONVERSATION_ID = 128
STAFF_STATUSES: tuple[Status, ...] = ("completed", "escalated")
"""Always for staff; in_progress and abandoned screenings only when they need staff (`needs_staff`)."""
UNFINISHED_STATUSES: tuple[Status, ...] = ("in_progress", "abandoned")


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
    changes = Column(JSON, nullable=True)  # [{"field", "from", "to", "cleared", "at"}]: changes lowering risk
    updated_at = Column(DateTime(timezone=True), nullable=True)  # the latest answer or the end

    def answer_changes(self) -> list[AnswerChange]:
        """The recorded changes to less worrying answers, oldest first."""
        return [AnswerChange.from_dict(c) for c in self.changes or []]


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
    clean = _checked_answers(answers)
    row = ScreeningRow(
        conversation_id=conversation_id,
        status=status,
        answers=clean,
        declined=sorted(set(declined)),
        level=result.level if result else None,
        risk=result.risk if result else risk_so_far(clean),
        flags=list(result.flags) if result else [],
        rules=list(result.rules) if result else [],
        changes=[],
        updated_at=_utcnow(),
    )
    session.add(row)
    session.flush()
    return int(row.id)


def _check(conversation_id: str, declined: Sequence[str]) -> None:
    if not conversation_id or len(conversation_id) > MAX_CONVERSATION_ID:
        raise ValueError("conversation_id: must be 1 to 128 characters")
    unknown = [name for name in declined if name not in FIELDS]
    if unknown:
        raise ValueError(f"{unknown[0][:40]}: unknown field")


def open_screening(session: Session, conversation_id: str) -> ScreeningRow | None:
    """The conversation's screening stored while in progress (the latest), if any."""
    query = (
        select(ScreeningRow)
        .where(ScreeningRow.conversation_id == conversation_id, ScreeningRow.status == "in_progress")
        .order_by(ScreeningRow.id.desc())
        .limit(1)
    )
    row: ScreeningRow | None = session.scalars(query).first()
    return row


def note_answer(
    session: Session,
    conversation_id: str,
    answers: Mapping[str, Value],
    declined: Sequence[str],
    field: str,
) -> int | None:
    """Keep what the answer to `field` discloses, for staff, before the screening ends.

    `answers` are the screening's answers now, the new one included (null for questions it skips).
    When they disclose risk (`needs_staff`) and nothing is stored yet, an in_progress row is stored;
    once it exists every answer updates it, and an answer less worrying than the one first disclosed
    is recorded in `changes`. Returns the row id, or None when nothing needed storing.
    """
    _check(conversation_id, declined)
    if field not in FIELDS:
        raise ValueError(f"{field[:40]}: unknown field")
    clean = _checked_answers(answers)
    row = open_screening(session, conversation_id)
    disclosed: dict[str, Value] = dict(row.answers or {}) if row is not None else {}
    change = lowering_change(disclosed, field, clean[field]) if field in clean else None
    if row is None:
        if not needs_staff(clean):
            return None
        row = ScreeningRow(
            conversation_id=conversation_id, status="in_progress", answers={}, declined=[], flags=[], rules=[]
        )
        session.add(row)
    now = _utcnow()
    merged = {**disclosed, **clean}
    row.answers = merged
    row.declined = sorted(set(declined))
    row.risk = risk_so_far(merged)
    row.changes = [*(row.changes or []), *([{**change.to_dict(), "at": now.isoformat()}] if change else [])]
    row.updated_at = now
    session.flush()
    return int(row.id)


def finish_screening(
    session: Session,
    conversation_id: str,
    status: Status,
    answers: Mapping[str, Value],
    declined: Sequence[str] = (),
    result: ScreeningResult | None = None,
) -> int | None:
    """End the conversation's screening: update its in_progress row, or store a new one.

    A completed screening's answers are its final answers; an escalated or abandoned one keeps
    every answer disclosed on the way (a cleared answer is not forgotten). Its risk is the result's,
    else that of the answers. A screening stopped before any answer, with nothing stored, is not
    stored (None).
    """
    if status not in FINAL_STATUSES:
        raise ValueError(f"status: must be one of {', '.join(FINAL_STATUSES)}")
    _check(conversation_id, declined)
    row = open_screening(session, conversation_id)
    if row is None:
        if status == "abandoned" and not answers:
            return None
        return record_screening(session, conversation_id, status, answers, declined, result)
    clean = _checked_answers(answers)
    row.answers = clean if status == "completed" else {**(row.answers or {}), **clean}
    row.status = status
    row.declined = sorted(set(declined))
    row.level = result.level if result else None
    row.risk = result.risk if result else risk_so_far(row.answers)
    row.flags = list(result.flags) if result else []
    row.rules = list(result.rules) if result else []
    row.updated_at = _utcnow()
    session.flush()
    return int(row.id)


def screenings_for(session: Session, conversation_id: str) -> list[ScreeningRow]:
    """The stored screenings of one conversation, oldest first."""
    query = (
        select(ScreeningRow).where(ScreeningRow.conversation_id == conversation_id).order_by(ScreeningRow.id)
    )
    return list(session.scalars(query))


def for_staff(session: Session) -> list[ScreeningRow]:
    """The screenings staff should see: completed or escalated, or unfinished and needing staff."""
    query = select(ScreeningRow).where(ScreeningRow.status.in_((*STAFF_STATUSES, *UNFINISHED_STATUSES)))
    return [
        row
        for row in session.execute(query).scalars()
        if row.status not in UNFINISHED_STATUSES or needs_staff(dict(row.answers or {}), row.answer_changes())
    ]
