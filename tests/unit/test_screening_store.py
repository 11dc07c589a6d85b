"""Storing screenings: enumerated answers only, statuses checked, one row per call."""

from __future__ import annotations

from typing import Any

import pytest

from bot.db import session_scope
from bot.screening.engine import FOLLOW_UP_FIELDS as FOLLOW_UP
from bot.screening.engine import NO_CONCERNS, screen
from bot.screening.store import record_screening, screenings_for
from tests.unit.screening_support import calm_answers

CALM: dict[str, Any] = calm_answers(functioning="significant", can_attend="no")


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


def test_nothing_is_stored_before_an_answer_discloses_risk(db_url: str) -> None:
    from bot.screening.store import note_answer

    with session_scope(db_url) as session:
        assert note_answer(session, "conv-4", {"functioning": "severe"}, [], "functioning") is None
        assert note_answer(session, "conv-4", {"wish_dead": False}, [], "wish_dead") is None
        assert screenings_for(session, "conv-4") == []


def test_a_disclosure_is_stored_at_once_and_kept_up_to_date(db_url: str) -> None:
    from bot.screening.store import note_answer

    with session_scope(db_url) as session:
        first = note_answer(session, "conv-5", {"functioning": "mild", "wish_dead": True}, [], "wish_dead")
        answers = {"functioning": "mild", "wish_dead": True, "suicidal_thoughts": True}
        assert note_answer(session, "conv-5", answers, ["suicidal_thoughts"], "suicidal_thoughts") == first
    with session_scope(db_url) as session:
        (row,) = screenings_for(session, "conv-5")
        assert (row.id, row.status, row.risk, row.level) == (first, "in_progress", "low", None)
        assert row.answers == answers and row.declined == ["suicidal_thoughts"] and row.changes == []
        assert row.updated_at is not None


def test_a_change_to_a_less_worrying_answer_keeps_the_original(db_url: str) -> None:
    from bot.screening.store import finish_screening, note_answer

    q2_yes = {"wish_dead": True, "suicidal_thoughts": True, "suicide_method": True}
    with session_scope(db_url) as session:
        note_answer(session, "conv-6", q2_yes, [], "suicide_method")
        # "Change my answer" cleared Q2 and Q3-Q5; Q2 is now no, so Q3-Q5 are skipped (null).
        lowered = {"wish_dead": True, "suicidal_thoughts": False, **dict.fromkeys(FOLLOW_UP)}
        note_answer(session, "conv-6", lowered, [], "suicidal_thoughts")
    with session_scope(db_url) as session:
        (row,) = screenings_for(session, "conv-6")
        assert row.risk == "low" and row.answers["suicide_method"] is None
        [change] = row.changes
        assert {k: change[k] for k in ("field", "from", "to", "cleared")} == {
            "field": "suicidal_thoughts", "from": True, "to": False, "cleared": {"suicide_method": True},
        }  # fmt: skip
        final = {**NO_CONCERNS, "wish_dead": True}
        assert finish_screening(session, "conv-6", "completed", final, [], screen(final)) == row.id
    with session_scope(db_url) as session:
        (row,) = screenings_for(session, "conv-6")
        assert (row.status, row.level, row.risk, row.answers) == ("completed", "outpatient", "low", final)
        assert len(row.changes) == 1  # the change stays with the finished screening


def test_a_stopped_screening_keeps_an_answer_cleared_for_a_change(db_url: str) -> None:
    from bot.screening.store import finish_screening, note_answer

    with session_scope(db_url) as session:
        note_answer(session, "conv-7", {"suicide_behavior": "over_3_months_ago"}, [], "suicide_behavior")
        # The answer was cleared to be asked again, then the person said stop.
        finish_screening(session, "conv-7", "abandoned", {"functioning": "mild"})
    with session_scope(db_url) as session:
        (row,) = screenings_for(session, "conv-7")
        assert (row.status, row.risk) == ("abandoned", "moderate")
        assert row.answers == {"suicide_behavior": "over_3_months_ago", "functioning": "mild"}


def test_finishing_without_a_stored_disclosure_stores_a_new_row(db_url: str) -> None:
    from bot.screening.store import finish_screening

    with session_scope(db_url) as session:
        finish_screening(session, "conv-8", "abandoned", {"functioning": "mild"})
        finish_screening(session, "conv-8", "escalated", {"harm_to_others": True})
        with pytest.raises(ValueError, match="status"):
            finish_screening(session, "conv-8", "in_progress", {})  # type: ignore[arg-type]
    with session_scope(db_url) as session:
        assert [(r.status, r.risk) for r in screenings_for(session, "conv-8")] == [
            ("abandoned", "none"),
            ("escalated", "none"),  # harm to others: not a C-SSRS risk; the queue shows it as high
        ]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"conversation_id": ""}, "conversation_id"),
        ({"answers": {"wish_dead": "yeah"}}, "wish_dead"),
        ({"declined": ["mood"]}, "mood"),
        ({"field": "mood"}, "mood"),
    ],
)
def test_note_answer_rejects_bad_values(db_url: str, kwargs: dict[str, Any], message: str) -> None:
    from bot.screening.store import note_answer

    args: dict[str, Any] = {
        "conversation_id": "conv-9", "answers": {"wish_dead": True}, "declined": [], "field": "wish_dead",
    }  # fmt: skip
    args.update(kwargs)
    with pytest.raises(ValueError, match=message), session_scope(db_url) as session:
        note_answer(session, **args)
