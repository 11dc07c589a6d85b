"""The staff triage queue, derived from the other parts' tables plus the console's own state.

Design: the queue is *derived*, not enqueued. Crisis escalations (`bot.safety.store`), handoff and
callback requests (`bot.referral.store`) and completed screenings (`bot.screening.store`) are read
where they are written; the console keeps only its own `queue_state` (status, who claimed it, keyed
by item kind + id) and `queue_notes`. The other parts call nothing, and a part not built yet simply
contributes no items. Ordering and merging are pure functions over `QueueItem`.

Order: crisis escalations (and handoffs flagged urgent) first, then handoffs, callbacks, screenings;
within a tier by risk (high first), then oldest first.

Screenings reach the queue when completed or escalated, and also unfinished (in progress or stopped)
when they disclosed risk or an answer was changed to a less worrying one (`bot.screening.disclosure`);
their `attention` says why.

Crisis escalations are one item per conversation, not per message (`crisis_items`): its highest risk,
the category of its highest-risk message with the others listed, the first and the latest unresolved
danger message and how many there are. The item's id is the conversation's first escalation, so its
state and notes stay with the conversation; resolving closes its escalations, and a danger message
after that opens the same item again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Any, Callable, Iterable, Literal, Mapping

from sqlalchemy import Column, DateTime, Integer, String, Text, func, select, update
from sqlalchemy.orm import Session

from bot.orm import Base
from bot.referral import store as referral_store
from bot.safety import store as safety_store
from bot.screening import store as screening_store
from bot.screening.disclosure import attention, describe_change, needs_staff

Kind = Literal["crisis", "handoff", "callback", "screening"]
Status = Literal["open", "claimed", "resolved"]
KINDS: tuple[Kind, ...] = ("crisis", "handoff", "callback", "screening")
TIER: dict[str, int] = {"crisis": 0, "handoff": 1, "callback": 2, "screening": 3}
RISK_ORDER: dict[str | None, int] = {"high": 0, "moderate": 1, "low": 2, "none": 3, None: 4}
MAX_NOTE_LENGTH = 2000
RESOLVED_SOURCE_STATUS = {"crisis": "closed", "handoff": "closed", "callback": "done"}
CLAIMED_SOURCE_STATUS = {"crisis": "acknowledged"}


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _aware(moment: datetime) -> datetime:
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


class QueueError(ValueError):
    """A queue action is not possible (unknown item, or claimed by someone else)."""


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


@dataclass(frozen=True)
class QueueItem:
    """One thing for staff to look at, from whichever table it came from."""

    kind: Kind
    id: int
    conversation_id: str
    created_at: datetime
    channel: str = ""
    category: str | None = None  # crisis category
    level: str | None = None  # suggested level of care (screenings)
    risk: str | None = None  # high / moderate / low / none
    urgent: bool = False
    source_status: str = ""
    status: Status = "open"
    claimed_by: str | None = None
    notes: tuple[str, ...] = ()
    latest_at: datetime | None = None  # crisis: the latest unresolved danger message; screening: last answer
    messages: int = 0  # crisis: how many unresolved danger messages
    other_categories: tuple[str, ...] = ()  # crisis: the categories besides `category`
    sources: tuple[str, ...] = ()  # crisis: which layers raised them (rules, semantic, ...)
    attention: tuple[str, ...] = ()  # plain sentences for staff (e.g. what a screening disclosed)
    reopens: bool = False  # the source itself says it needs attention, so a resolution does not hide it

    @property
    def key(self) -> str:
        """"kind:id", unique across the queue."""
        return f"{self.kind}:{self.id}"

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape the console polls (no contact details, no message text)."""
        return {
            "key": self.key,
            "kind": self.kind,
            "id": self.id,
            "conversation_id": self.conversation_id,
            "created_at": _aware(self.created_at).isoformat(),
            "channel": self.channel,
            "category": self.category,
            "level": self.level,
            "risk": self.risk,
            "urgent": self.urgent,
            "status": self.status,
            "claimed_by": self.claimed_by,
            "notes": len(self.notes),
            "latest_at": _aware(self.latest_at).isoformat() if self.latest_at else None,
            "messages": self.messages,
            "other_categories": list(self.other_categories),
            "sources": list(self.sources),
            "attention": list(self.attention),
            "summary": summary(self),
        }


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary(item: QueueItem) -> list[str]:
    """Short phrases the console shows in the item's details (the API carries them too)."""
    parts: list[str] = []
    if item.kind == "crisis":
        parts.append(_plural(item.messages, "danger message"))
        if item.other_categories:
            parts.append("also " + ", ".join(item.other_categories))
        parts.append("why: " + (", ".join(item.sources) if item.sources else "not recorded"))
    parts.extend(item.attention)
    return parts


