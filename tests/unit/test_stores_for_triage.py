"""What each part's store hands the staff queue: its open items, one conversation's rows, status changes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from bot.db import init_db, session_scope
from bot.referral import store as referral_store
from bot.safety import store as safety_store
from bot.screening import store as screening_store

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    init_db(url)
    return url


def _escalation(sender: str, minutes: int, status: str = "new") -> safety_store.Escalation:
    return safety_store.Escalation(
        sender_id=sender,
        category="suicide",
        channel="rest",
        status=status,
        created_at=T0 + timedelta(minutes=minutes),
    )


def test_escalations_of_open_conversations_include_their_closed_ones_only(db_url: str) -> None:
    with session_scope(db_url) as session:
        session.add_all(
            [
                _escalation("open", 0, "closed"),
                _escalation("open", 1, "acknowledged"),
                _escalation("done", 2, "closed"),
                _escalation("new", 3),
            ]
        )
    with session_scope(db_url) as session:
        rows = safety_store.escalations_of_open_conversations(session)
        assert sorted((r.sender_id, r.status) for r in rows) == [
            ("new", "new"),
            ("open", "acknowledged"),
            ("open", "closed"),
        ]
        assert [r.status for r in safety_store.escalations_for(session, "open")] == ["closed", "acknowledged"]
        first, second = (r.id for r in safety_store.escalations_for(session, "open"))
        assert safety_store.first_of_conversation(session, second) == (first, "open")
        assert safety_store.first_of_conversation(session, 999) is None


def test_a_conversation_s_escalations_move_new_acknowledged_closed(db_url: str) -> None:
    with session_scope(db_url) as session:
        session.add_all([_escalation("c", 0), _escalation("c", 1, "acknowledged"), _escalation("other", 2)])
    with session_scope(db_url) as session:
        safety_store.acknowledge_conversation(session, "c")
    with session_scope(db_url) as session:
        assert [r.status for r in safety_store.escalations_for(session, "c")] == ["acknowledged"] * 2
        session.add(_escalation("c", 3))
        session.flush()
        safety_store.close_conversation(session, "c")
        assert [r.status for r in safety_store.escalations_for(session, "c")] == ["closed"] * 3
        assert [r.status for r in safety_store.escalations_for(session, "other")] == ["new"]


def test_open_handoffs_and_callbacks_and_their_status_changes(db_url: str) -> None:
    with session_scope(db_url) as session:
        waiting = referral_store.open_handoff_request(session, "h1", "rest", now=T0)
        joined = referral_store.open_handoff_request(session, "h2", "rest", now=T0)
        callback = referral_store.save_callback_request(
            session,
            conversation_id="c1",
            name="Ana",
            contact_kind="phone",
            contact="+12125550100",
            best_time="mornings",
            consent_text="call me",
            program_id="no-such-program",
            now=T0,
        )
        referral_store.join_handoff(session, joined)
        referral_store.join_handoff(session, 999)  # unknown ids are ignored
    with session_scope(db_url) as session:
        assert sorted((h.id, h.status) for h in referral_store.open_handoffs(session)) == [
            (waiting, "waiting"),
            (joined, "joined"),
        ]
        assert [c.id for c in referral_store.open_callbacks(session)] == [callback]
        referral_store.close_handoff(session, waiting)
        referral_store.complete_callback(session, callback)
    with session_scope(db_url) as session:
        assert [h.id for h in referral_store.open_handoffs(session)] == [joined]
        assert referral_store.open_callbacks(session) == []
        assert [(h.id, h.status) for h in referral_store.handoffs_for(session, "h1")] == [(waiting, "closed")]
        (row,) = referral_store.callbacks_for(session, "c1")
        assert (row.status, row.program_id, referral_store.program_name(session, row.program_id)) == (
            "done",
            None,
            None,
        )


def test_program_name_reads_the_directory(db_url: str) -> None:
    from bot.referral.programs import cached_programs

    program = cached_programs()[0]
    with session_scope(db_url) as session:
        referral_store.load_programs_into_db(session, [program])
    with session_scope(db_url) as session:
        assert referral_store.program_name(session, program.id) == program.name
        assert referral_store.program_name(session, "missing") is None


def test_screenings_for_staff_leave_out_unfinished_ones_without_risk(db_url: str) -> None:
    with session_scope(db_url) as session:
        done = screening_store.record_screening(session, "a", "completed", {"functioning": "mild"})
        escalated = screening_store.record_screening(session, "b", "escalated", {"wish_dead": True})
        risky = screening_store.record_screening(session, "c", "abandoned", {"wish_dead": True})
        screening_store.record_screening(session, "d", "abandoned", {"functioning": "mild"})
        noted = screening_store.note_answer(session, "e", {"wish_dead": True}, [], "wish_dead")
    with session_scope(db_url) as session:
        staff = {row.id for row in screening_store.for_staff(session)}
    assert staff == {done, escalated, risky, noted}
