"""Referral glue: find programs, the callback form, human handoff. Logic lives in bot.referral."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from bot.db import session_scope
from bot.referral.callback import (
    ASK,
    BEST_TIME_CHOICES,
    CONSENT_BUTTONS,
    cancelled_message,
    confirmation_message,
    deployment_program,
    no_consent_message,
    not_stored_message,
)
from bot.referral.contact import (
    CONSENT_PURPOSE,
    ContactError,
    parse_consent,
    validate_best_time,
    validate_contact,
    validate_name,
)
from bot.referral.handoff import plan_handoff
from bot.referral.hours import StaffHoursError, staff_hours_from_env
from bot.referral.matching import (
    MatchStatus,
    Preferences,
    format_result,
    match_programs,
    needs_location,
    noted_message,
)
from bot.referral.programs import cached_programs
from bot.referral.store import open_handoff_request, save_callback_request
from bot.referral.vocab import FORMATS, INSURANCE, LEVELS, POPULATIONS, SCHEDULE_SLOTS, SELF_PAY, SPECIALTIES

logger = logging.getLogger(__name__)

FORM_SLOTS = ("callback_consent", "callback_name", "callback_contact", "callback_best_time")
CONTACT_KIND_SLOT = "callback_contact_kind"
NEXT_STEP_BUTTONS = [
    {"title": "Request a callback", "payload": "/request_callback"},
    {"title": "Talk to a person", "payload": "/human_handoff"},
]
_VOCAB = {
    "schedule_slot": SCHEDULE_SLOTS,
    "care_format": FORMATS,
    "insurance": {**INSURANCE, SELF_PAY: ""},
    "population": POPULATIONS,
    "specialty": SPECIALTIES,
    "care_level": LEVELS,
}


def _known(tracker: Tracker, slot: str) -> str | None:
    """A slot value that is in its vocabulary, else None (free text from other extractors)."""
    value = tracker.get_slot(slot)
    return value if isinstance(value, str) and value in _VOCAB[slot] else None


def _miles(value: Any) -> float | None:
    try:
        miles = float(value)
    except (TypeError, ValueError):
        return None
    return miles if 0 < miles <= 500 else None


def preferences_from(tracker: Tracker) -> Preferences:
    """The search: the screening's level first, else the level the person asked for, else IOP."""
    zip_code = tracker.get_slot("zip_code")
    return Preferences(
        level=tracker.get_slot("screening_level") or _known(tracker, "care_level") or "iop",
        schedule=_known(tracker, "schedule_slot"),
        care_format=_known(tracker, "care_format")
        or ("virtual" if "virtual_only" in (tracker.get_slot("screening_flags") or []) else None),
        insurance=_known(tracker, "insurance"),
        zip_code=zip_code if isinstance(zip_code, str) else None,
        max_miles=_miles(tracker.get_slot("max_distance")),
        population=_known(tracker, "population"),
        specialty=_known(tracker, "specialty"),
    )


class ActionFindPrograms(Action):
    """Up to three programs that fit, with reasons; or why none fit and where else to look."""

    def name(self) -> str:
        return "action_find_programs"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        prefs = preferences_from(tracker)
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent != "find_program" and needs_location(prefs):
            # a preference given in passing ("I have Medicaid"): keep it and ask where, no list yet
            dispatcher.utter_message(text=noted_message(prefs))
            return []
        try:
            result = match_programs(cached_programs(), prefs)
        except ValueError as exc:  # an unexpected level name from another part
            logger.warning("program search failed: %s", exc)
            result = match_programs(cached_programs(), Preferences(level="iop", zip_code=prefs.zip_code))
        dispatcher.utter_message(
            text=format_result(result, zip_known=prefs.zip_code is not None),
            buttons=NEXT_STEP_BUTTONS if result.status is not MatchStatus.CRISIS else [],
        )
        if result.status is MatchStatus.UNKNOWN_ZIP:
            return [SlotSet("zip_code", None)]
        return []


def _ask(slot: str) -> type[Action]:
    """An `action_ask_<slot>` action (texts live in bot.referral.callback)."""

    class AskAction(Action):
        def name(self) -> str:
            return f"action_ask_{slot}"

        async def run(
            self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
        ) -> list[EventType]:
            if slot == "callback_consent":
                buttons = [{"title": t, "payload": p} for t, p in CONSENT_BUTTONS]
            elif slot == "callback_best_time":
                buttons = [{"title": t, "payload": t} for t in BEST_TIME_CHOICES]
            else:
                buttons = []
            # utter_action names the question in the tracker, as a domain response's name would
            dispatcher.utter_message(text=ASK[slot], buttons=buttons, utter_action=self.name())
            return []

    AskAction.__name__ = AskAction.__qualname__ = f"ActionAsk_{slot}"
    return AskAction


