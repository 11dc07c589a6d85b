"""The screening actions as thin glue: slots in, bot.screening called, events out (no Rasa core)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.screening import (
    ActionScreeningResult,
    ActionScreeningStopped,
    ValidateScreeningForm,
)
from bot.db import get_engine, init_db, session_scope
from bot.screening.engine import FIELDS, FOLLOW_UP_FIELDS
from bot.screening.flow import QUESTION_ORDER
from bot.screening.messages import DISCLAIMER, NOT_UNDERSTOOD
from bot.screening.store import screenings_for

ROOT = Path(__file__).resolve().parents[2]
CALM: dict[str, Any] = {
    "functioning": "none",
    "current_care": "none",
    "wish_dead": False,
    "suicidal_thoughts": False,
    "suicide_behavior": "never",
    "harm_to_others": False,
    "substance_use": "none",
    "medically_unstable": False,
    "safe_home": True,
    "can_attend": "in_person",
    "group_ok": "yes",
}


def tracker(slots: dict[str, Any], sender: str = "conv-a") -> Tracker:
    return Tracker(sender, slots, {}, [], False, None, {"name": "screening_form"}, "action_listen")


def events_dict(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_engine.cache_clear()
    init_db(url)
    yield url
    get_engine.cache_clear()


def test_domain_form_and_slots_match_the_flow() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    required = domain["forms"]["screening_form"]["required_slots"]
    assert required == [*QUESTION_ORDER, "screening_correction"]
    for name in FIELDS:
        for mapping in domain["slots"][name]["mappings"]:
            assert mapping["conditions"] == [{"active_loop": "screening_form", "requested_slot": name}]


@pytest.mark.parametrize(
    ("field", "raw", "expected", "declined"),
    [
        ("wish_dead", True, {"wish_dead": True}, None),
        ("functioning", "mild", {"functioning": "mild"}, None),
        ("substance_use", "a few times a week", {"substance_use": "regular"}, None),
        ("group_ok", "prefer_not_say", {"group_ok": "unsure"}, ["group_ok"]),
        ("safe_home", "I'd rather not say", {"safe_home": False}, ["safe_home"]),
        (
            "suicidal_thoughts",
            False,
            {"suicidal_thoughts": False, **dict.fromkeys(FOLLOW_UP_FIELDS)},
            None,
        ),
    ],
)
def test_validate_field(field: str, raw: Any, expected: dict[str, Any], declined: Any) -> None:
    out = ValidateScreeningForm().validate_field(field, raw, CollectingDispatcher(), tracker({}), {})
    assert out == {**expected, "screening_declined": declined}


def test_unclear_answer_is_asked_again() -> None:
    dispatcher = CollectingDispatcher()
    out = ValidateScreeningForm().validate_field("withdrawal", "purple", dispatcher, tracker({}), {})
    assert out == {"withdrawal": None}
    assert dispatcher.messages[0]["text"] == NOT_UNDERSTOOD


async def test_required_slots_skip_and_stop_on_urgent_answers() -> None:
    form = ValidateScreeningForm()
    d = CollectingDispatcher()
    no_q2 = await form.required_slots([], d, tracker({"suicidal_thoughts": False}), {})
    assert not set(FOLLOW_UP_FIELDS) & set(no_q2)
    assert await form.required_slots([], d, tracker({"harm_to_others": True}), {}) == []
    correcting = await form.required_slots([], d, tracker({"screening_correcting": True}), {})
    assert correcting[0] == "screening_correction"


def test_correction_clears_the_answer_and_its_dependents() -> None:
    slots = {**CALM, "suicidal_thoughts": True, "suicide_method": False, "suicide_intent": False}
    out = ValidateScreeningForm().validate_screening_correction(
        "suicidal_thoughts", CollectingDispatcher(), tracker(slots), {}
    )
    assert out["suicidal_thoughts"] is None
    assert all(out[f] is None for f in FOLLOW_UP_FIELDS)
    assert out["screening_correcting"] is False


async def test_result_is_shown_stored_and_answers_cleared(db: str) -> None:
    dispatcher = CollectingDispatcher()
    slots = {**CALM, "functioning": "significant", "screening_declined": ["group_ok"]}
    events = await ActionScreeningResult().run(dispatcher, tracker(slots), {})
    slots_set = events_dict(events)
    assert slots_set["screening_level"] == "iop"
    assert all(slots_set[f] is None for f in FIELDS)
    text = dispatcher.messages[0]["text"]
    assert DISCLAIMER in text
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]] == [
        "/find_program",
        "/request_callback",
        "/human_handoff",
    ]
    with session_scope(db) as session:
        (row,) = screenings_for(session, "conv-a")
        assert (row.status, row.level, row.declined) == ("completed", "iop", ["group_ok"])


async def test_urgent_answer_sets_the_emergency_level_for_the_crisis_rule(db: str) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionScreeningResult().run(
        dispatcher, tracker({"functioning": "mild", "harm_to_others": True}, "conv-b"), {}
    )
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert (slots["screening_level"], slots["screening_escalated"]) == ("emergency", True)
    assert dispatcher.messages == []  # the crisis response comes from the rule, not this action
    with session_scope(db) as session:
        (row,) = screenings_for(session, "conv-b")
        assert (row.status, row.answers) == (
            "escalated",
            {"functioning": "mild", "harm_to_others": True},
        )


async def test_stop_stores_abandoned_partial_answers(db: str) -> None:
    events = await ActionScreeningStopped().run(
        CollectingDispatcher(), tracker({"functioning": "mild"}, "conv-c"), {}
    )
    assert events_dict(events)["functioning"] is None
    with session_scope(db) as session:
        (row,) = screenings_for(session, "conv-c")
        assert row.status == "abandoned"
