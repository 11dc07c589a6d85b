"""Referral glue: find programs, the callback form, human handoff. Logic lives in bot.referral."""

from __future__ import annotations

import logging
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.exc import SQLAlchemyError

from bot.contracts import (
    ACTION_HANDOFF,
    CALLBACK_BEST_TIME,
    CALLBACK_CONSENT,
    CALLBACK_CONTACT,
    CALLBACK_CONTACT_KIND,
    CALLBACK_NAME,
    CARE_FORMAT,
    CARE_LEVEL,
    INSURANCE,
    MAX_DISTANCE,
    POPULATION,
    SCHEDULE_SLOT,
    SCREENING_FLAGS,
    SCREENING_LEVEL,
    SPECIALTY,
    ZIP_CODE,
)
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
    split_name_and_contact,
    validate_best_time,
    validate_contact,
    validate_name,
)
from bot.referral.handoff import handoff_plan, unavailable_plan
from bot.referral.matching import Preferences
from bot.referral.programs import cached_programs
from bot.referral.search import CALLBACK_BUTTON, PERSON_BUTTON, find_programs, search_preferences
from bot.referral.store import open_handoff_request, save_callback_request

logger = logging.getLogger(__name__)

FORM_SLOTS = (CALLBACK_CONSENT, CALLBACK_NAME, CALLBACK_CONTACT, CALLBACK_BEST_TIME)
CONTACT_KIND_SLOT = CALLBACK_CONTACT_KIND
PREFERENCE_SLOTS = (
    SCREENING_LEVEL,
    SCREENING_FLAGS,
    CARE_LEVEL,
    SCHEDULE_SLOT,
    CARE_FORMAT,
    INSURANCE,
    ZIP_CODE,
    MAX_DISTANCE,
    POPULATION,
    SPECIALTY,
)


def _buttons(buttons: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"title": title, "payload": payload} for title, payload in buttons]


def preferences_from(tracker: Tracker) -> Preferences:
    """The search (bot.referral.search.search_preferences) from the conversation's slots."""
    return search_preferences({slot: tracker.get_slot(slot) for slot in PREFERENCE_SLOTS})


class ActionFindPrograms(Action):
    """Up to three programs that fit, with reasons; or why none fit and where else to look."""

    def name(self) -> str:
        """Return the action name the domain lists."""
        return "action_find_programs"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Search with the slots' preferences; a preference given in passing gets a question, not a list."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        reply = find_programs(cached_programs(), preferences_from(tracker), intent)
        if not reply.searched:
            # a preference given in passing ("I have Medicaid"): keep it and ask where, no list yet
            dispatcher.utter_message(text=reply.text)
            return []
        dispatcher.utter_message(text=reply.text, buttons=_buttons(reply.buttons))
        return [SlotSet(ZIP_CODE, None)] if reply.forget_zip else []


def _ask(slot: str) -> type[Action]:
    """An `action_ask_<slot>` action (texts live in bot.referral.callback)."""

    class AskAction(Action):
        def name(self) -> str:
            return f"action_ask_{slot}"

        async def run(
            self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
        ) -> list[EventType]:
            if slot == CALLBACK_CONSENT:
                buttons = [{"title": t, "payload": p} for t, p in CONSENT_BUTTONS]
            elif slot == CALLBACK_BEST_TIME:
                buttons = [{"title": t, "payload": t} for t in BEST_TIME_CHOICES]
            else:
                buttons = []
            # utter_action names the question in the tracker, as a domain response's name would
            dispatcher.utter_message(text=ASK[slot], buttons=buttons, utter_action=self.name())
            return []

    AskAction.__name__ = AskAction.__qualname__ = f"ActionAsk_{slot}"
    return AskAction


ActionAskCallbackConsent = _ask(CALLBACK_CONSENT)
ActionAskCallbackName = _ask(CALLBACK_NAME)
ActionAskCallbackContact = _ask(CALLBACK_CONTACT)
ActionAskCallbackBestTime = _ask(CALLBACK_BEST_TIME)


class ValidateCallbackForm(FormValidationAction):
    """Consent first (nothing is collected without it), then name, contact and best time."""

    def name(self) -> str:
        """Return the action name the domain lists."""
        return "validate_callback_form"

    async def required_slots(
        self,
        domain_slots: list[str],
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
    ) -> list[str]:
        """Ask only for consent once it was refused; otherwise ask every form slot in order."""
        if tracker.get_slot(CALLBACK_CONSENT) is False:
            return [CALLBACK_CONSENT]
        return list(FORM_SLOTS)

    def validate_callback_consent(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Read yes/no (a button's bool or free text); unclear answers are asked again."""
        consent = value if isinstance(value, bool) else parse_consent(str(value or ""))
        if consent is None:
            dispatcher.utter_message(text="Please answer yes or no.")
        return {CALLBACK_CONSENT: consent}

    def validate_callback_name(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep a valid name (and a contact given with it), or say what is wrong with it and ask again."""
        together = split_name_and_contact(str(value or ""))
        if together is not None:
            name, contact = together
            return {CALLBACK_NAME: name, CALLBACK_CONTACT: contact.value, CONTACT_KIND_SLOT: contact.kind}
        return _validated(CALLBACK_NAME, value, validate_name, dispatcher)

    def validate_callback_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep a valid phone number or email and its kind, or say what is wrong and ask again."""
        try:
            contact = validate_contact(str(value or ""))
        except ContactError as exc:
            dispatcher.utter_message(text=str(exc))
            return {CALLBACK_CONTACT: None}
        return {CALLBACK_CONTACT: contact.value, CONTACT_KIND_SLOT: contact.kind}

    def validate_callback_best_time(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        """Keep a valid best time to call, or say what is wrong with it and ask again."""
        return _validated(CALLBACK_BEST_TIME, value, validate_best_time, dispatcher)


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
        """Return the action name the domain lists."""
        return "action_submit_callback"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Store a consented, complete request (values checked again); confirm or explain; clear the slots."""
        program = deployment_program()
        values = {slot: tracker.get_slot(slot) for slot in (*FORM_SLOTS, CONTACT_KIND_SLOT)}
        if values[CALLBACK_CONSENT] is not True:
            dispatcher.utter_message(text=no_consent_message(program), buttons=_buttons((PERSON_BUTTON,)))
            return clear_callback_slots()
        if not all(values[slot] for slot in FORM_SLOTS[1:]):  # stopped before the end
            dispatcher.utter_message(text=cancelled_message(program))
            return clear_callback_slots()
        try:
            name = validate_name(values[CALLBACK_NAME] or "")
            contact = validate_contact(values[CALLBACK_CONTACT] or "")
            best_time = validate_best_time(values[CALLBACK_BEST_TIME] or "")
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
        """Return the action name the domain lists."""
        return ACTION_HANDOFF

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        """Queue a hand-off and pause the conversation, or offer a callback when no one can take it."""
        now = datetime.now(timezone.utc)
        plan = handoff_plan(now)
        if plan.staff_available:
            try:
                with session_scope() as session:
                    open_handoff_request(
                        session, tracker.sender_id, tracker.get_latest_input_channel() or "unknown"
                    )
            except SQLAlchemyError as exc:
                logger.warning("handoff not queued (%s)", type(exc).__name__)
                plan = unavailable_plan(now)
            else:
                dispatcher.utter_message(text=plan.message)
                return [ConversationPaused()]
        dispatcher.utter_message(text=plan.message, buttons=_buttons((CALLBACK_BUTTON,)))
        return []
