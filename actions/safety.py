"""Safety glue: record a crisis escalation after the crisis reply (logic in bot.safety.escalation).

It also undoes what the danger message filled in an open form (a "name" or "contact" that is really a
danger message must not be kept) and schedules a check-in: if the person says nothing for a few
minutes after the crisis reply, the assistant writes again with the numbers and asks if they are safe.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta, timezone

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, ReminderScheduled, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.contracts import (
    ACTION_RECORD_ESCALATION,
    ACTION_SCREENING_RESULT,
    CALLBACK_FORM,
    CRISIS_CATEGORY,
    CRISIS_DETAIL,
    CRISIS_LANGUAGE,
    REQUESTED_SLOT,
    RISK_CUE,
    RISK_SEVERITY,
    SAFETY_CHECK_IN,
    SCREENING_FORM,
)
from bot.db import session_scope
from bot.safety.escalation import check_in_delay, record_escalation

logger = logging.getLogger(__name__)

CHECK_IN_INTENT = SAFETY_CHECK_IN
SAFETY_SLOTS = frozenset({CRISIS_CATEGORY, CRISIS_DETAIL, CRISIS_LANGUAGE, RISK_SEVERITY, REQUESTED_SLOT})


def latest_entities(tracker: Tracker) -> dict[str, str]:
    """The latest message's entities by name (the safety detector adds one of each)."""
    return {
        str(entity.get("entity")): str(entity.get("value"))
        for entity in tracker.latest_message.get("entities") or []
    }


# Actions that take a message as an answer: after them, the message's slots are answers, not danger text.
ANSWER_TAKERS = frozenset({SCREENING_FORM, CALLBACK_FORM, ACTION_SCREENING_RESULT})


def slots_filled_by_latest_message(tracker: Tracker) -> list[str]:
    """Slots the danger message itself filled (e.g. a form's from_text), other than the safety slots.

    Only what the slot extraction set right after the message counts. When a form or the screening
    result ran after it, the message was taken as an answer (an emergency screening answer): nothing
    is cleared, and the answer and the result stay.
    """
    events = list(tracker.events)
    start = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1) + 1
    names: list[str] = []
    extracting = True
    for event in events[start:]:
        if event.get("event") == "action":
            name = event.get("name")
            if name in ANSWER_TAKERS:
                return []
            extracting = extracting and name in ("action_extract_slots", "action_listen")
        elif extracting and event.get("event") == "slot" and event.get("value") is not None:
            if event.get("name") not in SAFETY_SLOTS:
                names.append(str(event.get("name")))
    return names


class ActionRecordEscalation(Action):
    """Stores the escalation for staff, notifies them, schedules a check-in; never fails the turn."""

    def name(self) -> str:
        """Return the action name the domain lists."""
        return ACTION_RECORD_ESCALATION

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Record the escalation in a thread, clear slots this message filled, schedule any check-in."""
        # The message text is deliberately not read: staff open the conversation in the console.
        entities = latest_entities(tracker)
        source = entities.get("safety_source") or ("context" if RISK_CUE in entities else None)
        try:
            result = await asyncio.to_thread(
                record_escalation,
                category=tracker.get_slot(CRISIS_CATEGORY),
                channel=tracker.get_latest_input_channel(),
                sender_id=tracker.sender_id,
                sessions=session_scope,
                severity=entities.get(RISK_SEVERITY) or tracker.get_slot(RISK_SEVERITY),
                source=source,
            )
            logger.info("escalation recorded: id=%s notified=%s", result.escalation_id, result.notified)
        except Exception as exc:
            logger.error("escalation not recorded (%s)", type(exc).__name__)
        events: list[EventType] = [SlotSet(name, None) for name in slots_filled_by_latest_message(tracker)]
        delay = check_in_delay()
        if delay > 0:
            events.append(
                ReminderScheduled(
                    CHECK_IN_INTENT,
                    trigger_date_time=datetime.now(timezone.utc) + timedelta(seconds=delay),
                    name="safety_check_in",
                    kill_on_user_message=True,
                )
            )
        return events
