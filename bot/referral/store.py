"""Referral tables: the program directory, callback requests and handoff requests.

Contact details are stored only after explicit consent (the actions enforce it) and never logged.
Staff read `callback_requests` and `handoff_requests` in their console; `status` moves
new -> done (callbacks) and waiting -> joined -> closed (handoffs). The staff queue (`bot.triage`)
reads and moves them only through the functions at the end of this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timezone

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Session

from bot.orm import Base
from bot.referral.programs import Program

HANDOFF_OPEN_STATUSES = ("waiting", "joined")


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _csv(values: Iterable[str]) -> str:
    return ",".join(values)


class ProgramRow(Base):
    """A directory program, mirrored from content/programs.yml for the staff console and API."""

    __tablename__ = "programs"

    id = Column(String(64), primary_key=True)
    name = Column(String(200), nullable=False)
    levels = Column(String(200), nullable=False)
    formats = Column(String(200), nullable=False)
    schedule = Column(String(200), nullable=False)
    populations = Column(String(200), nullable=False)
    specialties = Column(String(300), nullable=False)
    insurance = Column(String(300), nullable=False)
    self_pay = Column(Boolean, nullable=False)
    sliding_scale = Column(Boolean, nullable=False)
    street = Column(String(200), nullable=False)
    city = Column(String(100), nullable=False)
    state = Column(String(2), nullable=False)
    zip_code = Column(String(5), nullable=False)
    phone = Column(String(40), nullable=False)
    website = Column(String(300), nullable=False)
    intake_hours = Column(String(200), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=_utcnow)


class CallbackRequest(Base):
    """A consented request for intake staff to call or email back."""

    __tablename__ = "callback_requests"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=_utcnow)
    conversation_id = Column(String(128), nullable=False, index=True)
    name = Column(String(100), nullable=False)
    contact_kind = Column(String(8), nullable=False)  # "phone" | "email"
    contact = Column(String(254), nullable=False)  # E.164 phone or lower-cased email
    best_time = Column(String(100), nullable=False)
    consent_text = Column(Text, nullable=False)  # the exact purpose the person agreed to
    consent_at = Column(DateTime(timezone=True), nullable=False)
    program_id = Column(String(64), ForeignKey("programs.id", ondelete="SET NULL"), nullable=True)
    status = Column(String(16), nullable=False, default="new")


class HandoffRequest(Base):
    """A person asked for a human during staff hours; the staff console shows the waiting queue."""

    __tablename__ = "handoff_requests"

    id = Column(Integer, primary_key=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=_utcnow)
    conversation_id = Column(String(128), nullable=False, index=True)
    channel = Column(String(64), nullable=False)
    status = Column(String(16), nullable=False, default="waiting")
    urgent = Column(Boolean, nullable=False, default=False)
    crisis_category = Column(String(32), nullable=True)


def load_programs_into_db(session: Session, programs: Iterable[Program]) -> int:
    """Upsert the directory by id; programs no longer listed become inactive. Idempotent."""
    now = _utcnow()
    existing = {row.id: row for row in session.execute(select(ProgramRow)).scalars()}
    listed: set[str] = set()
    for program in programs:
        listed.add(program.id)
        row = existing.get(program.id) or ProgramRow(id=program.id)
        row.name = program.name
        row.levels = _csv(program.levels)
        row.formats = _csv(program.formats)
        row.schedule = _csv(program.schedule)
        row.populations = _csv(program.populations)
        row.specialties = _csv(program.specialties)
        row.insurance = _csv(program.insurance)
        row.self_pay = program.self_pay
        row.sliding_scale = program.sliding_scale
        row.street = program.address.street
        row.city = program.address.city
        row.state = program.address.state
        row.zip_code = program.address.zip_code
        row.phone = program.phone
        row.website = program.website
        row.intake_hours = program.intake_hours
        row.active = True
        row.updated_at = now
        if program.id not in existing:
            session.add(row)
    for program_id, row in existing.items():
        if program_id not in listed and row.active:
            row.active = False
            row.updated_at = now
    session.flush()
    return len(listed)


def save_callback_request(
    session: Session,
    *,
    conversation_id: str,
    name: str,
    contact_kind: str,
    contact: str,
    best_time: str,
    consent_text: str,
    program_id: str | None = None,
    now: datetime | None = None,
) -> int:
    """Store a consented callback request; returns its id. Fields must be validated first."""
    if contact_kind not in ("phone", "email"):
        raise ValueError("contact_kind must be 'phone' or 'email'")
    when = now or _utcnow()
    if program_id is not None and session.get(ProgramRow, program_id) is None:
        program_id = None
    row = CallbackRequest(
        conversation_id=conversation_id,
        name=name,
        contact_kind=contact_kind,
        contact=contact,
        best_time=best_time,
        consent_text=consent_text,
        consent_at=when,
        created_at=when,
        program_id=program_id,
    )
    session.add(row)
    session.flush()
    return int(row.id)


def open_handoff_request(
    session: Session, conversation_id: str, channel: str, now: datetime | None = None
) -> int:
    """Queue a handoff for staff; one open request per conversation (no duplicates)."""
    current = find_open_handoff(session, conversation_id)
    if current is not None:
        return int(current.id)
    row = HandoffRequest(conversation_id=conversation_id, channel=channel, created_at=now or _utcnow())
    session.add(row)
    session.flush()
    return int(row.id)


def find_open_handoff(session: Session, conversation_id: str) -> HandoffRequest | None:
    """The conversation's waiting or joined handoff request, if any."""
    query = (
        select(HandoffRequest)
        .where(HandoffRequest.conversation_id == conversation_id)
        .where(HandoffRequest.status.in_(HANDOFF_OPEN_STATUSES))
        .order_by(HandoffRequest.id.desc())
    )
    request: HandoffRequest | None = session.execute(query).scalars().first()
    return request


