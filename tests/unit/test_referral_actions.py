"""Referral actions (rasa_sdk only, no TensorFlow): consent gates storage, handoff follows hours."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import func, select

from actions.referral import ActionFindPrograms, ActionHandoff, ActionSubmitCallback, ValidateCallbackForm
from bot.db import Base, get_engine, session_scope
from bot.referral.store import CallbackRequest, HandoffRequest


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'actions.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()  # get_engine() caches the URL it read from the environment
    Base.metadata.create_all(get_engine(url))
    yield url
    get_engine.cache_clear()


def tracker(slots: dict[str, Any], channel: str = "socketio", intent: str = "find_program") -> Tracker:
    return Tracker(
        sender_id="conv-42",
        slots=slots,
        latest_message={"text": "", "intent": {"name": intent}, "entities": []},
        events=[{"event": "user", "text": "hi", "input_channel": channel}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name=None,
    )


def count(url: str, table: type) -> int:
    with session_scope(url) as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


FILLED = {
    "callback_consent": True,
    "callback_name": "Sam",
    "callback_contact": "+12025550142",
    "callback_best_time": "Weekday mornings",
}


async def run(action: Any, slots: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker(slots), {})
    return events, dispatcher.messages


def cleared(events: list[dict[str, Any]]) -> set[str]:
    return {e["name"] for e in events if e.get("event") == "slot" and e.get("value") is None}


async def test_callback_with_consent_is_stored_confirmed_and_slots_cleared(db: str) -> None:
    events, messages = await run(ActionSubmitCallback(), FILLED)
    assert count(db, CallbackRequest) == 1
    with session_scope(db) as session:
        row = session.execute(select(CallbackRequest)).scalar_one()
        assert (row.conversation_id, row.contact_kind, row.contact) == ("conv-42", "phone", "+12025550142")
    assert "ending in 0142" in messages[0]["text"] and "Monday to Friday, 8 am to 6 pm" in messages[0]["text"]
    assert "+12025550142" not in messages[0]["text"]
    assert {"callback_name", "callback_contact", "callback_consent"} <= cleared(events)


@pytest.mark.parametrize("consent", [False, None])
async def test_no_consent_stores_nothing_and_says_so(db: str, consent: bool | None) -> None:
    events, messages = await run(ActionSubmitCallback(), {**FILLED, "callback_consent": consent})
    assert count(db, CallbackRequest) == 0
    assert "have not stored" in messages[0]["text"]
    assert {"callback_name", "callback_contact", "callback_best_time"} <= cleared(events)


async def test_stopped_form_stores_nothing(db: str) -> None:
    _, messages = await run(ActionSubmitCallback(), {**FILLED, "callback_best_time": None})
    assert count(db, CallbackRequest) == 0 and "Nothing was stored" in messages[0]["text"]


async def test_form_validation_normalizes_and_rejects() -> None:
    form = ValidateCallbackForm()
    dispatcher = CollectingDispatcher()
    assert form.validate_callback_contact("(202) 555-0142", dispatcher, tracker({}), {}) == {
        "callback_contact": "+12025550142",
        "callback_contact_kind": "phone",
    }
    assert form.validate_callback_contact("not a number", dispatcher, tracker({}), {}) == {
        "callback_contact": None
    }
    assert form.validate_callback_consent("maybe", dispatcher, tracker({}), {}) == {"callback_consent": None}
    assert len(dispatcher.messages) == 2
    assert await form.required_slots([], dispatcher, tracker({"callback_consent": False}), {}) == [
        "callback_consent"
    ]


async def test_a_name_given_with_a_contact_fills_both() -> None:
    form = ValidateCallbackForm()
    dispatcher = CollectingDispatcher()
    assert form.validate_callback_name("Linh Tran, cell is 714-555-0138", dispatcher, tracker({}), {}) == {
        "callback_name": "Linh Tran",
        "callback_contact": "+17145550138",
        "callback_contact_kind": "phone",
    }
    assert form.validate_callback_name("Linh Tran", dispatcher, tracker({}), {}) == {
        "callback_name": "Linh Tran"
    }
    assert dispatcher.messages == []


@pytest.mark.parametrize(("hours", "paused", "queued"), [("always", True, 1), ("never", False, 0)])
async def test_handoff_follows_staff_hours(
    db: str, monkeypatch: pytest.MonkeyPatch, hours: str, paused: bool, queued: int
) -> None:
    monkeypatch.setenv("STAFF_HOURS", hours)
    events, messages = await run(ActionHandoff(), {})
    assert any(e.get("event") == "pause" for e in events) is paused
    assert count(db, HandoffRequest) == queued
    if not paused:
        assert "988" in messages[0]["text"] and messages[0]["buttons"][0]["payload"] == "/request_callback"


async def test_find_programs_uses_slots_and_clears_an_unknown_zip() -> None:
    _, messages = await run(ActionFindPrograms(), {"zip_code": "10001", "schedule_slot": "evening"})
    assert "Harbor Light Recovery Center (fictional)" in messages[0]["text"]
    events, messages = await run(ActionFindPrograms(), {"zip_code": "00000"})
    assert "couldn't find the US ZIP code" in messages[0]["text"]
    assert cleared(events) == {"zip_code"}
    _, messages = await run(ActionFindPrograms(), {"screening_level": "emergency"})
    assert "988" in messages[0]["text"] and not messages[0]["buttons"]


async def test_a_preference_given_in_passing_is_noted_and_asks_where_instead_of_listing() -> None:
    slots = {"schedule_slot": "evening", "insurance": "medicaid"}
    dispatcher = CollectingDispatcher()
    events = await ActionFindPrograms().run(dispatcher, tracker(slots, intent="faq"), {})
    (message,) = dispatcher.messages
    assert events == []
    assert "evening groups, Medicaid" in message["text"] and "ZIP code" in message["text"]
    assert "(fictional)" not in message["text"]  # no program list yet
    dispatcher = CollectingDispatcher()
    await ActionFindPrograms().run(dispatcher, tracker({**slots, "zip_code": "10001"}, intent="inform"), {})
    assert "(fictional)" in dispatcher.messages[0]["text"]  # with a location it searches