def tier(item: QueueItem) -> int:
    """0 for crisis (and urgent handoffs), then handoff, callback, screening."""
    return 0 if item.urgent else TIER[item.kind]


def priority(item: QueueItem) -> tuple[int, int, datetime, str, int]:
    """Sort key: tier, then risk, then age (oldest first), then a stable tiebreak."""
    return (tier(item), RISK_ORDER.get(item.risk, 4), _aware(item.created_at), item.kind, item.id)


def order(items: Iterable[QueueItem]) -> list[QueueItem]:
    """Items in queue order."""
    return sorted(items, key=priority)


@dataclass(frozen=True)
class StateView:
    """The console's state of one item, detached from the database."""

    status: Status = "open"
    claimed_by: str | None = None
    notes: tuple[str, ...] = ()
    updated_at: datetime | None = None  # when it was claimed or resolved


def _newer(moment: datetime | None, than: datetime | None) -> bool:
    return moment is not None and than is not None and _aware(moment) > _aware(than)


def merge(items: Iterable[QueueItem], states: Mapping[str, StateView]) -> list[QueueItem]:
    """Apply console states (by item key) to derived items; drop resolved ones; return in order.

    An item whose source needs attention again is shown open and unclaimed, with its notes: a crisis
    conversation with a danger message after its resolution (`reopens`), or an item whose source
    changed after it was resolved (`latest_at`: a screening answered on, finished or stopped).
    """
    merged = []
    for item in items:
        state = states.get(item.key, StateView())
        if state.status == "resolved":
            if item.reopens or _newer(item.latest_at, state.updated_at):
                merged.append(replace(item, status="open", claimed_by=None, notes=state.notes))
            continue
        merged.append(replace(item, status=state.status, claimed_by=state.claimed_by, notes=state.notes))
    return order(merged)


@dataclass(frozen=True)
class EscalationView:
    """One escalation (one danger message) as the queue reads it; no message text exists to read."""

    id: int
    conversation_id: str
    created_at: datetime
    category: str
    channel: str
    status: str  # new / acknowledged / closed
    severity: str | None = None
    source: str | None = None


def escalation_risk(severity: str | None) -> str:
    """The queue risk of one danger message: moderate only when recorded so (unknown counts as high)."""
    return "moderate" if severity == "moderate" else "high"


def crisis_items(escalations: Iterable[EscalationView]) -> list[QueueItem]:
    """One crisis item per conversation that has a danger message not closed yet.

    id: the conversation's first escalation (closed ones included), a key that survives resolutions;
    risk: the highest of its open messages; category: that of the highest-risk open message (ties:
    the latest), the other categories listed; created_at: its first open message (its age in the
    queue); latest_at: its latest; messages: how many are open; channel: the latest one's.
    """
    by_conversation: dict[str, list[EscalationView]] = {}
    for escalation in escalations:
        by_conversation.setdefault(escalation.conversation_id, []).append(escalation)
    items = []
    for conversation_id, rows in by_conversation.items():
        pending = sorted(
            (r for r in rows if r.status != "closed"), key=lambda r: (_aware(r.created_at), r.id)
        )
        if not pending:
            continue
        ranked = sorted(
            range(len(pending)), key=lambda i: (RISK_ORDER[escalation_risk(pending[i].severity)], -i)
        )
        top = pending[ranked[0]]
        categories = dict.fromkeys(r.category for r in pending)
        items.append(
            QueueItem(
                kind="crisis",
                id=min(r.id for r in rows),
                conversation_id=conversation_id,
                created_at=pending[0].created_at,
                channel=pending[-1].channel,
                category=top.category,
                risk=escalation_risk(top.severity),
                source_status="new" if any(r.status == "new" for r in pending) else pending[-1].status,
                latest_at=pending[-1].created_at,
                messages=len(pending),
                other_categories=tuple(c for c in categories if c != top.category),
                sources=tuple(dict.fromkeys(r.source for r in pending if r.source)),
                reopens=True,
            )
        )
    return items


# ---------------------------------------------------------------------------------------------
# Loaders: each reads one part's table.