def mark_handoff_urgent(session: Session, conversation_id: str, crisis_category: str | None) -> bool:
    """Flag an open handoff as urgent (crisis language while paused); False if none is open."""
    current = find_open_handoff(session, conversation_id)
    if current is None:
        return False
    current.urgent = True
    current.crisis_category = crisis_category
    session.flush()
    return True


def open_handoffs(session: Session) -> list[HandoffRequest]:
    """Handoff requests waiting for or joined by staff."""
    query = select(HandoffRequest).where(HandoffRequest.status.in_(HANDOFF_OPEN_STATUSES))
    return list(session.execute(query).scalars())


def open_callbacks(session: Session) -> list[CallbackRequest]:
    """Callback requests nobody has done yet."""
    return list(session.execute(select(CallbackRequest).where(CallbackRequest.status == "new")).scalars())


def handoffs_for(session: Session, conversation_id: str) -> list[HandoffRequest]:
    """One conversation's handoff requests, oldest first."""
    query = (
        select(HandoffRequest)
        .where(HandoffRequest.conversation_id == conversation_id)
        .order_by(HandoffRequest.id)
    )
    return list(session.execute(query).scalars())


def callbacks_for(session: Session, conversation_id: str) -> list[CallbackRequest]:
    """One conversation's callback requests, oldest first."""
    query = (
        select(CallbackRequest)
        .where(CallbackRequest.conversation_id == conversation_id)
        .order_by(CallbackRequest.id)
    )
    return list(session.execute(query).scalars())


def program_name(session: Session, program_id: str | None) -> str | None:
    """The name of a directory program, or None (no id, or no such program)."""
    program = session.get(ProgramRow, program_id) if program_id else None
    return str(program.name) if program is not None else None


def _set_status(
    session: Session, model: type[HandoffRequest] | type[CallbackRequest], id_: int, status: str
) -> None:
    row = session.get(model, id_)
    if row is not None:
        row.status = status


def join_handoff(session: Session, handoff_id: int) -> None:
    """Staff joined the chat: the handoff becomes joined (an unknown id is ignored)."""
    _set_status(session, HandoffRequest, handoff_id, "joined")


def close_handoff(session: Session, handoff_id: int) -> None:
    """The conversation went back to the assistant or staff resolved it: the handoff is closed."""
    _set_status(session, HandoffRequest, handoff_id, "closed")


def complete_callback(session: Session, callback_id: int) -> None:
    """Staff called back: the callback request is done (an unknown id is ignored)."""
    _set_status(session, CallbackRequest, callback_id, "done")
