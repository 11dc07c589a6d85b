"""Screening form glue: read slots, call bot.screening, return events. No clinical logic here."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot.contracts import (
    ACTION_SCREENING_RESULT,
    SCREENING_CORRECTING,
    SCREENING_CORRECTION,
    SCREENING_DECLINED,
    SCREENING_ESCALATED,
    SCREENING_FLAGS,
    SCREENING_LEVEL,
)
from bot.db import session_scope
from bot.screening.engine import FIELDS, Value
from bot.screening.flow import answered_fields
from bot.screening.messages import (
    CRISIS_RESOURCES_RESPONSE,
    NOT_UNDERSTOOD,
    WHICH_ANSWER,
    correction_buttons,
)
from bot.screening.session import (
    answer,
    correct,
    declined_fields,
    finish,
    not_understood_message,
    questions_left,
    times_not_understood,
    valid_answers,
)
from bot.screening.store import Status, finish_screening, note_answer

logger = logging.getLogger(__name__)

DECLINED_SLOT = SCREENING_DECLINED
CORRECTING_SLOT = SCREENING_CORRECTING
CORRECTION_SLOT = SCREENING_CORRECTION
LEVEL_SLOT = SCREENING_LEVEL
ESCALATED_SLOT = SCREENING_ESCALATED  # true sends the crisis rule after the result
FLAGS_SLOT = SCREENING_FLAGS


def answers_from(tracker: Tracker) -> dict[str, Value]:
    """The valid answers in the slots (free text not yet parsed counts as unanswered)."""
    return valid_answers({name: tracker.get_slot(name) for name in FIELDS})


def declined_from(tracker: Tracker) -> list[str]:
    """The questions the person preferred not to answer."""
    return declined_fields(tracker.get_slot(DECLINED_SLOT))


def reset_events() -> list[EventType]:
    """Clear every answer so the next screening starts fresh and nothing lingers."""
    events: list[EventType] = [SlotSet(name, None) for name in FIELDS]
    events += [SlotSet(DECLINED_SLOT, None), SlotSet(CORRECTING_SLOT, None)]
    return events


def bot_turns(tracker: Tracker) -> list[tuple[str | None, str | None]]:
    """(text, response name) of the bot's messages, newest first."""
    return [
        (event.get("text"), (event.get("metadata") or {}).get("utter_action"))
        for event in reversed(tracker.events)
        if event.get("event") == "bot"
    ]


def store(tracker: Tracker, status: Status, **kwargs: Any) -> None:
    """Store the end of the screening; a database problem is logged (no personal data) and not fatal."""
    try:
        with session_scope() as session:
            finish_screening(session, tracker.sender_id, status, answers_from(tracker), **kwargs)
    except (SQLAlchemyError, ValueError) as exc:
        logger.warning("screening not stored (%s)", type(exc).__name__)


def keep_disclosure(tracker: Tracker, answers: dict[str, Value], declined: list[str], field: str) -> None:
    """Store what this answer discloses for staff (bot.screening.store.note_answer); never fatal."""
    try:
        with session_scope() as session:
            note_answer(session, tracker.sender_id, answers, declined, field)
    except (SQLAlchemyError, ValueError) as exc:
        logger.warning("screening answer not kept for staff (%s)", type(exc).__name__)


