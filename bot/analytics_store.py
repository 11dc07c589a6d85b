"""The `analytics_events` table: records derived from Rasa's event stream (bot/events.py).

Written by the web app's event consumer; a unique `event_key` makes every write idempotent, so a
message the broker delivers twice is stored once. Enumerated values only: no message text.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone
from typing import Iterable

from sqlalchemy import Column, DateTime, Integer, String, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from bot.events import EventRecord
from bot.orm import Base


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


class AnalyticsEvent(Base):
    """One escalation, handoff, screening or conversation start seen on the event stream."""

    __tablename__ = "analytics_events"

    id = Column(Integer, primary_key=True)
    event_key = Column(String(64), nullable=False, unique=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    kind = Column(String(32), nullable=False, index=True)
    occurred_at = Column(DateTime(timezone=True), nullable=False, index=True)
    recorded_at = Column(DateTime(timezone=True), nullable=False, default=_utcnow)
    channel = Column(String(64), nullable=True)
    category = Column(String(32), nullable=True)
    level = Column(String(32), nullable=True)
    risk = Column(String(16), nullable=True)


def _row(record: EventRecord) -> dict[str, object]:
    return {
        "event_key": record.event_key,
        "conversation_id": record.conversation_id,
        "kind": record.kind,
        "occurred_at": record.occurred_at,
        "recorded_at": _utcnow(),
        "channel": record.channel,
        "category": record.category,
        "level": record.level,
        "risk": record.risk,
    }


def store_records(session: Session, records: Iterable[EventRecord]) -> int:
    """Insert records, skipping keys already stored; return how many were new."""
    rows = [_row(r) for r in records]
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        statement = pg_insert(AnalyticsEvent).on_conflict_do_nothing(index_elements=["event_key"])
    elif dialect == "sqlite":
        statement = sqlite_insert(AnalyticsEvent).on_conflict_do_nothing(index_elements=["event_key"])
    else:  # pragma: no cover - the project supports SQLite and PostgreSQL only
        raise ValueError(f"unsupported database dialect {dialect!r}")
    new = 0
    for row in rows:  # one statement per row: rowcount tells new from duplicate on both dialects
        new += session.execute(statement.values(**row)).rowcount or 0
    return new


def escalations(session: Session, since: datetime | None = None) -> list[AnalyticsEvent]:
    """Escalations (crisis resources shown), oldest first, optionally only those at or after `since`."""
    query = select(AnalyticsEvent).where(AnalyticsEvent.kind == "escalation")
    if since is not None:
        query = query.where(AnalyticsEvent.occurred_at >= since)
    return list(session.execute(query.order_by(AnalyticsEvent.occurred_at, AnalyticsEvent.id)).scalars())


def counts_by_kind(session: Session, since: datetime | None = None) -> Counter[str]:
    """How many records of each kind (for dashboards), optionally only at or after `since`."""
    query = select(AnalyticsEvent.kind, func.count()).group_by(AnalyticsEvent.kind)
    if since is not None:
        query = query.where(AnalyticsEvent.occurred_at >= since)
    return Counter({str(kind): int(n) for kind, n in session.execute(query)})
