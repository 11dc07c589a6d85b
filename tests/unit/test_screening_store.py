"""Storing screenings: enumerated answers only, statuses checked, one row per call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.db import init_db, session_scope
from bot.screening.engine import NO_CONCERNS, screen
from bot.screening.store import record_screening, screenings_for

CALM: dict[str, Any] = {**NO_CONCERNS, "functioning": "significant", "can_attend": "no"}


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'test.db'}"
    init_db(url)
    return url


def test_completed_screening_round_trips(db_url: str) -> None:
    result = screen(CALM)
    with session_scope(db_url) as session:
        record_screening(session, "conv-1", "completed", CALM, ["can_attend"], result)
    with session_scope(db_url) as session:
        rows = screenings_for(session, "conv-1")
        assert len(rows) == 1
        row = rows[0]
        assert (row.status, row.level, row.risk) == ("completed", "iop", "none")
        assert row.answers == CALM
        assert row.declined == ["can_attend"]
        assert row.flags == ["schedule_barrier"]
        assert row.rules == ["L6", "F1"]
        assert row.created_at is not None


def test_abandoned_partial_screening(db_url: str) -> None:
    with session_scope(db_url) as session:
        record_screening(session, "conv-2", "abandoned", {"functioning": "mild"})
        record_screening(session, "conv-2", "escalated", {"harm_to_others": True})
    with session_scope(db_url) as session:
        rows = screenings_for(session, "conv-2")
        assert [(r.status, r.level, r.answers) for r in rows] == [
            ("abandoned", None, {"functioning": "mild"}),
            ("escalated", None, {"harm_to_others": True}),
        ]
        assert screenings_for(session, "other") == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"conversation_id": ""}, "conversation_id"),
        ({"conversation_id": "x" * 129}, "conversation_id"),
        ({"status": "done"}, "status"),
        ({"answers": {"mood": "low"}}, "mood"),
        ({"answers": {"functioning": "I keep missing work"}}, "functioning"),
        ({"answers": {"wish_dead": 1}}, "wish_dead"),
        ({"answers": {"wish_dead": "yes"}}, "wish_dead"),
        ({"declined": ["mood"]}, "mood"),
    ],
)
def test_bad_values_are_rejected_and_nothing_is_stored(
    db_url: str, kwargs: dict[str, Any], message: str
) -> None:
    args: dict[str, Any] = {
        "conversation_id": "conv-3",
        "status": "abandoned",
        "answers": {},
        "declined": [],
    }
    args.update(kwargs)
    with pytest.raises(ValueError, match=message), session_scope(db_url) as session:
        record_screening(session, **args)
    with session_scope(db_url) as session:
        assert screenings_for(session, "conv-3") == []
