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
    answers_from,
)
from bot.db import get_engine, init_db, session_scope
from bot.screening.engine import FIELDS, FOLLOW_UP_FIELDS
from bot.screening.flow import QUESTION_ORDER
from bot.screening.messages import (
    CRISIS_RESOURCES_RESPONSE,
    DISCLAIMER,
    NOT_UNDERSTOOD,
    STILL_NOT_UNDERSTOOD,
    THOUGHTS_ACK,
    THOUGHTS_DECLINED_ACK,
)
from bot.screening.store import screenings_for
from tests.unit.screening_support import CHAT_CALM as CALM

ROOT = Path(__file__).resolve().parents[2]


def tracker(slots: dict[str, Any], sender: str = "conv-a") -> Tracker:
    return Tracker(sender, slots, {}, [], False, None, {"name": "screening_form"}, "action_listen")


def events_dict(events: list[dict[str, Any]]) -> dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}


@pytest.fixture(autouse=True)
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Every action here may store: a fresh database per test, never the default one under var/."""
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


@pytest.mark.parametrize(
    ("field", "typed", "expected", "declined"),
    [
        ("suicide_behavior", "never done anything like that", "never", None),  # read as a refusal
        ("wish_dead", "no not really", False, None),
        ("suicide_behavior", "I'd rather not say", "past_3_months", ["suicide_behavior"]),  # careful
        ("group_ok", "/prefer_not_say", "unsure", ["group_ok"]),  # the button itself
    ],
)
def test_typed_words_that_answer_win_over_a_guessed_refusal(
    field: str, typed: str, expected: Any, declined: Any
) -> None:
    message = Tracker("conv-a", {}, {"text": typed}, [], False, None, {"name": "screening_form"}, "")
    out = ValidateScreeningForm().validate_field(field, "prefer_not_say", CollectingDispatcher(), message, {})
    assert (out[field], out["screening_declined"]) == (expected, declined)


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


# ---------------------------------------------------------------------------------------------
# What was disclosed reaches staff: acknowledged at once, kept when changed, stored when stopped or left.


class Chat:
    """One person's screening, driven through the form's validation and actions as Rasa would."""

    def __init__(self, sender: str) -> None:
        self.sender = sender
        self.slots: dict[str, Any] = {}

    def answer(self, field: str, raw: Any) -> list[dict[str, Any]]:
        """The form extracted `raw` for `field`; validate it and keep the slots. Returns the messages."""
        dispatcher = CollectingDispatcher()
        out = ValidateScreeningForm().validate_field(
            field, raw, dispatcher, tracker({**self.slots, field: raw}, self.sender), {}
        )
        self.slots.update(out)
        return dispatcher.messages

    def change(self, field: str) -> None:
        """ "Change my answer", then the button for `field`."""
        self.slots["screening_correcting"] = True
        out = ValidateScreeningForm().validate_screening_correction(
            field, CollectingDispatcher(), tracker(self.slots, self.sender), {}
        )
        self.slots.update(out)

    async def finish(self) -> list[dict[str, Any]]:
        dispatcher = CollectingDispatcher()
        await ActionScreeningResult().run(dispatcher, tracker(self.slots, self.sender), {})
        return dispatcher.messages

    async def stop(self) -> None:
        await ActionScreeningStopped().run(CollectingDispatcher(), tracker(self.slots, self.sender), {})


def staff_items(url: str, conversation: str) -> list[dict[str, Any]]:
    from bot.triage import queue, view

    with session_scope(url) as session:
        return [view.item_dict(i) for i in queue.open_items(session) if i.conversation_id == conversation]


ACK = [{"text": THOUGHTS_ACK}, {"response": CRISIS_RESOURCES_RESPONSE}]


def sent(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in m.items() if k in ("text", "response") and v} for m in messages]


@pytest.mark.parametrize("country", ["US", "CA"])
def test_the_crisis_resources_sent_with_the_acknowledgement_name_988_and_911(country: str) -> None:
    from bot.safety.resources import render_crisis_responses

    responses = render_crisis_responses(ROOT / "content" / "crisis_resources.yml", country)
    for variation in responses[CRISIS_RESOURCES_RESPONSE]:  # English, and Spanish on crisis_language
        assert "988" in variation["text"] and "911" in variation["text"]
    for text in (THOUGHTS_ACK, THOUGHTS_DECLINED_ACK):
        assert not any(word in text.lower() for word in ("diagnos", "disorder", "depress", "you have"))


async def test_past_month_thoughts_are_acknowledged_at_once_and_reach_staff(db: str) -> None:
    chat = Chat("conv-thoughts")
    assert chat.answer("functioning", "none") == []
    assert chat.answer("current_care", "none") == []
    assert sent(chat.answer("wish_dead", True)) == ACK
    assert chat.answer("suicidal_thoughts", "yeah") == []  # acknowledged once per screening
    [item] = staff_items(db, "conv-thoughts")  # before the screening ends
    assert (item["kind"], item["risk"], item["level"]) == ("screening", "low", None)
    assert item["attention"] == [
        "Not finished: still answering, or left the screening",
        "Suicidal thoughts in the past month",
    ]
    for field, value in [("suicide_method", False), ("suicide_intent", False), ("suicide_plan", False),
                         *((k, v) for k, v in CALM.items() if k not in chat.slots)]:  # fmt: skip
        assert chat.answer(field, value) == []
    result = await chat.finish()
    assert "weekly outpatient therapy" in result[0]["text"]  # the level is outpatient ...
    [item] = staff_items(db, "conv-thoughts")  # ... and the screening is still in the queue
    assert (item["level"], item["risk"], item["attention"]) == (
        "outpatient", "low", ["Suicidal thoughts in the past month"],
    )  # fmt: skip
    with session_scope(db) as session:
        (row,) = screenings_for(session, "conv-thoughts")  # one row from disclosure to result
        assert row.status == "completed"


async def test_free_text_negation_that_means_yes_is_acknowledged(db: str) -> None:
    chat = Chat("conv-free")
    assert sent(chat.answer("wish_dead", "i havent stopped thinking about it tbh")) == ACK
    assert chat.slots["wish_dead"] is True


async def test_declining_the_thoughts_question_brings_the_resources_too(db: str) -> None:
    chat = Chat("conv-declined")
    assert sent(chat.answer("suicidal_thoughts", "prefer_not_say")) == [
        {"text": THOUGHTS_DECLINED_ACK}, {"response": CRISIS_RESOURCES_RESPONSE},
    ]  # fmt: skip
    [item] = staff_items(db, "conv-declined")
    assert "Suicidal thoughts in the past month (declined to answer, counted as yes)" in item["attention"]


async def test_changing_yes_to_no_keeps_the_original_answer_for_staff(db: str) -> None:
    chat = Chat("conv-change")
    chat.answer("functioning", "mild")
    chat.answer("current_care", "none")
    chat.answer("wish_dead", True)
    chat.change("wish_dead")
    assert chat.slots["wish_dead"] is None  # asked again
    assert chat.answer("wish_dead", "no") == []
    for field, value in CALM.items():
        if field not in ("functioning", "current_care", "wish_dead"):
            chat.answer(field, value)
    await chat.finish()
    [item] = staff_items(db, "conv-change")
    assert item["risk"] == "none"  # the final answers carry no risk, but staff see what changed
    assert item["attention"] == ['Changed "Wishing you were dead" from yes to no']
    with session_scope(db) as session:
        from bot.triage import view

        details = view.conversation_details(session, "conv-change")
    [screening] = details["screenings"]
    assert screening["answers"]["wish_dead"] is False
    assert screening["changes"][0]["from"] is True and screening["changes"][0]["to"] is False
    assert 'Changed "Wishing you were dead" from yes to no' in [e["text"] for e in details["timeline"]]


async def test_changing_q2_to_no_keeps_the_method_it_cleared(db: str) -> None:
    chat = Chat("conv-q2")
    chat.answer("wish_dead", True)
    chat.answer("suicidal_thoughts", True)
    chat.answer("suicide_method", "yes")
    chat.change("suicidal_thoughts")
    assert all(chat.slots[f] is None for f in FOLLOW_UP_FIELDS)
    chat.answer("suicidal_thoughts", "not really")
    [item] = staff_items(db, "conv-q2")
    assert item["risk"] == "low"
    assert item["attention"][-1] == (
        'Changed "Thoughts of suicide" from yes to no; this cleared the earlier answers '
        '"How you might do it" yes'
    )


async def test_a_raised_answer_is_not_a_change_and_a_re_answered_follow_up_is(db: str) -> None:
    chat = Chat("conv-q3")
    chat.answer("wish_dead", False)
    chat.answer("suicidal_thoughts", True)
    chat.answer("suicide_method", True)
    chat.change("suicidal_thoughts")
    chat.answer("suicidal_thoughts", True)  # the same answer again: Q3-Q5 are asked again
    chat.answer("suicide_method", False)  # less worrying than first disclosed
    [item] = staff_items(db, "conv-q3")
    assert item["attention"][-1] == 'Changed "How you might do it" from yes to no'


async def test_stopping_after_a_moderate_answer_reaches_staff(db: str) -> None:
    chat = Chat("conv-stop")
    chat.answer("functioning", "mild")
    chat.answer("current_care", "weekly_helping")
    chat.answer("wish_dead", False)
    chat.answer("suicidal_thoughts", False)
    chat.answer("suicide_behavior", "years ago, when i was a teenager")
    await chat.stop()
    [item] = staff_items(db, "conv-stop")
    assert (item["risk"], item["attention"]) == (
        "moderate", ["Stopped before the end after a moderate-risk answer"],
    )  # fmt: skip
    with session_scope(db) as session:
        (row,) = screenings_for(session, "conv-stop")
        assert row.status == "abandoned" and row.answers["suicide_behavior"] == "over_3_months_ago"


async def test_leaving_the_form_after_a_moderate_answer_reaches_staff(db: str) -> None:
    chat = Chat("conv-left")
    chat.answer("suicidal_thoughts", True)
    chat.answer("suicide_method", True)
    # The form is left (a crisis reply deactivated it, a hand-off, or the person just went away):
    # no action runs, and the answers are already with staff.
    [item] = staff_items(db, "conv-left")
    assert item["risk"] == "moderate" and item["attention"][0].startswith("Not finished")


async def test_stopping_without_any_risk_stays_out_of_the_queue(db: str) -> None:
    chat = Chat("conv-calm")
    chat.answer("functioning", "mild")
    chat.answer("wish_dead", "never")
    await chat.stop()
    assert staff_items(db, "conv-calm") == []
    with session_scope(db) as session:
        assert [r.status for r in screenings_for(session, "conv-calm")] == ["abandoned"]


async def test_an_urgent_answer_escalates_the_stored_screening_as_high(db: str) -> None:
    chat = Chat("conv-urgent")
    chat.answer("wish_dead", True)
    chat.answer("suicidal_thoughts", True)
    chat.answer("suicide_method", True)
    chat.answer("suicide_intent", "yes")
    assert await chat.finish() == []  # the crisis response comes from the rule
    [item] = staff_items(db, "conv-urgent")
    assert item["risk"] == "high" and item["attention"][0].startswith("Stopped at once for an answer")
    with session_scope(db) as session:
        (row,) = screenings_for(session, "conv-urgent")
        assert (row.status, row.risk) == ("escalated", "high")


async def test_a_database_failure_never_breaks_the_answer(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'no-tables.db'}")
    get_engine.cache_clear()
    chat = Chat("conv-db-down")
    assert sent(chat.answer("wish_dead", True)) == ACK and chat.slots["wish_dead"] is True
    assert "not kept for staff (OperationalError)" in caplog.text and "conv-db-down" not in caplog.text
    get_engine.cache_clear()


async def test_stopping_after_clearing_the_only_risk_answer_still_ends_the_stored_screening(db: str) -> None:
    chat = Chat("conv-cleared")
    chat.answer("wish_dead", True)
    chat.change("wish_dead")
    assert answers_from(tracker(chat.slots)) == {}
    await chat.stop()
    [item] = staff_items(db, "conv-cleared")
    assert item["attention"] == ["Stopped before the end", "Suicidal thoughts in the past month"]


async def test_stopping_before_any_answer_stores_nothing(db: str) -> None:
    await Chat("conv-nothing").stop()
    with session_scope(db) as session:
        assert screenings_for(session, "conv-nothing") == []


def _asked_again(field: str, misses: int) -> list[dict[str, Any]]:
    """The events of a question asked, then `misses` answers not understood, each followed by the question."""
    ask = {"event": "bot", "text": "the question", "metadata": {"utter_action": f"utter_ask_{field}"}}
    events: list[dict[str, Any]] = [ask]
    for _ in range(misses):
        events += [{"event": "user", "text": "purple"}, {"event": "bot", "text": NOT_UNDERSTOOD}, ask]
    return events


@pytest.mark.parametrize(
    ("misses", "expected"), [(0, NOT_UNDERSTOOD), (1, STILL_NOT_UNDERSTOOD), (2, STILL_NOT_UNDERSTOOD)]
)
def test_a_question_not_understood_again_offers_skip_and_stop(misses: int, expected: str) -> None:
    events = _asked_again("withdrawal", misses)
    message = Tracker("conv-a", {}, {"text": "purple"}, events, False, None, {"name": "screening_form"}, "")
    dispatcher = CollectingDispatcher()
    out = ValidateScreeningForm().validate_field("withdrawal", "purple", dispatcher, message, {})
    assert out == {"withdrawal": None}
    assert [m["text"] for m in dispatcher.messages] == [expected]
