"""The program search use case: preferences from the conversation, the search, the reply (pure).

actions/referral.py (the chat) and bot/assisted.py (staff on the phone) call these; the matching rules
themselves are `bot.referral.matching`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.contracts import (
    CARE_FORMAT,
    CARE_LEVEL,
    FIND_PROGRAM,
    HUMAN_HANDOFF,
    INSURANCE,
    MAX_DISTANCE,
    POPULATION,
    REQUEST_CALLBACK,
    SCHEDULE_SLOT,
    SCREENING_FLAGS,
    SCREENING_LEVEL,
    SPECIALTY,
    ZIP_CODE,
    payload,
)
from bot.referral.matching import (
    MatchResult,
    MatchStatus,
    Preferences,
    format_result,
    match_programs,
    needs_location,
    noted_message,
)
from bot.referral.programs import Program
from bot.referral.vocab import FORMATS, LEVELS, POPULATIONS, SCHEDULE_SLOTS, SELF_PAY, SPECIALTIES
from bot.referral.vocab import INSURANCE as INSURANCE_PLANS

logger = logging.getLogger(__name__)

DEFAULT_LEVEL = "iop"
"""The level searched when neither the screening nor the person named one."""
MAX_SEARCH_MILES = 500.0
"""The largest distance a person can ask for; a larger (or non-positive) one counts as unstated."""
VIRTUAL_ONLY_FLAG = "virtual_only"
"""The screening's flag for someone who can attend only online: the search then looks for virtual care."""

Button = tuple[str, str]
CALLBACK_BUTTON: Button = ("Request a callback", payload(REQUEST_CALLBACK))
PERSON_BUTTON: Button = ("Talk to a person", payload(HUMAN_HANDOFF))
NEXT_STEP_BUTTONS: tuple[Button, ...] = (CALLBACK_BUTTON, PERSON_BUTTON)
"""Under a program list or a no-match: ask for a callback or talk to a person."""

VOCABULARIES: dict[str, Mapping[str, str]] = {
    SCHEDULE_SLOT: SCHEDULE_SLOTS,
    CARE_FORMAT: FORMATS,
    INSURANCE: {**INSURANCE_PLANS, SELF_PAY: ""},
    POPULATION: POPULATIONS,
    SPECIALTY: SPECIALTIES,
    CARE_LEVEL: LEVELS,
}
"""Preference slot -> its vocabulary (ids); other values (free text from other extractors) are ignored."""


def known(slot: str, value: Any) -> str | None:
    """`value` when it is an id in `slot`'s vocabulary, else None."""
    return value if isinstance(value, str) and value in VOCABULARIES[slot] else None


def search_miles(value: Any) -> float | None:
    """A stated distance in miles within (0, MAX_SEARCH_MILES], else None (the default applies)."""
    try:
        miles = float(value)
    except (TypeError, ValueError):
        return None
    return miles if 0 < miles <= MAX_SEARCH_MILES else None


def search_preferences(slots: Mapping[str, Any]) -> Preferences:
    """The search from the conversation's slots.

    The level is the screening's, else the one the person asked for, else IOP; a screening that found
    the person can attend only online searches virtual care unless a format was stated.
    """
    zip_code = slots.get(ZIP_CODE)
    virtual_only = VIRTUAL_ONLY_FLAG in (slots.get(SCREENING_FLAGS) or [])
    return Preferences(
        level=slots.get(SCREENING_LEVEL) or known(CARE_LEVEL, slots.get(CARE_LEVEL)) or DEFAULT_LEVEL,
        schedule=known(SCHEDULE_SLOT, slots.get(SCHEDULE_SLOT)),
        care_format=known(CARE_FORMAT, slots.get(CARE_FORMAT)) or ("virtual" if virtual_only else None),
        insurance=known(INSURANCE, slots.get(INSURANCE)),
        zip_code=zip_code if isinstance(zip_code, str) else None,
        max_miles=search_miles(slots.get(MAX_DISTANCE)),
        population=known(POPULATION, slots.get(POPULATION)),
        specialty=known(SPECIALTY, slots.get(SPECIALTY)),
    )


@dataclass(frozen=True)
class SearchReply:
    """What the assistant says after a search, and whether the stated ZIP code must be forgotten."""

    text: str
    buttons: tuple[Button, ...] = ()
    forget_zip: bool = False
    searched: bool = True
    """False when the preference was only noted (no location yet, no list)."""


def find_programs(programs: Iterable[Program], prefs: Preferences, intent: str | None) -> SearchReply:
    """Search the directory for `prefs`, or note a preference given in passing and ask where.

    Only an explicit request (`find_program`) searches without a location. A level name the directory
    does not know (from another part) falls back to an IOP search near the same ZIP code.
    """
    if intent != FIND_PROGRAM and needs_location(prefs):
        return SearchReply(noted_message(prefs), searched=False)
    programs = tuple(programs)
    try:
        result = match_programs(programs, prefs)
    except ValueError as exc:  # an unexpected level name from another part
        logger.warning("program search failed: %s", exc)
        result = match_programs(programs, Preferences(level=DEFAULT_LEVEL, zip_code=prefs.zip_code))
    return SearchReply(
        format_result(result, zip_known=prefs.zip_code is not None),
        buttons=NEXT_STEP_BUTTONS if result.status is not MatchStatus.CRISIS else (),
        forget_zip=result.status is MatchStatus.UNKNOWN_ZIP,
    )


def search_for_level(
    programs: Iterable[Program], level: str, zip_code: str = "", insurance: str = ""
) -> MatchResult | None:
    """Programs for a screening's level near a ZIP code (staff on the phone); None for an unknown id."""
    prefs = Preferences(level=level, zip_code=zip_code.strip() or None, insurance=insurance or None)
    try:
        return match_programs(programs, prefs)
    except ValueError:
        return None
