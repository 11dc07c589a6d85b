"""The console's own state of queue items, and the state changes staff make.

The console keeps only `queue_state` (status and who claimed it, keyed by item kind + id) and
`queue_notes`; an item without a row is open. Claiming or resolving an item also moves its source
along that part's lifecycle, through the part's own store functions: a crisis conversation's
escalations new -> acknowledged -> closed, handoffs waiting -> joined -> closed, callbacks new -> done.
A crisis item is a conversation: any of its escalation ids names it, and resolving it closes all of
its escalations (a danger message after that opens the same item again).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import Column, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Session

from bot.orm import Base
from bot.referral import store as referral_store
from bot.safety import store as safety_store
from bot.triage.items import Kind, QueueError, StateView, parse_key

MAX_NOTE_LENGTH = 2000


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class QueueState(Base):
    """The console's state of one queue item; items without a row are open."""

    __tablename__ = "queue_state"

    item_kind = Column(String(16), primary_key=True)
    item_id = Column(Integer, primary_key=True)
    status = Column(String(16), nullable=False, default="open")
    claimed_by = Column(String(64), nullable=True)
    updated_at = Column(DateTime(timezone=True), nullable=False, default=_utcnow, index=True)


class QueueNote(Base):
    """A staff annotation on a queue item."""

    __tablename__ = "queue_notes"

    id = Column(Integer, primary_key=True)
    item_kind = Column(String(16), nullable=False, index=True)
    item_id = Column(Integer, nullable=False, index=True)
    author = Column(String(64), nullable=False)
    at = Column(DateTime(timezone=True), nullable=False, default=_utcnow, index=True)
    text = Column(Text, nullable=False)


def load_states(session: Session, keys: Iterable[str] | None = None) -> dict[str, StateView]:
    """Console states and notes by item key (all of them, or only `keys`)."""
    wanted = set(keys) if keys is not None else None
    notes: dict[str, list[str]] = {}
    for note in session.execute(select(QueueNote).order_by(QueueNote.id)).scalars():
        notes.setdefault(f"{note.item_kind}:{note.item_id}", []).append(note.text)
    states: dict[str, StateView] = {}
    for row in session.execute(select(QueueState)).scalars():
        key = f"{row.item_kind}:{row.item_id}"
        states[key] = StateView(row.status, row.claimed_by, tuple(notes.pop(key, ())), row.updated_at)
    for key, texts in notes.items():
        states[key] = StateView(notes=tuple(texts))
    return {k: v for k, v in states.items() if wanted is None or k in wanted}


def _state_row(session: Session, kind: str, item_id: int) -> QueueState:
    row: QueueState | None = session.get(QueueState, (kind, item_id))
    if row is None:
        row = QueueState(item_kind=kind, item_id=item_id, status="open")
        session.add(row)
    return row


def _target(session: Session, key: str) -> tuple[Kind, int, str | None]:
    """(kind, id, crisis conversation) of the item `key` names; a crisis key names its conversation."""
    kind, item_id = parse_key(key)
    if kind != "crisis":
        return kind, item_id, None
    conversation = safety_store.first_of_conversation(session, item_id)
    if conversation is None:
        raise QueueError(f"unknown queue item crisis:{item_id}")
    first, conversation_id = conversation
    return kind, first, conversation_id


def claim(session: Session, key: str, username: str, *, take_over: bool = False) -> str:
    """Claim an item (a crisis conversation acknowledges its escalations).

    Refuses one claimed by someone else unless `take_over`. Returns the key acted on.
    """
    kind, item_id, conversation_id = _target(session, key)
    row = _state_row(session, kind, item_id)
    if row.status == "claimed" and row.claimed_by not in (None, username) and not take_over:
        raise QueueError(f"already claimed by {row.claimed_by}")
    row.status, row.claimed_by, row.updated_at = "claimed", username, _utcnow()
    if conversation_id is not None:
        safety_store.acknowledge_conversation(session, conversation_id)
    session.flush()
    return f"{kind}:{item_id}"


def resolve(session: Session, key: str, username: str) -> str:
    """Mark an item resolved (it leaves the open queue; a crisis conversation closes its escalations).

    Returns the key acted on.
    """
    kind, item_id, conversation_id = _target(session, key)
    row = _state_row(session, kind, item_id)
    row.status, row.claimed_by, row.updated_at = "resolved", row.claimed_by or username, _utcnow()
    if conversation_id is not None:
        safety_store.close_conversation(session, conversation_id)
    elif kind == "handoff":
        referral_store.close_handoff(session, item_id)
    elif kind == "callback":
        referral_store.complete_callback(session, item_id)
    session.flush()
    return f"{kind}:{item_id}"


def join(session: Session, key: str, username: str) -> None:
    """Staff joined a handoff's chat: claimed (by whoever claimed it first, else them) and joined."""
    kind, item_id = parse_key(key)
    if kind != "handoff":
        raise QueueError(f"not a handoff: {key[:40]!r}")
    row = _state_row(session, kind, item_id)
    row.status, row.claimed_by, row.updated_at = "claimed", row.claimed_by or username, _utcnow()
    referral_store.join_handoff(session, item_id)


def annotate(session: Session, key: str, username: str, text: str) -> str:
    """Add a staff note to an item (a crisis conversation's notes stay with it). Returns the key."""
    kind, item_id, _conversation = _target(session, key)
    clean = text.strip()
    if not clean:
        raise QueueError("the note is empty")
    session.add(QueueNote(item_kind=kind, item_id=item_id, author=username, text=clean[:MAX_NOTE_LENGTH]))
    session.flush()
    return f"{kind}:{item_id}"