ActionAskCallbackConsent = _ask("callback_consent")
ActionAskCallbackName = _ask("callback_name")
ActionAskCallbackContact = _ask("callback_contact")
ActionAskCallbackBestTime = _ask("callback_best_time")


class ValidateCallbackForm(FormValidationAction):
    """Consent first (nothing is collected without it), then name, contact and best time."""

    def name(self) -> str:
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> list[str]:
        if tracker.get_slot("callback_consent") is False:
            return ["callback_consent"]
        return list(FORM_SLOTS)

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        consent = value if isinstance(value, bool) else parse_consent(str(value or ""))
        if consent is None:
            dispatcher.utter_message(text="Please answer yes or no.")
        return {"callback_consent": consent}

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return _validated("callback_name", value, validate_name, dispatcher)

    def validate_callback_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        try:
            contact = validate_contact(str(value or ""))
        except ContactError as exc:
            dispatcher.utter_message(text=str(exc))
            return {"callback_contact": None}
        return {"callback_contact": contact.value, CONTACT_KIND_SLOT: contact.kind}

    def validate_callback_best_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> dict[str, Any]:
        return _validated("callback_best_time", value, validate_best_time, dispatcher)


def _validated(slot: str, value: Any, check: Any, dispatcher: CollectingDispatcher) -> dict[str, Any]:
    try:
        return {slot: check(str(value or ""))}
    except ContactError as exc:
        dispatcher.utter_message(text=str(exc))
        return {slot: None}


def clear_callback_slots() -> list[EventType]:
    """Forget the form's values once they are stored (or refused)."""
    return [SlotSet(slot, None) for slot in (*FORM_SLOTS, CONTACT_KIND_SLOT)]


class ActionSubmitCallback(Action):
    """Store the request only with consent; confirm what happens next; clear the slots either way."""

    def name(self) -> str:
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        program = deployment_program()
        values = {slot: tracker.get_slot(slot) for slot in (*FORM_SLOTS, CONTACT_KIND_SLOT)}
        if values["callback_consent"] is not True:
            dispatcher.utter_message(text=no_consent_message(program), buttons=NEXT_STEP_BUTTONS[1:])
            return clear_callback_slots()
        if not all(values[slot] for slot in FORM_SLOTS[1:]):  # stopped before the end
            dispatcher.utter_message(text=cancelled_message(program))
            return clear_callback_slots()
        try:
            name = validate_name(values["callback_name"] or "")
            contact = validate_contact(values["callback_contact"] or "")
            best_time = validate_best_time(values["callback_best_time"] or "")
            with session_scope() as session:
                save_callback_request(
                    session,
                    conversation_id=tracker.sender_id,
                    name=name,
                    contact_kind=contact.kind,
                    contact=contact.value,
                    best_time=best_time,
                    consent_text=CONSENT_PURPOSE,
                )
        except (ContactError, SQLAlchemyError) as exc:
            logger.warning("callback request not stored (%s)", type(exc).__name__)
            dispatcher.utter_message(text=not_stored_message(program))
            return clear_callback_slots()
        dispatcher.utter_message(text=confirmation_message(name, contact, best_time, program))
        return clear_callback_slots()


class ActionHandoff(Action):
    """In staff hours: queue the conversation and pause the bot; otherwise say when and offer help."""

    def name(self) -> str:
        return "action_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        now = datetime.now(timezone.utc)
        try:
            plan = plan_handoff(staff_hours_from_env(), now)
        except StaffHoursError as exc:
            logger.error("staff hours misconfigured: %s", exc)
            plan = plan_handoff(staff_hours_from_env({"STAFF_HOURS": "never"}), now)
        if plan.staff_available:
            try:
                with session_scope() as session:
                    open_handoff_request(
                        session, tracker.sender_id, tracker.get_latest_input_channel() or "unknown"
                    )
            except SQLAlchemyError as exc:
                logger.warning("handoff not queued (%s)", type(exc).__name__)
                plan = plan_handoff(staff_hours_from_env({"STAFF_HOURS": "never"}), now)
            else:
                dispatcher.utter_message(text=plan.message)
                return [ConversationPaused()]
        dispatcher.utter_message(
            text=plan.message, buttons=[{"title": "Request a callback", "payload": "/request_callback"}]
        )
        return []
