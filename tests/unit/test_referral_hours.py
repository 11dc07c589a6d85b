"""Staff hours from configuration, opening times, and the handoff plan and paused-message routing."""

from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.referral.handoff import helplines, plan_handoff
from bot.referral.hours import (
    StaffHoursError,
    describe_opening,
    is_open,
    next_opening,
    parse_staff_hours,
    staff_hours_from_env,
)

NY = ZoneInfo("America/New_York")
DEFAULT = staff_hours_from_env({})


def ny(day: int, hour: int, minute: int = 0) -> datetime:
    """A time in New York in the week of Monday 2025-02-03 (day 0 = Monday; winter time)."""
    return datetime(2025, 2, 3 + day, hour, minute, tzinfo=NY)


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (ny(0, 9, 0), True),
        (ny(0, 8, 59), False),
        (ny(2, 12), True),
        (ny(4, 16, 59), True),
        (ny(4, 17, 0), False),
        (ny(5, 12), False),
        (ny(6, 12), False),
        (datetime(2025, 2, 3, 14, 30, tzinfo=timezone.utc), True),  # 09:30 in New York
        (datetime(2025, 2, 3, 13, 30, tzinfo=timezone.utc), False),  # 08:30 in New York
    ],
)
def test_default_hours_are_weekdays_nine_to_five_new_york(now: datetime, expected: bool) -> None:
    assert is_open(DEFAULT, now) is expected


@pytest.mark.parametrize(
    ("now", "opening"),
    [
        (ny(0, 7), ny(0, 9)),
        (ny(0, 18), ny(1, 9)),
        (ny(4, 18), ny(7, 9)),  # Friday evening -> Monday
        (ny(5, 10), ny(7, 9)),
        (ny(2, 10), ny(2, 10)),  # open now
    ],
)
def test_next_opening(now: datetime, opening: datetime) -> None:
    assert next_opening(DEFAULT, now) == opening


def test_describe_opening_uses_relative_days_and_the_zone() -> None:
    assert describe_opening(ny(0, 9), ny(0, 7)) == "today at 9:00 AM EST"
    assert describe_opening(ny(1, 9), ny(0, 18)) == "tomorrow at 9:00 AM EST"
    assert describe_opening(ny(7, 9), ny(4, 18)) == "Monday at 9:00 AM EST"
    # Clocks go forward on Sunday 2025-03-09: Friday evening EST -> Monday morning EDT.
    friday = datetime(2025, 3, 7, 18, tzinfo=NY)
    monday = next_opening(DEFAULT, friday)
    assert monday == datetime(2025, 3, 10, 9, tzinfo=NY)
    assert describe_opening(monday, friday) == "Monday at 9:00 AM EDT"


def test_multiple_windows_wrapping_days_always_and_never() -> None:
    hours = parse_staff_hours("Sat-Sun 10:00-14:00; Wed 18:00-24:00", "America/Los_Angeles")
    la = ZoneInfo("America/Los_Angeles")
    assert is_open(hours, datetime(2025, 3, 9, 11, tzinfo=la))  # Sunday
    assert is_open(hours, datetime(2025, 3, 5, 23, 59, tzinfo=la))  # Wednesday night
    assert not is_open(hours, datetime(2025, 3, 3, 11, tzinfo=la))  # Monday
    always = staff_hours_from_env({"STAFF_HOURS": "always"})
    never = staff_hours_from_env({"STAFF_HOURS": " NEVER "})
    assert is_open(always, ny(6, 3)) and next_opening(always, ny(6, 3)) == ny(6, 3)
    assert not is_open(never, ny(0, 10)) and next_opening(never, ny(0, 10)) is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"STAFF_HOURS": "weekdays"}, "STAFF_HOURS: cannot read"),
        ({"STAFF_HOURS": "Mon-Fri 17:00-09:00"}, "closes before it opens"),
        ({"STAFF_HOURS": "Mon-Fri 09:00-25:00"}, "bad time"),
        ({"STAFF_HOURS": "Xyz 09:00-17:00"}, "cannot read"),
        ({"STAFF_HOURS": ";"}, "STAFF_HOURS is empty"),
        ({"STAFF_TIMEZONE": "Mars/Olympus"}, "STAFF_TIMEZONE: unknown time zone"),
    ],
)
def test_bad_configuration_names_the_variable(env: dict[str, str], message: str) -> None:
    with pytest.raises(StaffHoursError, match=message):
        staff_hours_from_env(env)


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        is_open(DEFAULT, datetime(2025, 3, 3, 10))


def test_handoff_plan_in_and_out_of_hours() -> None:
    during = plan_handoff(DEFAULT, ny(0, 10))
    assert during.staff_available and "staff" in during.message
    after = plan_handoff(DEFAULT, ny(4, 18))
    assert not after.staff_available
    assert "back Monday at 9:00 AM EST" in after.message
    assert "call you back" in after.message and helplines() in after.message
    assert "988" in helplines() and "1-800-662-4357" in helplines() and "911" in helplines()
    never = plan_handoff(staff_hours_from_env({"STAFF_HOURS": "never"}), ny(0, 10))
    assert not never.staff_available and "not available" in never.message
