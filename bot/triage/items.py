"""Queue items and their order: pure functions over `QueueItem`, no database.

Order: crisis escalations (and handoffs flagged urgent) first, then handoffs, callbacks, screenings;
within a tier by risk (high first), then oldest first. Console states (claimed, resolved, notes) are
applied by `merge`; an item whose source needs attention again after its resolution shows up again.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import Iterable, Literal, Mapping

Kind = Literal["crisis", "handoff", "callback", "screening"]
Status = Literal["open", "claimed", "resolved"]
KINDS: tuple[Kind, ...] = ("crisis", "handoff", "callback", "screening")
TIER: dict[str, int] = {"crisis": 0, "handoff": 1, "callback": 2, "screening": 3}
RISK_ORDER: dict[str | None, int] = {"high": 0, "moderate": 1, "low": 2, "none": 3, None: 4}


def aware(moment: datetime) -> datetime:
    """`moment` with UTC attached when it is naive (SQLite hands back naive UTC values)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment


class QueueError(ValueError):
    """A queue action is not possible (unknown item, or claimed by someone else)."""


@dataclass(frozen=True)
class QueueItem:
    """One thing for staff to look at, from whichever part it came from."""

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


def parse_key(key: str) -> tuple[Kind, int]:
    """"crisis:12" -> ("crisis", 12); raises QueueError for anything else."""
    kind, _, number = key.partition(":")
    if kind not in KINDS or not number.isdigit():
        raise QueueError(f"unknown queue item {key[:40]!r}")
    return kind, int(number)


def tier(item: QueueItem) -> int:
    """0 for crisis (and urgent handoffs), then handoff, callback, screening."""
    return 0 if item.urgent else TIER[item.kind]


def priority(item: QueueItem) -> tuple[int, int, datetime, str, int]:
    """Sort key: tier, then risk, then age (oldest first), then a stable tiebreak."""
    return (tier(item), RISK_ORDER.get(item.risk, 4), aware(item.created_at), item.kind, item.id)


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
    return moment is not None and than is not None and aware(moment) > aware(than)


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
