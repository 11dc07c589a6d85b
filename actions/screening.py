"""Screening form glue: read slots, call bot.screening, return events. No clinical logic here."""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.db import session_scope
from bot.screening.answers import PREFER_NOT_SAY, coerce, parse_answer
from bot.screening.disclosure import acknowledges_thoughts
from bot.screening.engine import FIELDS, FOLLOW_UP_FIELDS, ScreeningInputError, Value, screen
from bot.screening.flow import (
    answered_fields,
    complete_answers,
    declined_value,
    dependents,
    is_urgent,
    required_fields,
)
from bot.screening.messages import (
    CRISIS_RESOURCES_RESPONSE,
    NOT_UNDERSTOOD,
    THOUGHTS_ACK,
    THOUGHTS_DECLINED_ACK,
    WHICH_ANSWER,
    correction_buttons,
    result_buttons,
    result_message,
)
from bot.screening.store import Status, finish_screening, note_answer

logger = logging.getLogger(__name__)

DECLINED_SLOT = "screening_declined"
CORRECTING_SLOT = "screening_correcting"
CORRECTION_SLOT = "screening_correction"
LEVEL_SLOT = "screening_level"
ESCALATED_SLOT = "screening_escalated"  # true sends the crisis rule after the result
FLAGS_SLOT = "screening_flags"
PREFER_NOT_SAY_VALUE = "prefer_not_say"  # the from_intent value of the prefer_not_say intent


def answers_from(tracker: Tracker) -> dict[str, Value]:
    """The valid answers in the slots (free text not yet parsed counts as unanswered)."""
    answers: dict[str, Value] = {}
    for name in FIELDS:
        value = coerce(name, tracker.get_slot(name))
        if value is not None:
            answers[name] = value
    return answers


def declined_from(tracker: Tracker) -> list[str]:
    """The questions the person preferred not to answer."""
    return [f for f in tracker.get_slot(DECLINED_SLOT) or [] if f in FIELDS]


def reset_events() -> list[EventType]:
    """Clear every answer so the next screening starts fresh and nothing lingers."""
    events: list[EventType] = [SlotSet(name, None) for name in FIELDS]
    events += [SlotSet(DECLINED_SLOT, None), SlotSet(CORRECTING_SLOT, None)]
    return events


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
        return "validate_screening_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        answers = answers_from(tracker)
        if any(is_urgent(name, value) for name, value in answers.items()):
            return []  # stop now: action_screening_result escalates
        fields = required_fields(answers)
        return [CORRECTION_SLOT, *fields] if tracker.get_slot(CORRECTING_SLOT) else fields

    def __getattr__(self, name: str) -> Any:
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
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        """One answer: a button value, a yes/no intent, "rather not say" or free text.

        Kept for staff as it is given when it discloses risk; past-month suicidal thoughts are
        acknowledged at once with the crisis resources, and the questions go on.
        """
        declined = [f for f in declined_from(tracker) if f != field]
        value = coerce(field, raw)
        if value is None and isinstance(raw, str):
            parsed = PREFER_NOT_SAY if raw == PREFER_NOT_SAY_VALUE else parse_answer(field, raw)
            if parsed is PREFER_NOT_SAY:
                value = declined_value(field)
                declined.append(field)
            elif parsed is not None:
                value = parsed
        if value is None:
            dispatcher.utter_message(text=NOT_UNDERSTOOD)
            return {field: None}
        slots: dict[str, Any] = {field: value, DECLINED_SLOT: declined or None}
        if field == "suicidal_thoughts" and value is False:
            slots.update(dict.fromkeys(FOLLOW_UP_FIELDS))
        before = {name: v for name, v in answers_from(tracker).items() if name != field}
        now = {**before, **{name: v for name, v in slots.items() if name in FIELDS}}
        keep_disclosure(tracker, now, declined, field)
        if acknowledges_thoughts(before, field, value):
            dispatcher.utter_message(text=THOUGHTS_DECLINED_ACK if field in declined else THOUGHTS_ACK)
            dispatcher.utter_message(response=CRISIS_RESOURCES_RESPONSE)
        return slots

    def validate_screening_correction(
        self,
        raw: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        """Which answer to change: clear it (and answers that depend on it) to ask again."""
        answered = answered_fields(answers_from(tracker))
        if raw == "none":
            return {CORRECTION_SLOT: None, CORRECTING_SLOT: False}
        if raw not in answered:
            dispatcher.utter_message(text=NOT_UNDERSTOOD)
            return {CORRECTION_SLOT: None}
        cleared = (raw, *dependents(raw))
        declined = [f for f in declined_from(tracker) if f not in cleared]
        return {
            **dict.fromkeys(cleared),
            CORRECTION_SLOT: None,
            CORRECTING_SLOT: False,
            DECLINED_SLOT: declined or None,
        }


class ActionAskScreeningCorrection(Action):
    """Ask which answer to change, with a button per answered question."""

    def name(self) -> str:
        return "action_ask_screening_correction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answered = answered_fields(answers_from(tracker))
        buttons = [{"title": t, "payload": p} for t, p in correction_buttons(answered)]
        dispatcher.utter_message(text=WHICH_ANSWER, buttons=buttons)
        return []


class ActionScreeningChangeAnswer(Action):
    """ "Change my answer" during the screening: the form asks which one next."""

    def name(self) -> str:
        return "action_screening_change_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return [SlotSet(CORRECTING_SLOT, True)]


class ActionScreeningResult(Action):
    """Run the engine on the answers, show the result (or escalate), store it, clear answers."""

    def name(self) -> str:
        return "action_screening_result"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        answers = answers_from(tracker)
        declined = declined_from(tracker)
        if any(is_urgent(name, value) for name, value in answers.items()):
            store(tracker, "escalated", declined=declined)
            # data/rules/screening.yml turns an emergency level into the crisis response.
            return [*reset_events(), SlotSet(LEVEL_SLOT, "emergency"), SlotSet(ESCALATED_SLOT, True)]
        try:
            result = screen(complete_answers(answers))
        except ScreeningInputError as exc:
            logger.warning("screening incomplete (%s)", exc.field)
            dispatcher.utter_message(text=NOT_UNDERSTOOD)
            store(tracker, "abandoned", declined=declined)
            return [*reset_events(), SlotSet(ESCALATED_SLOT, False)]
        store(tracker, "completed", declined=declined, result=result)
        events = [
            *reset_events(),
            SlotSet(LEVEL_SLOT, result.level),
            SlotSet(FLAGS_SLOT, list(result.flags)),
        ]
        if result.level == "emergency":
            return [*events, SlotSet(ESCALATED_SLOT, True)]
        events.append(SlotSet(ESCALATED_SLOT, False))
        buttons = [{"title": t, "payload": p} for t, p in result_buttons(result)]
        dispatcher.utter_message(
            text=result_message(result, complete_answers(answers), declined), buttons=buttons
        )
        return events


class ActionScreeningStopped(Action):
    """The person stopped the screening: store it as abandoned and clear the answers."""

    def name(self) -> str:
        return "action_screening_stopped"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        # Stored when answered or already stored for staff (an answer cleared to change it still counts).
        store(tracker, "abandoned", declined=declined_from(tracker))
        return reset_events()