def _load_escalations(session: Session) -> list[QueueItem]:
    """Every escalation of the conversations with an open one, grouped into one item each."""
    model = safety_store.Escalation
    pending = select(model.sender_id).where(model.status != "closed")
    rows = session.execute(select(model).where(model.sender_id.in_(pending))).scalars()
    return crisis_items(
        EscalationView(
            id=int(r.id),
            conversation_id=r.sender_id,
            created_at=r.created_at,
            category=r.category,
            channel=r.channel,
            status=r.status,
            severity=r.severity,
            source=r.source,
        )
        for r in rows
    )


def _load_handoffs(session: Session) -> list[QueueItem]:
    model = referral_store.HandoffRequest
    open_statuses = referral_store.HANDOFF_OPEN_STATUSES
    rows = session.execute(select(model).where(model.status.in_(open_statuses))).scalars()
    return [
        QueueItem(
            kind="handoff",
            id=int(r.id),
            conversation_id=r.conversation_id,
            created_at=r.created_at,
            channel=r.channel,
            category=r.crisis_category,
            risk="high" if r.urgent else None,
            urgent=bool(r.urgent),
            source_status=r.status,
        )
        for r in rows
    ]


def _load_callbacks(session: Session) -> list[QueueItem]:
    model = referral_store.CallbackRequest
    rows = session.execute(select(model).where(model.status == "new")).scalars()
    return [
        QueueItem(
            kind="callback",
            id=int(r.id),
            conversation_id=r.conversation_id,
            created_at=r.created_at,
            channel=r.contact_kind,
            source_status=r.status,
        )
        for r in rows
    ]


SCREENING_QUEUE_STATUSES = ("completed", "escalated")
"""Always in the queue; in_progress and abandoned screenings only when they need staff."""
UNFINISHED_STATUSES = ("in_progress", "abandoned")


def _load_screenings(session: Session) -> list[QueueItem]:
    model = screening_store.ScreeningRow
    statuses = (*SCREENING_QUEUE_STATUSES, *UNFINISHED_STATUSES)
    items = []
    for r in session.execute(select(model).where(model.status.in_(statuses))).scalars():
        answers, changes = dict(r.answers or {}), r.answer_changes()
        if r.status in UNFINISHED_STATUSES and not needs_staff(answers, changes):
            continue
        items.append(
            QueueItem(
                kind="screening",
                id=int(r.id),
                conversation_id=r.conversation_id,
                created_at=r.created_at,
                level=r.level,
                risk="high" if r.status == "escalated" else r.risk,
                source_status=r.status,
                latest_at=r.updated_at,
                attention=attention(r.status, answers, r.declined or [], changes, r.risk),
            )
        )
    return items


LOADERS: tuple[Callable[[Session], list[QueueItem]], ...] = (
    _load_escalations,
    _load_handoffs,
    _load_callbacks,
    _load_screenings,
)


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


def open_items(session: Session) -> list[QueueItem]:
    """The open queue, in order."""
    items = [item for loader in LOADERS for item in loader(session)]
    return merge(items, load_states(session))


def parse_key(key: str) -> tuple[Kind, int]:
    """"crisis:12" -> ("crisis", 12); raises QueueError for anything else."""
    kind, _, number = key.partition(":")
    if kind not in KINDS or not number.isdigit():
        raise QueueError(f"unknown queue item {key[:40]!r}")
    return kind, int(number)


def _state_row(session: Session, kind: str, item_id: int) -> QueueState:
    row = session.get(QueueState, (kind, item_id))
    if row is None:
        row = QueueState(item_kind=kind, item_id=item_id, status="open")
        session.add(row)
    return row


def _set_source_status(session: Session, kind: str, item_id: int, status: str) -> None:
    """Move the source row along its documented lifecycle.

    Escalations new -> acknowledged (claimed) -> closed; handoffs waiting -> joined -> closed;
    callbacks new -> done.
    """
    models = {
        "crisis": safety_store.Escalation,
        "handoff": referral_store.HandoffRequest,
        "callback": referral_store.CallbackRequest,
    }
    model = models.get(kind)
    row = session.get(model, item_id) if model is not None else None
    if row is not None:
        row.status = status


def _crisis_conversation(session: Session, item_id: int) -> tuple[int, str]:
    """(the conversation's first escalation id, its sender id) for any of its escalations."""
    model = safety_store.Escalation
    row = session.get(model, item_id)
    if row is None:
        raise QueueError(f"unknown queue item crisis:{item_id}")
    first = session.execute(select(func.min(model.id)).where(model.sender_id == row.sender_id)).scalar_one()
    return int(first), str(row.sender_id)


