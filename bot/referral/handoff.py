"""Human handoff: what to tell the person, and how a paused conversation still answers a crisis (pure).

While staff have the conversation, Rasa is paused (`ConversationPaused`) and predicts nothing, so
the bot's own crisis reply would never run. The channel layer (web app) therefore calls
`route_paused_message` for every message of a paused conversation *before* forwarding it: when
crisis language is detected, it sends `crisis_reply` at once, marks the handoff urgent in the
staff queue (`bot.referral.store.mark_handoff_urgent`) and still forwards the message so the
transcript stays complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.referral.hours import StaffHours, describe_opening, is_open, next_opening

HELPLINES = (
    "If you need to talk to someone now: call or text 988 (Suicide & Crisis Lifeline, 24/7), or "
    "call SAMHSA's National Helpline at 1-800-662-4357 (free, confidential, 24/7). "
    "If you are in danger, call 911."
)
DURING_HOURS = (
    "I've asked a member of our staff to join this chat. They usually answer within a few minutes; "
    "please keep this window open. I'll step back while you talk with them."
)


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
    return HandoffPlan(False, f"{when} I can ask our intake team to call you back instead. {HELPLINES}")


@dataclass(frozen=True)
class PausedRoute:
    """For a message in a paused (staff-handled) conversation."""

    crisis_category: str | None
    detector_failed: bool = False

    @property
    def needs_crisis_reply(self) -> bool:
        """Whether the channel layer must answer with the general crisis reply right away."""
        return self.crisis_category is not None or self.detector_failed


def route_paused_message(text: str, detect: Callable[[str], str | None]) -> PausedRoute:
    """Run crisis detection (e.g. a wrapper over `bot.safety`) on a message Rasa will not answer.

    `detect` returns a crisis category or None. A failing detector counts as a crisis (fail safe):
    the person then gets the crisis resources rather than silence.
    """
    try:
        return PausedRoute(detect(text or ""))
    except Exception:  # any detector failure must fail safe
        return PausedRoute(None, detector_failed=True)
