"""Question order, skip logic, declined answers and escalation for the screening conversation."""

from __future__ import annotations

from typing import Any

import pytest

from bot.screening.engine import FIELDS, FOLLOW_UP_FIELDS, screen
from bot.screening.flow import (
    DECLINED_VALUES,
    QUESTION_ORDER,
    answered_fields,
    complete_answers,
    declined_value,
    dependents,
    is_urgent,
    next_field,
    required_fields,
)
from tests.unit.screening_support import CHAT_CALM

ALL = list(QUESTION_ORDER)
NO_FOLLOW_UPS = [f for f in ALL if f not in FOLLOW_UP_FIELDS]


def test_order_covers_every_field_once() -> None:
    assert sorted(QUESTION_ORDER) == sorted(FIELDS)
    assert set(DECLINED_VALUES) == set(FIELDS)


@pytest.mark.parametrize(
    ("answers", "required"),
    [
        ({}, ALL),
        ({"suicidal_thoughts": True}, ALL),
        ({"suicidal_thoughts": False}, NO_FOLLOW_UPS),
        ({"substance_use": "none"}, [f for f in ALL if f != "withdrawal"]),
        ({"substance_use": "occasional"}, ALL),
        (
            {"suicidal_thoughts": False, "substance_use": "none"},
            [f for f in NO_FOLLOW_UPS if f != "withdrawal"],
        ),
    ],
)
def test_required_fields_skip(answers: dict[str, Any], required: list[str]) -> None:
    assert required_fields(answers) == required


def test_next_field_walks_the_order_and_ends() -> None:
    answers: dict[str, Any] = {}
    asked = []
    while (name := next_field(answers)) is not None:
        asked.append(name)
        answers[name] = {
            "suicidal_thoughts": False,
            "substance_use": "none",
        }.get(name, "x")
    assert asked == [f for f in NO_FOLLOW_UPS if f != "withdrawal"]


def test_complete_answers_fill_skipped_and_drop_stale_follow_ups() -> None:
    given: dict[str, Any] = {
        **CHAT_CALM,
        "functioning": "mild",
        "suicide_method": True,  # stale: Q2 was changed to no
    }
    complete = complete_answers(given)
    assert complete["suicide_method"] is None
    assert complete["withdrawal"] == "none"
    assert screen(complete).level == "outpatient"


@pytest.mark.parametrize(
    ("field", "value", "urgent"),
    [
        ("suicide_intent", True, True),
        ("suicide_intent", False, False),
        ("suicide_plan", True, True),
        ("suicide_plan", False, False),
        ("suicide_behavior", "past_3_months", True),
        ("suicide_behavior", "over_3_months_ago", False),
        ("suicide_behavior", "never", False),
        ("harm_to_others", True, True),
        ("harm_to_others", 1, False),
        ("suicide_method", True, False),
        ("wish_dead", True, False),
        ("withdrawal", "severe", False),
    ],
)
def test_urgent_answers(field: str, value: Any, urgent: bool) -> None:
    assert is_urgent(field, value) is urgent


@pytest.mark.parametrize("field", list(FIELDS))
def test_declined_value_is_valid_and_never_lowers_the_level(field: str) -> None:
    calm: dict[str, Any] = {
        "functioning": "none",
        "current_care": "none",
        "wish_dead": False,
        "suicidal_thoughts": True,
        "suicide_method": False,
        "suicide_intent": False,
        "suicide_plan": False,
        "suicide_behavior": "never",
        "harm_to_others": False,
        "substance_use": "none",
        "withdrawal": "none",
        "medically_unstable": False,
        "safe_home": True,
        "can_attend": "in_person",
        "group_ok": "yes",
    }
    order = ("outpatient", "iop", "php", "inpatient_residential", "emergency")
    baseline = order.index(screen(calm).level)
    declined = screen({**calm, field: declined_value(field)})
    assert order.index(declined.level) >= baseline


def test_declining_an_escalation_question_escalates() -> None:
    for field in ("suicide_intent", "suicide_plan", "suicide_behavior", "harm_to_others"):
        assert is_urgent(field, declined_value(field))


def test_declined_value_rejects_unknown_field() -> None:
    with pytest.raises(KeyError):
        declined_value("mood")


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("suicidal_thoughts", FOLLOW_UP_FIELDS),
        ("substance_use", ("withdrawal",)),
        ("functioning", ()),
        ("suicide_method", ()),
    ],
)
def test_dependents(field: str, expected: tuple[str, ...]) -> None:
    assert dependents(field) == expected


def test_answered_fields_leave_out_skipped_and_unanswered() -> None:
    answers: dict[str, Any] = {
        "group_ok": "yes",
        "suicidal_thoughts": False,
        "suicide_method": True,
        "functioning": "mild",
    }
    assert answered_fields(answers) == ["functioning", "suicidal_thoughts", "group_ok"]
