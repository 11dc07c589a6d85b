"""Match the person's level of care and preferences against the program directory (pure).

Every stated preference is a filter; the survivors are ranked by distance (when a ZIP is known),
then by how many reasons they fit, then by name, and the best three are returned with plain reasons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from enum import Enum

from bot.referral.geo import UnknownZipError, ZipLocation, haversine_miles, locate_zip
from bot.referral.programs import Program
from bot.referral.vocab import (
    INSURANCE,
    LEVELS,
    POPULATIONS,
    SCHEDULE_SLOTS,
    SCREENING_TO_DIRECTORY_LEVEL,
    SELF_PAY,
    SPECIALTIES,
)
from bot.safety.net import helpline_text

DEFAULT_MAX_MILES = 30.0
MAX_RESULTS = 3
DEFAULT_POPULATION = "adults"

DISCLAIMER = (
    "These suggestions come from a directory and are not a recommendation or a diagnosis. "
    "Call a program to check insurance, schedule and fit; a clinician there makes the final "
    "decision about the right level of care."
)
# The sentences that quote helplines (the emergency answer, where else to look) come from
# content/crisis_resources.yml `helpline_texts`: search_emergency, search_elsewhere.


class MatchStatus(str, Enum):
    """How a search ended."""

    OK = "ok"
    NO_MATCH = "no_match"
    UNKNOWN_ZIP = "unknown_zip"
    CRISIS = "crisis"


@dataclass(frozen=True)
class Preferences:
    """What the person asked for; None means 'no preference'. Values are vocabulary ids."""

    level: str | None = None
    schedule: str | None = None
    care_format: str | None = None
    insurance: str | None = None
    zip_code: str | None = None
    max_miles: float | None = None
    population: str | None = None
    specialty: str | None = None


@dataclass(frozen=True)
class Match:
    """A program that fits, why, and how far it is (None without a ZIP)."""

    program: Program
    reasons: tuple[str, ...]
    distance_miles: float | None


@dataclass(frozen=True)
class MatchResult:
    """The best matches, or a message explaining why there are none."""

    status: MatchStatus
    matches: tuple[Match, ...] = ()
    message: str = ""


def directory_level(level: str | None) -> str | None:
    """A screening level or a directory level -> the directory level; 'emergency' -> 'emergency'.

    Raises ValueError for an unknown level name.
    """
    if level is None or not level.strip():
        return None
    key = level.strip().lower()
    if key == "emergency":
        return "emergency"
    if key in LEVELS:
        return key
    if key in SCREENING_TO_DIRECTORY_LEVEL:
        return SCREENING_TO_DIRECTORY_LEVEL[key]
    raise ValueError(f"unknown level of care: {level!r}")


# A check returns None when the program does not fit, else the reason it fits ("" = no reason shown).
Check = Callable[[Program], "str | None"]


def _level_check(level: str) -> Check:
    label = LEVELS[level]
    return lambda p: f"Offers {label}" if level in p.levels else None


def _schedule_check(slot: str) -> Check:
    label = SCHEDULE_SLOTS[slot]
    return lambda p: f"Offers {label} groups" if slot in p.schedule else None


def _format_check(care_format: str, person: ZipLocation | None) -> Check:
    def check(p: Program) -> str | None:
        if care_format == "virtual":
            if not {"virtual", "hybrid"} & set(p.formats):
                return None
            if person is not None and person.state != p.address.state:
                return None  # virtual care is offered to people in the program's state
            return f"Offers virtual sessions for people in {p.address.state}"
        if care_format == "in_person":
            return "Meets in person" if {"in_person", "hybrid"} & set(p.formats) else None
        return "Offers hybrid (in-person and virtual) sessions" if "hybrid" in p.formats else None

    return check


def _insurance_check(insurance: str) -> Check:
    def check(p: Program) -> str | None:
        if insurance == SELF_PAY:
            if p.sliding_scale:
                return "Offers a sliding-scale fee based on income"
            return "Takes self-pay clients" if p.self_pay else None
        return f"Accepts {INSURANCE[insurance]}" if insurance in p.insurance else None

    return check


def _population_check(population: str, stated: bool) -> Check:
    label = POPULATIONS[population]
    reason = f"Serves {label}" if stated else ""
    return lambda p: reason if population in p.populations else None


def _specialty_check(specialty: str) -> Check:
    label = SPECIALTIES[specialty]
    return lambda p: f"Specializes in {label}" if specialty in p.specialties else None


def _validate(prefs: Preferences) -> None:
    vocab = {
        "schedule": (prefs.schedule, SCHEDULE_SLOTS),
        "insurance": (prefs.insurance, {**INSURANCE, SELF_PAY: ""}),
        "population": (prefs.population, POPULATIONS),
        "specialty": (prefs.specialty, SPECIALTIES),
        "care_format": (prefs.care_format, {"in_person": "", "virtual": "", "hybrid": ""}),
    }
    for field, (value, allowed) in vocab.items():
        if value is not None and value not in allowed:
            raise ValueError(f"unknown {field}: {value!r}")
    if prefs.max_miles is not None and not prefs.max_miles > 0:
        raise ValueError("max_miles must be positive")


def describe_preferences(prefs: Preferences) -> str:
    """The stated preferences in words, for the no-match message."""
    parts = []
    if prefs.level and prefs.level in LEVELS:
        parts.append(LEVELS[prefs.level])
    if prefs.schedule:
        parts.append(f"{SCHEDULE_SLOTS[prefs.schedule]} groups")
    if prefs.care_format:
        parts.append({"virtual": "virtual", "in_person": "in person", "hybrid": "hybrid"}[prefs.care_format])
    if prefs.insurance:
        parts.append("self-pay" if prefs.insurance == SELF_PAY else INSURANCE[prefs.insurance])
    if prefs.population:
        parts.append(f"for {POPULATIONS[prefs.population]}")
    if prefs.specialty:
        parts.append(SPECIALTIES[prefs.specialty])
    if prefs.zip_code:
        miles = prefs.max_miles or DEFAULT_MAX_MILES
        parts.append(f"within {miles:g} miles of {prefs.zip_code}")
    return ", ".join(parts)


def match_programs(programs: Iterable[Program], prefs: Preferences, limit: int = MAX_RESULTS) -> MatchResult:
    """Filter and rank `programs` for `prefs`. Raises ValueError for ids outside the vocabularies."""
    level = directory_level(prefs.level)
    if level == "emergency":
        return MatchResult(MatchStatus.CRISIS, message=helpline_text("search_emergency"))
    prefs = replace(prefs, level=level)
    _validate(prefs)
    person: ZipLocation | None = None
    if prefs.zip_code:
        try:
            person = locate_zip(prefs.zip_code)
        except UnknownZipError as exc:
            return MatchResult(MatchStatus.UNKNOWN_ZIP, message=str(exc))
        prefs = replace(prefs, zip_code=person.zip_code)

    checks: list[Check] = []
    if level:
        checks.append(_level_check(level))
    if prefs.schedule:
        checks.append(_schedule_check(prefs.schedule))
    if prefs.care_format:
        checks.append(_format_check(prefs.care_format, person))
    if prefs.insurance:
        checks.append(_insurance_check(prefs.insurance))
    checks.append(_population_check(prefs.population or DEFAULT_POPULATION, prefs.population is not None))
    if prefs.specialty:
        checks.append(_specialty_check(prefs.specialty))

    matches = []
    for program in programs:
        reasons = [check(program) for check in checks]
        if any(reason is None for reason in reasons):
            continue
        shown = [r for r in reasons if r]
        distance = None
        if person is not None:
            site = locate_zip(program.address.zip_code)
            distance = haversine_miles(person.lat, person.lon, site.lat, site.lon)
            if prefs.care_format != "virtual" and distance > (prefs.max_miles or DEFAULT_MAX_MILES):
                continue
            shown.append(f"{distance:.1f} miles from {person.zip_code}")
        matches.append(Match(program, tuple(shown), distance))

    if not matches:
        wanted = describe_preferences(prefs)
        message = (
            "I couldn't find a program in this directory that fits all of that"
            + (f" ({wanted})" if wanted else "")
            + ". You could widen the distance or drop one preference. "
            + helpline_text("search_elsewhere")
        )
        return MatchResult(MatchStatus.NO_MATCH, message=message)
    matches.sort(key=lambda m: (m.distance_miles or 0.0, -len(m.reasons), m.program.name))
    return MatchResult(MatchStatus.OK, tuple(matches[:limit]))


def format_match(rank: int, match: Match) -> str:
    """One program as a short text block."""
    p = match.program
    return (
        f"{rank}. {p.name}, {p.address.one_line()}\n"
        f"Why it may fit: {'; '.join(match.reasons) or 'it is in the directory'}.\n"
        f"Phone {p.phone}, {p.website}, intake {p.intake_hours}."
    )


def format_result(result: MatchResult, zip_known: bool = True) -> str:
    """The whole reply: programs with reasons and a disclaimer, or the explanation why there are none."""
    if result.status is not MatchStatus.OK:
        return result.message
    lines = ["Here are programs that may fit:"]
    lines += [format_match(i, m) for i, m in enumerate(result.matches, start=1)]
    if not zip_known:
        lines.append("Tell me your ZIP code (for example 'near 10001') to see programs close to you.")
    lines.append(DISCLAIMER)
    return "\n\n".join(lines)


def needs_location(prefs: Preferences) -> bool:
    """True when a search would not know where: no ZIP and not a virtual-only request.

    An emergency level never waits for a location: the search answers it with the crisis resources.
    """
    if directory_level(prefs.level) == "emergency":
        return False
    return prefs.zip_code is None and prefs.care_format != "virtual"


def noted_message(prefs: Preferences) -> str:
    """A preference given in passing is kept, and the person is asked where, instead of a list at once."""
    noted = describe_preferences(replace(prefs, level=None))
    first = f"Noted: {noted}. I'll keep that in mind." if noted else "Noted."
    return (
        f"{first} To look for programs that fit, tell me your ZIP code (for example 'near 10001'), "
        "or say 'virtual' for programs you can join from home. You can add more preferences first, "
        "like evening groups or your insurance."
    )
