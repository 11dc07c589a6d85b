"""Safety glue: record a crisis escalation after the crisis reply (logic in bot.safety.escalation)."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from bot.safety.escalation import record_escalation

logger = logging.getLogger(__name__)


class ActionRecordEscalation(Action):
    """Stores the escalation for the staff queue and notifies staff; never fails the turn."""

    def name(self) -> str:
        return "action_record_escalation"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # The message text is deliberately not read: staff open the conversation in the console.
        try:
            result = record_escalation(
                category=tracker.get_slot("crisis_category"),
                channel=tracker.get_latest_input_channel(),
                sender_id=tracker.sender_id,
            )
            logger.info("escalation recorded: id=%s notified=%s", result.escalation_id, result.notified)
        except Exception as exc:
            logger.error("escalation not recorded (%s)", type(exc).__name__)
        return []
