"""The staff queue on PostgreSQL: one row per conversation and the screening disclosures (issue 15)."""

from __future__ import annotations

from functools import partial

import pytest

from bot.db import session_scope
from bot.triage import queue, state


@pytest.mark.services
def test_conversation_queue_and_screening_disclosures_on_postgresql():
    from bot.db import get_engine
    from bot.safety.escalation import record_escalation
    from bot.screening.store import finish_screening, note_answer
    from ops.migrate import upgrade
    from tests.services import scratch_postgres

    with scratch_postgres() as url:
        upgrade(url)
        try:
            for severity, category in (("moderate", "self_harm"), ("high", "suicide"), (None, "overdose")):
                record_escalation(
                    category, "rest", "pg-conv", severity=severity, source="rules",
                    sessions=partial(session_scope, url), webhook_url="",
                )  # fmt: skip
            with session_scope(url) as db:
                lowered = {"wish_dead": False, "suicidal_thoughts": True}
                note_answer(db, "pg-screen", {"wish_dead": True, "suicidal_thoughts": True}, [], "wish_dead")
                note_answer(db, "pg-screen", lowered, [], "wish_dead")
                finish_screening(db, "pg-screen", "abandoned", lowered)
            with session_scope(url) as db:
                crisis, screening = queue.open_items(db)
                assert (crisis.messages, crisis.risk, crisis.category) == (3, "high", "overdose")
                assert screening.attention[-1] == 'Changed "Wishing you were dead" from yes to no'
                state.claim(db, crisis.key, "sam")
                state.resolve(db, crisis.key, "sam")
            record_escalation(
                "suicide",
                "rest",
                "pg-conv",
                severity="moderate",
                sessions=partial(session_scope, url),
                webhook_url="",
            )
            with session_scope(url) as db:
                again = [i for i in queue.open_items(db) if i.kind == "crisis"]
                assert [(i.key, i.status, i.messages, i.risk) for i in again] == [
                    (crisis.key, "open", 1, "moderate"),
                ]
        finally:
            get_engine(url).dispose()
            get_engine.cache_clear()