class ValidateScreeningForm(FormValidationAction):
    """Skip logic, free-text answers, "rather not say", escalation and corrections."""

    def name(self) -> str:
        """Return the action name the domain lists."""
        return "validate_screening_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """The questions left (none after an urgent answer); the correction slot first while correcting."""
        fields = questions_left(answers_from(tracker))
        if not fields:
            return []  # an urgent answer stops the form: action_screening_result escalates
        return [CORRECTION_SLOT, *fields] if tracker.get_slot(CORRECTING_SLOT) else fields

    def __getattr__(self, name: str) -> Any:
        """Route `validate_<field>` for every screening field to validate_field."""
        field = name.removeprefix("validate_")
        if name.startswith("validate_") and field in FIELDS:
            return partial(self.validate_field, field)
        raise AttributeError(name)

    def validate_field(
        self,
        field: str,
        raw: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """One answer (bot.screening.session.answer), kept for staff as given when it discloses risk.

        Past-month suicidal thoughts are acknowledged at once with the crisis resources, and the
        questions go on.
        """
        typed = tracker.latest_message.get("text")
        taken = answer(field, raw, answers_from(tracker), declined_from(tracker), typed)
        if not taken.understood:
            dispatcher.utter_message(
                text=not_understood_message(times_not_understood(bot_turns(tracker), field))
            )
            return {field: None}
        declined = list(taken.declined)
        keep_disclosure(tracker, taken.answers, declined, field)
        if taken.acknowledgement:
            dispatcher.utter_message(text=taken.acknowledgement)
            dispatcher.utter_message(response=CRISIS_RESOURCES_RESPONSE)
        slots: dict[str, Any] = {field: taken.value, DECLINED_SLOT: declined or None}
        slots.update(taken.updates)  # the answer, and the follow-ups a no to suicidal thoughts clears
        return slots

    def validate_screening_correction(
        self,
        raw: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> dict[str, Any]:
        """Which answer to change: clear it (and answers that depend on it) to ask again."""
        correction = correct(raw, answers_from(tracker), declined_from(tracker))
        if not correction.understood:
            dispatcher.utter_message(text=NOT_UNDERSTOOD)
            return {CORRECTION_SLOT: None}
        if not correction.cleared:
            return {CORRECTION_SLOT: None, CORRECTING_SLOT: False}
        return {
            **dict.fromkeys(correction.cleared),
            CORRECTION_SLOT: None,
            CORRECTING_SLOT: False,
            DECLINED_SLOT: list(correction.declined) or None,
        }


class ActionAskScreeningCorrection(Action):
    """Ask which answer to change, with a button per answered question."""

    def name(self) -> str:
        """Return the action name the domain lists."""
        return "action_ask_screening_correction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Ask which answer to change, one button per answered question."""
        answered = answered_fields(answers_from(tracker))
        buttons = [{"title": t, "payload": p} for t, p in correction_buttons(answered)]
        dispatcher.utter_message(text=WHICH_ANSWER, buttons=buttons)
        return []


class ActionScreeningChangeAnswer(Action):
    """Handle "change my answer" during the screening: the form asks which one next."""

    def name(self) -> str:
        """Return the action name the domain lists."""
        return "action_screening_change_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Set the correcting slot so the form asks which answer to change."""
        return [SlotSet(CORRECTING_SLOT, True)]


class ActionScreeningResult(Action):
    """Run the engine on the answers, show the result (or escalate), store it, clear answers."""

    def name(self) -> str:
        """Return the action name the domain lists."""
        return ACTION_SCREENING_RESULT

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Finish into an outcome, store it, set the result slots, show its message (none when escalating)."""
        declined = declined_from(tracker)
        outcome = finish(answers_from(tracker), declined)
        if outcome.ending == "abandoned":
            logger.warning("screening incomplete (%s)", outcome.missing)
        if outcome.result is not None:
            store(tracker, outcome.ending, declined=declined, result=outcome.result)
        else:
            store(tracker, outcome.ending, declined=declined)
        # data/rules/screening.yml turns an emergency level into the crisis response.
        events = reset_events()
        if outcome.level is not None:
            events.append(SlotSet(LEVEL_SLOT, outcome.level))
        if outcome.result is not None:
            events.append(SlotSet(FLAGS_SLOT, list(outcome.result.flags)))
        events.append(SlotSet(ESCALATED_SLOT, outcome.escalated))
        if outcome.message is not None:
            buttons = [{"title": t, "payload": p} for t, p in outcome.buttons]
            dispatcher.utter_message(text=outcome.message, buttons=buttons)
        return events


class ActionScreeningStopped(Action):
    """The person stopped the screening: store it as abandoned and clear the answers."""

    def name(self) -> str:
        """Return the action name the domain lists."""
        return "action_screening_stopped"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Store the screening as abandoned and reset the screening slots."""
        # Stored when answered or already stored for staff (an answer cleared to change it still counts).
        store(tracker, "abandoned", declined=declined_from(tracker))
        return reset_events()