def _target(session: Session, key: str) -> tuple[Kind, int, str | None]:
    """(kind, id, crisis conversation) of the item `key` names; a crisis key names its conversation."""
    kind, item_id = parse_key(key)
    if kind != "crisis":
        return kind, item_id, None
    first, conversation_id = _crisis_conversation(session, item_id)
    return kind, first, conversation_id


def _set_crisis_status(session: Session, conversation_id: str, status: str, before: tuple[str, ...]) -> None:
    """Move the conversation's escalations whose status is in `before` to `status`."""
    model = safety_store.Escalation
    session.execute(
        update(model)
        .where(model.sender_id == conversation_id, model.status.in_(before))
        .values(status=status)
        .execution_options(synchronize_session="fetch")
    )


def claim(session: Session, key: str, username: str, *, take_over: bool = False) -> str:
    """Claim an item (a crisis conversation acknowledges its escalations); refuses one claimed by
    someone else unless `take_over`. Returns the key acted on."""
    kind, item_id, conversation_id = _target(session, key)
    row = _state_row(session, kind, item_id)
    if row.status == "claimed" and row.claimed_by not in (None, username) and not take_over:
        raise QueueError(f"already claimed by {row.claimed_by}")
    row.status, row.claimed_by, row.updated_at = "claimed", username, _utcnow()
    if conversation_id is not None:
        _set_crisis_status(session, conversation_id, CLAIMED_SOURCE_STATUS["crisis"], ("new",))
    elif kind in CLAIMED_SOURCE_STATUS:
        _set_source_status(session, kind, item_id, CLAIMED_SOURCE_STATUS[kind])
    session.flush()
    return f"{kind}:{item_id}"


def resolve(session: Session, key: str, username: str) -> str:
    """Mark an item resolved (it leaves the open queue; a crisis conversation closes its escalations).

    Returns the key acted on."""
    kind, item_id, conversation_id = _target(session, key)
    row = _state_row(session, kind, item_id)
    row.status, row.claimed_by, row.updated_at = "resolved", row.claimed_by or username, _utcnow()
    if conversation_id is not None:
        open_statuses = ("new", "acknowledged")
        _set_crisis_status(session, conversation_id, RESOLVED_SOURCE_STATUS["crisis"], open_statuses)
    elif kind in RESOLVED_SOURCE_STATUS:
        _set_source_status(session, kind, item_id, RESOLVED_SOURCE_STATUS[kind])
    session.flush()
    return f"{kind}:{item_id}"


def _open_handoff_keys(session: Session, conversation_id: str) -> list[str]:
    items = open_items(session)
    return [i.key for i in items if i.kind == "handoff" and i.conversation_id == conversation_id]


def join_handoffs(session: Session, conversation_id: str, username: str) -> list[str]:
    """Staff joined the chat: open handoffs of the conversation become `joined` and claimed by them."""
    keys = _open_handoff_keys(session, conversation_id)
    for key in keys:
        kind, item_id = parse_key(key)
        row = _state_row(session, kind, item_id)
        row.status, row.claimed_by, row.updated_at = "claimed", row.claimed_by or username, _utcnow()
        _set_source_status(session, kind, item_id, "joined")
    session.flush()
    return keys


def close_handoffs(session: Session, conversation_id: str, username: str) -> list[str]:
    """Handed back to the assistant: the conversation's open handoffs are resolved (and closed)."""
    keys = _open_handoff_keys(session, conversation_id)
    for key in keys:
        resolve(session, key, username)
    return keys


def annotate(session: Session, key: str, username: str, text: str) -> str:
    """Add a staff note to an item (a crisis conversation's notes stay with it). Returns the key."""
    kind, item_id, _conversation = _target(session, key)
    clean = text.strip()
    if not clean:
        raise QueueError("the note is empty")
    session.add(QueueNote(item_kind=kind, item_id=item_id, author=username, text=clean[:MAX_NOTE_LENGTH]))
    session.flush()
    return f"{kind}:{item_id}"


# ---------------------------------------------------------------------------------------------
# One conversation, for the conversation view (contact details included: signed-in staff only).

def reasons_for(rule_ids: Iterable[str]) -> list[str]:
    """The engine's plain-language reasons for the rule ids a screening stored."""
    from bot.screening.engine import FLAG_RULES, LEVEL_RULES

    by_id = {r.id: r.reason for r in (*LEVEL_RULES, *FLAG_RULES)}
    return [by_id[i] for i in rule_ids if i in by_id]


def iso_time(moment: datetime | None) -> str:
    """An ISO 8601 UTC timestamp ("" for None)."""
    return _aware(moment).isoformat() if moment is not None else ""


