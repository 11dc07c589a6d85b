"""The analytics store exercise (bot/analytics_store.py) the SQLite and PostgreSQL tests share."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import func, select

from bot.analytics_store import AnalyticsEvent, counts_by_kind, escalations, store_records
from bot.db import Base, get_engine, session_scope
from bot.events import records_for_event

CRISIS_REPLY = {
    "sender_id": "a",
    "event": "bot",
    "timestamp": 100.0,
    "metadata": {"utter_action": "utter_crisis"},
}
HANDOFF = {
    "sender_id": "b",
    "event": "user",
    "timestamp": 50.0,
    "parse_data": {"intent": {"name": "human_handoff"}},
}


def exercise(url: str) -> None:
    """Store two records twice (a redelivery) and read them back through the store's queries."""
    Base.metadata.create_all(get_engine(url), tables=[AnalyticsEvent.__table__])
    records = records_for_event(CRISIS_REPLY) + records_for_event(HANDOFF)
    with session_scope(url) as session:
        assert store_records(session, records) == 2
    with session_scope(url) as session:  # the broker redelivers both
        assert store_records(session, records) == 0
        assert store_records(session, []) == 0
    with session_scope(url) as session:
        assert session.execute(select(func.count()).select_from(AnalyticsEvent)).scalar_one() == 2
        [escalation] = escalations(session)
        assert escalation.conversation_id == "a"
        assert escalations(session, since=datetime.fromtimestamp(101, tz=timezone.utc)) == []
        assert counts_by_kind(session) == {"escalation": 1, "handoff": 1}
        assert counts_by_kind(session, since=datetime.fromtimestamp(60, tz=timezone.utc)) == {"escalation": 1}
