"""Where queue items come from: each part's store hands over its open items, turned into `QueueItem`s.

The queue is *derived*, not enqueued: crisis escalations (`bot.safety.store`), handoff and callback
requests (`bot.referral.store`) and the screenings staff should see (`bot.screening.store`) are read
through the functions those stores expose, never by querying their tables here.

Crisis escalations are one item per conversation, not per message (`crisis_items`): its highest risk,
the category of its highest-risk message with the others listed, the first and the latest unresolved
danger message and how many there are. The item's id is the conversation's first escalation, so its
state and notes stay with the conversation.

Screenings reach the queue when completed or escalated, and also unfinished (in progress or stopped)
when they disclosed risk or an answer was changed to a less worrying one (`bot.screening.disclosure`);
their `attention` says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable

from sqlalchemy.orm import Session

from bot.referral import store as referral_store
from bot.safety import store as safety_store
from bot.screening import store as screening_store
from bot.screening.disclosure import attention
from bot.triage.items import RISK_ORDER, QueueItem, aware


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
            (r for r in rows if r.status != "closed"), key=lambda r: (aware(r.created_at), r.id)
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


def crisis_source(session: Session) -> list[QueueItem]:
    """Every escalation of the conversations with an open one, grouped into one item each."""
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
        for r in safety_store.escalations_of_open_conversations(session)
    )


def handoff_source(session: Session) -> list[QueueItem]:
    """Waiting and joined handoffs (urgent ones rank with crisis)."""
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
        for r in referral_store.open_handoffs(session)
    ]


def callback_source(session: Session) -> list[QueueItem]:
    """Callback requests not done yet (the channel shows how to reach the person: phone or email)."""
    return [
        QueueItem(
            kind="callback",
            id=int(r.id),
            conversation_id=r.conversation_id,
            created_at=r.created_at,
            channel=r.contact_kind,
            source_status=r.status,
        )
        for r in referral_store.open_callbacks(session)
    ]


def screening_source(session: Session) -> list[QueueItem]:
    """The screenings staff should see, with what needs their attention."""
    items = []
    for r in screening_store.for_staff(session):
        answers, changes = dict(r.answers or {}), r.answer_changes()
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


SOURCES: tuple[Callable[[Session], list[QueueItem]], ...] = (
    crisis_source,
    handoff_source,
    callback_source,
    screening_source,
)


def derived_items(session: Session) -> list[QueueItem]:
    """Every part's open items, before console states are applied (in source order, not queue order)."""
    return [item for source in SOURCES for item in source(session)]
