"""Human handoff: what to tell the person when they ask for a person (pure).

While staff have the conversation, Rasa is paused (`ConversationPaused`): it records the person's
messages, so the transcript stays complete, but answers nothing, so its own crisis reply never runs.
Every channel's safety net (`channels/safety_net.py`) covers that gap: when Rasa sent nothing, it
runs crisis detection itself (`bot.safety.net.crisis_reply`), sends the crisis message, records an
escalation for staff and marks the open hand-off urgent in the staff queue
(`bot.referral.store.flag_urgent_handoff`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from bot.referral.hours import (
    StaffHours,
    StaffHoursError,
    describe_opening,
    is_open,
    next_opening,
    staff_hours_from_env,
)
from bot.safety.net import helpline_text

logger = logging.getLogger(__name__)

DURING_HOURS = (
    "I've asked a member of our staff to join this chat. They usually answer within a few minutes; "
    "please keep this window open. I'll step back while you talk with them."
)


def helplines() -> str:
    """Whom to call meanwhile (content/crisis_resources.yml `helpline_texts.handoff_helplines`)."""
    return helpline_text("handoff_helplines")


@dataclass(frozen=True)
class HandoffPlan:
    """What action_handoff does: hand over now, or explain when staff are back."""

    staff_available: bool
    message: str


def plan_handoff(hours: StaffHours, now: datetime) -> HandoffPlan:
    """Open staff hours -> hand over; otherwise say when staff are back and offer helplines."""
    if is_open(hours, now):
        return HandoffPlan(True, DURING_HOURS)
    opening = next_opening(hours, now)
    when = (
        f"Our staff are not available right now. They are back {describe_opening(opening, now)}."
        if opening is not None
        else "Our staff are not available in this chat."
    )
    return HandoffPlan(False, f"{when} I can ask our intake team to call you back instead. {helplines()}")


def unavailable_plan(now: datetime) -> HandoffPlan:
    """The plan when no person can take the chat (misconfigured hours, a failed queue): offer the rest."""
    return plan_handoff(staff_hours_from_env({"STAFF_HOURS": "never"}), now)


def handoff_plan(now: datetime, env: Mapping[str, str] | None = None) -> HandoffPlan:
    """The plan under the configured staff hours (STAFF_HOURS, STAFF_TIMEZONE); never fails.

    Misconfigured hours are logged and treated as no staff hours (`unavailable_plan`).
    """
    try:
        return plan_handoff(staff_hours_from_env(env), now)
    except StaffHoursError as exc:
        logger.error("staff hours misconfigured: %s", exc)
        return unavailable_plan(now)
