"""Callback request texts: the form's questions and what happens next (pure).

The intake team and its hours come from this deployment's `content/program.yml` (issue 3's file,
read through `bot.faq.load_program`; its schema is not ours to change).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from bot.config import content_path
from bot.contracts import (
    AFFIRM,
    CALLBACK_BEST_TIME,
    CALLBACK_CONSENT,
    CALLBACK_CONTACT,
    CALLBACK_NAME,
    DENY,
    payload,
)
from bot.referral.contact import CONSENT_PURPOSE, Contact, mask_contact
from bot.safety.net import helpline_text

PROGRAM_PATH = content_path("program.yml")

ASK = {
    CALLBACK_CONSENT: CONSENT_PURPOSE,
    CALLBACK_NAME: "What name should our intake staff ask for?",
    CALLBACK_CONTACT: ("What phone number (with area code) or email address should they use to reach you?"),
    CALLBACK_BEST_TIME: "When is a good time to reach you?",
}
BEST_TIME_CHOICES = ("Weekday mornings", "Weekday afternoons", "Weekday evenings", "Any time")
CONSENT_BUTTONS = (("Yes, store them", payload(AFFIRM)), ("No", payload(DENY)))
NO_CONSENT = (
    "Okay. I have not stored any contact details, and I've cleared what you told me for the callback. "
    "You can call our intake team yourself at {phone} ({intake_hours}), or ask me to connect you "
    "with a person."
)
CANCELLED = (
    "Okay, I've stopped the callback request. Nothing was stored. You can call our intake team "
    "at {phone} ({intake_hours}) whenever you're ready."
)
NOT_STORED = (
    "I'm sorry, I couldn't save your request just now, so nothing was stored. Please call our intake "
    "team at {phone} ({intake_hours}), or try again in a few minutes."
)
CONFIRMATION = (
    "Thank you, {name}. I've passed your request to the {program} intake team. They will contact you "
    "at {contact} (best time: {best_time}) during intake hours ({intake_hours}). "
    "They can answer questions about the program and set up an assessment, "
    "where a clinician decides with you which care fits.\n\n"
    "{meanwhile}"
)
"""`meanwhile` is content/crisis_resources.yml `helpline_texts.callback_meanwhile` (whom to call)."""


@lru_cache(maxsize=2)
def deployment_program(path: Path = PROGRAM_PATH) -> Mapping[str, str]:
    """This deployment's program facts (name, phone, intake hours), read once per process."""
    from bot.faq import load_program

    return load_program(path)


def confirmation_message(name: str, contact: Contact, best_time: str, program: Mapping[str, str]) -> str:
    """What happens next, showing the contact masked so a typo can be spotted."""
    return CONFIRMATION.format(
        name=name,
        program=program["program_name"],
        contact=mask_contact(contact),
        best_time=best_time,
        intake_hours=program["intake_hours"],
        meanwhile=helpline_text("callback_meanwhile"),
    )


def no_consent_message(program: Mapping[str, str]) -> str:
    """Nothing stored, and how to reach intake without giving details here."""
    return NO_CONSENT.format(phone=program["phone"], intake_hours=program["intake_hours"])


def cancelled_message(program: Mapping[str, str]) -> str:
    """The form was left before the end: nothing stored."""
    return CANCELLED.format(phone=program["phone"], intake_hours=program["intake_hours"])


def not_stored_message(program: Mapping[str, str]) -> str:
    """The database failed: say so, nothing kept."""
    return NOT_STORED.format(phone=program["phone"], intake_hours=program["intake_hours"])
