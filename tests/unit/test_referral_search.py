"""The program search use case (bot/referral/search.py) and the hand-off plan's fallback."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from bot.referral.handoff import handoff_plan, plan_handoff, unavailable_plan
from bot.referral.hours import staff_hours_from_env
from bot.referral.matching import MatchStatus, Preferences, format_result, match_programs, noted_message
from bot.referral.programs import cached_programs
from bot.referral.search import (
    MAX_SEARCH_MILES,
    NEXT_STEP_BUTTONS,
    find_programs,
    search_for_level,
    search_miles,
    search_preferences,
)

MONDAY_NOON_NY = datetime(2025, 3, 3, 17, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "miles"),
    [(25, 25.0), ("40", 40.0), (MAX_SEARCH_MILES, 500.0), (500.5, None), (0, None), (-3, None), ("x", None)],
)
def test_a_distance_counts_only_within_the_bound(value: Any, miles: float | None) -> None:
    assert search_miles(value) == miles


def test_the_screening_level_comes_first_then_the_asked_level_then_iop() -> None:
    assert search_preferences({"screening_level": "php", "care_level": "outpatient"}).level == "php"
    assert search_preferences({"care_level": "outpatient"}).level == "outpatient"
    assert search_preferences({"care_level": "not-a-level"}).level == "iop"
    assert search_preferences({}).level == "iop"


def test_only_vocabulary_ids_count_and_online_only_means_virtual() -> None:
    prefs = search_preferences(
        {
            "insurance": "medicaid",
            "schedule_slot": "I work days",
            "zip_code": 10001,
            "max_distance": "900",
            "screening_flags": ["virtual_only"],
        }
    )
    assert prefs == Preferences(level="iop", insurance="medicaid", care_format="virtual")
    stated = search_preferences({"care_format": "in_person", "screening_flags": ["virtual_only"]})
    assert stated.care_format == "in_person"


def test_a_preference_in_passing_is_noted_without_a_search() -> None:
    prefs = Preferences(level="iop", insurance="medicaid")
    reply = find_programs(cached_programs(), prefs, intent="inform")
    assert not reply.searched and reply.text == noted_message(prefs) and reply.buttons == ()
    asked = find_programs(cached_programs(), prefs, intent="find_program")
    assert asked.searched and asked.buttons == NEXT_STEP_BUTTONS


def test_a_search_near_a_zip_lists_programs_with_next_steps() -> None:
    prefs = Preferences(level="iop", zip_code="10001")
    reply = find_programs(cached_programs(), prefs, intent="find_program")
    result = match_programs(cached_programs(), prefs)
    assert result.status is MatchStatus.OK
    assert reply.text == format_result(result) and reply.buttons == NEXT_STEP_BUTTONS and not reply.forget_zip


def test_an_unknown_zip_is_forgotten_and_an_emergency_gets_no_buttons() -> None:
    unknown = find_programs(cached_programs(), Preferences(level="iop", zip_code="00000"), "find_program")
    assert unknown.forget_zip
    emergency = find_programs(cached_programs(), Preferences(level="emergency"), "inform")
    assert emergency.searched and emergency.buttons == () and "911" in emergency.text


def test_an_unknown_level_falls_back_to_iop_near_the_same_zip() -> None:
    reply = find_programs(cached_programs(), Preferences(level="spa", zip_code="10001"), "find_program")
    expected = match_programs(cached_programs(), Preferences(level="iop", zip_code="10001"))
    assert reply.text == format_result(expected)


def test_the_phone_search_uses_the_level_and_gives_none_for_unknown_ids() -> None:
    result = search_for_level(cached_programs(), "iop", " 10001 ", "")
    assert result == match_programs(cached_programs(), Preferences(level="iop", zip_code="10001"))
    assert search_for_level(cached_programs(), "iop", "", "not-an-insurer") is None


def test_misconfigured_staff_hours_fall_back_to_no_staff_hours() -> None:
    unavailable = plan_handoff(staff_hours_from_env({"STAFF_HOURS": "never"}), MONDAY_NOON_NY)
    assert unavailable_plan(MONDAY_NOON_NY) == unavailable
    assert handoff_plan(MONDAY_NOON_NY, {"STAFF_HOURS": "sometimes"}) == unavailable
    assert not unavailable.staff_available and "not available in this chat" in unavailable.message
    assert handoff_plan(MONDAY_NOON_NY, {}).staff_available