def conversation_details(session: Session, conversation_id: str) -> dict[str, Any]:
    """Screenings (answers, result, reasons), callback and handoff requests and open queue items."""
    details: dict[str, Any] = {"screenings": [], "callbacks": [], "handoffs": [], "escalations": []}
    for row in screening_store.screenings_for(session, conversation_id):
        answers, changes = dict(row.answers or {}), row.answer_changes()
        details["screenings"].append(
            {
                "id": row.id,
                "at": iso_time(row.created_at),
                "updated_at": iso_time(row.updated_at),
                "status": row.status,
                "status_text": SCREENING_STATUS_WORDS.get(row.status, row.status),
                "level": row.level,
                "risk": row.risk,
                "flags": list(row.flags or []),
                "answers": answers,
                "declined": list(row.declined or []),
                "reasons": reasons_for(row.rules or []),
                "changes": [
                    {**raw, "text": describe_change(change)}
                    for raw, change in zip(row.changes or [], changes, strict=True)
                ],
                "attention": list(attention(row.status, answers, row.declined or [], changes, row.risk)),
            }
        )
    escalations = select(safety_store.Escalation).where(safety_store.Escalation.sender_id == conversation_id)
    for row in session.execute(escalations.order_by(safety_store.Escalation.id)).scalars():
        details["escalations"].append(
            {"id": row.id, "at": iso_time(row.created_at), "category": row.category,
             "channel": row.channel, "status": row.status, "severity": row.severity,
             "source": row.source}
        )  # fmt: skip
    callbacks = select(referral_store.CallbackRequest).where(
        referral_store.CallbackRequest.conversation_id == conversation_id
    )
    for row in session.execute(callbacks.order_by(referral_store.CallbackRequest.id)).scalars():
        program = session.get(referral_store.ProgramRow, row.program_id) if row.program_id else None
        details["callbacks"].append(
            {
                "id": row.id,
                "at": iso_time(row.created_at),
                "name": row.name,
                "contact_kind": row.contact_kind,
                "contact": row.contact,
                "best_time": row.best_time,
                "consent_text": row.consent_text,
                "consent_at": iso_time(row.consent_at),
                "program": program.name if program is not None else None,
                "status": row.status,
            }
        )
    handoffs = select(referral_store.HandoffRequest).where(
        referral_store.HandoffRequest.conversation_id == conversation_id
    )
    for row in session.execute(handoffs.order_by(referral_store.HandoffRequest.id)).scalars():
        details["handoffs"].append(
            {
                "id": row.id,
                "at": iso_time(row.created_at),
                "channel": row.channel,
                "status": row.status,
                "urgent": bool(row.urgent),
                "category": row.crisis_category,
            }
        )
    details["items"] = [i.to_dict() for i in open_items(session) if i.conversation_id == conversation_id]
    details["timeline"] = timeline(details)
    return details


SCREENING_STATUS_WORDS = {"in_progress": "not finished (in progress or left)", "abandoned": "stopped"}


def timeline(details: Mapping[str, Any]) -> list[dict[str, str]]:
    """Escalations, handoffs, callbacks and screenings of one conversation as dated lines, oldest first."""
    entries = []
    for e in details.get("escalations", []):
        why = ", ".join(str(x) for x in (e.get("severity"), e.get("source")) if x)
        text = f"Crisis escalation: {e.get('category') or 'unspecified'}" + (f" ({why})" if why else "")
        entries.append({"at": e["at"], "kind": "crisis", "text": text})
    for h in details.get("handoffs", []):
        urgent = f" (urgent: {h.get('category') or 'crisis language'})" if h.get("urgent") else ""
        entries.append(
            {"at": h["at"], "kind": "handoff", "text": f"Asked for a person{urgent}; now {h['status']}"}
        )
    for c in details.get("callbacks", []):
        entries.append({"at": c["at"], "kind": "callback", "text": f"Callback requested; now {c['status']}"})
    for s in details.get("screenings", []):
        status = SCREENING_STATUS_WORDS.get(s["status"], s["status"])
        level = f": suggested {s['level']}, risk {s['risk']}" if s.get("level") else ""
        risk = f": risk so far {s['risk']}" if not s.get("level") and s.get("risk") else ""
        entries.append({"at": s["at"], "kind": "screening", "text": f"Screening {status}{level}{risk}"})
        for change in s.get("changes", []):
            entries.append({"at": change.get("at") or s["at"], "kind": "screening", "text": change["text"]})
    return sorted(entries, key=lambda e: e["at"])
