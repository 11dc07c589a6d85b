"""Staff hours (when a person can be handed to a human), from configuration (pure).

`STAFF_HOURS`: "Mon-Fri 09:00-17:00" (default); several windows with ';' ("Mon-Fri 09:00-17:00;
Sat 10:00-14:00"); "always" or "never" (tests, demos). `STAFF_TIMEZONE`: an IANA name
(default America/New_York).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import setting

DEFAULT_STAFF_HOURS: Final = "Mon-Fri 09:00-17:00"
DEFAULT_STAFF_TIMEZONE: Final = "America/New_York"
DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WINDOW_RE = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+(?P<open>\d{1,2}:\d{2})-(?P<close>\d{1,2}:\d{2})$"
)


class StaffHoursError(ValueError):
    """STAFF_HOURS or STAFF_TIMEZONE cannot be read; the message names the variable."""


@dataclass(frozen=True)
class Window:
    """Open from `opens` to `closes` (exclusive) on weekday `day` (0 = Monday)."""

    day: int
    opens: time
    closes: time


@dataclass(frozen=True)
class StaffHours:
    """When staff answer, in their time zone."""

    windows: tuple[Window, ...]
    tz: ZoneInfo
    always: bool = False


def _time(text: str, spec: str) -> time:
    hours, minutes = (int(part) for part in text.split(":"))
    if hours == 24 and minutes == 0:
        return time.max
    if not (0 <= hours < 24 and 0 <= minutes < 60):
        raise StaffHoursError(f"STAFF_HOURS: bad time {text!r} in {spec!r}")
    return time(hours, minutes)


def parse_staff_hours(spec: str, timezone: str = DEFAULT_STAFF_TIMEZONE) -> StaffHours:
    """Parse the STAFF_HOURS syntax described in the module docstring."""
    try:
        tz = ZoneInfo(timezone.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise StaffHoursError(f"STAFF_TIMEZONE: unknown time zone {timezone!r}") from None
    text = " ".join(spec.strip().lower().split())
    if text == "always":
        return StaffHours((), tz, always=True)
    if text == "never":
        return StaffHours((), tz)
    windows: list[Window] = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        match = _WINDOW_RE.match(part)
        if not match or match["first"] not in DAYS or (match["last"] or match["first"]) not in DAYS:
            raise StaffHoursError(
                f"STAFF_HOURS: cannot read {part!r}; use e.g. 'Mon-Fri 09:00-17:00; Sat 10:00-14:00', "
                "'always' or 'never'"
            )
        first, last = DAYS.index(match["first"]), DAYS.index(match["last"] or match["first"])
        opens, closes = _time(match["open"], spec), _time(match["close"], spec)
        if closes <= opens:
            raise StaffHoursError(f"STAFF_HOURS: {part!r} closes before it opens")
        days = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
        windows.extend(Window(day, opens, closes) for day in days)
    if not windows:
        raise StaffHoursError("STAFF_HOURS is empty; use e.g. 'Mon-Fri 09:00-17:00' or 'never'")
    return StaffHours(tuple(windows), tz)


def staff_hours_from_env(env: Mapping[str, str] | None = None) -> StaffHours:
    """StaffHours from STAFF_HOURS and STAFF_TIMEZONE (documented defaults when unset)."""
    spec = setting("STAFF_HOURS", env, DEFAULT_STAFF_HOURS)
    timezone = setting("STAFF_TIMEZONE", env, DEFAULT_STAFF_TIMEZONE)
    return parse_staff_hours(spec, timezone)


def _local(hours: StaffHours, now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    return now.astimezone(hours.tz)


def is_open(hours: StaffHours, now: datetime) -> bool:
    """Whether staff are available at `now` (an aware datetime)."""
    local = _local(hours, now)
    if hours.always:
        return True
    clock = local.time().replace(tzinfo=None)
    return any(w.day == local.weekday() and w.opens <= clock < w.closes for w in hours.windows)


def next_opening(hours: StaffHours, now: datetime) -> datetime | None:
    """`now` if open, else the start of the next window (in the staff time zone); None if never."""
    if is_open(hours, now):
        return _local(hours, now)
    if not hours.windows:
        return None
    local = _local(hours, now)
    for offset in range(8):
        day = (local + timedelta(days=offset)).date()
        starts = sorted(
            datetime.combine(day, w.opens, tzinfo=hours.tz) for w in hours.windows if w.day == day.weekday()
        )
        for start in starts:
            if start > local:
                return start
    return None  # unreachable with at least one window


def describe_opening(opening: datetime, now: datetime) -> str:
    """'today at 9:00 AM EDT', 'tomorrow at 9:00 AM EST' or 'Monday at 9:00 AM EST'."""
    local_now = now.astimezone(opening.tzinfo)
    days = (opening.date() - local_now.date()).days
    when = {0: "today", 1: "tomorrow"}.get(days, opening.strftime("%A"))
    clock = opening.strftime("%I:%M %p").lstrip("0")
    return f"{when} at {clock} {opening.tzname()}"
