"""Validate what a person gives for a callback: name, phone or email, best time, consent (pure).

Errors are `ContactError` with a message that can be shown as is. Values are never logged.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Final, Literal

import phonenumbers

DEFAULT_REGION: Final = "US"
MAX_NAME_CHARS: Final = 100
MAX_BEST_TIME_CHARS: Final = 100
MAX_INPUT_CHARS: Final = 500

# The exact purpose shown on the consent question and stored with each request.
CONSENT_PURPOSE: Final = (
    "May I store your name, your contact details and the best time to reach you, so that our "
    "intake staff can contact you about starting care? They are used only for this callback."
)

_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@"
    r"(?=.{4,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
# "it's Dana", "my name is Dana", "I'm Dana", "this is Dana", "call me Dana": the name is what follows.
_NAME_INTRO_RE: Final = re.compile(
    r"^(?:(?:hi|hey|hello)[,! ]+)?(?:it'?s|its|my name is|my name's|name is|i'?m|i am|this is|call me)\s+",
    re.IGNORECASE,
)
# An address or a number inside a sentence: "can u email me instead? dana@example.org".
_EMAIL_IN_TEXT_RE: Final = re.compile(r"[^\s<>()\[\],;:\"]+@[^\s<>()\[\],;:\"?!]+[A-Za-z]")
_PHONE_IN_TEXT_RE: Final = re.compile(r"\+?\(?\d[\d\s().-]{5,}\d")
_NAME_RE = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ '’.\-])*$")
_AFFIRM: Final = frozenset({"yes", "y", "yeah", "yep", "sure", "ok", "okay", "i agree", "agree", "/affirm"})
_DENY: Final = frozenset({"no", "n", "nope", "no thanks", "no thank you", "i don't agree", "/deny"})


class ContactError(ValueError):
    """The value cannot be used; the message tells the person what to send instead."""


@dataclass(frozen=True)
class Contact:
    """A validated way to reach someone: an E.164 phone number or a normalized email."""

    kind: Literal["phone", "email"]
    value: str


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")  # controls, zero-width
    return " ".join(text.split())


def validate_name(text: str) -> str:
    """A first name or full name: letters, spaces, apostrophes, hyphens and dots."""
    name = _NAME_INTRO_RE.sub("", _clean(text[:MAX_INPUT_CHARS])).strip()
    if not name:
        raise ContactError("Please tell me a name we can ask for when we call.")
    if len(name) > MAX_NAME_CHARS:
        raise ContactError(f"That name is too long; please keep it under {MAX_NAME_CHARS} characters.")
    if not _NAME_RE.match(name):
        raise ContactError("Please send just a name, with letters only (no numbers or symbols).")
    return name


def validate_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """A valid phone number in E.164 ('+12025550142'); US numbers need no country code."""
    raw = _clean(text[:MAX_INPUT_CHARS])
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ContactError(
            "That doesn't look like a complete phone number. Please include the area code, "
            "for example 202-555-0142."
        )
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_email(text: str) -> str:
    """A plausible email address; the domain is lower-cased."""
    raw = _clean(text[:MAX_INPUT_CHARS]).strip("<>").removeprefix("mailto:")
    if ".." in raw or not _EMAIL_RE.match(raw):
        raise ContactError("That doesn't look like an email address. Please check it, like name@example.org.")
    local, domain = raw.rsplit("@", 1)
    if local.startswith(".") or local.endswith("."):
        raise ContactError("That doesn't look like an email address. Please check it, like name@example.org.")
    return f"{local}@{domain.lower()}"


def validate_contact(text: str, region: str = DEFAULT_REGION) -> Contact:
    """A phone number or an email address, whichever the text is or holds ("text me at 202-555-0142")."""
    raw = _clean(text[:MAX_INPUT_CHARS])
    if not raw:
        raise ContactError("Please send a phone number or an email address where we can reach you.")
    if "@" in raw:
        email = _EMAIL_IN_TEXT_RE.search(raw)
        return Contact("email", validate_email(email.group(0) if email else raw))
    if sum(ch.isdigit() for ch in raw) >= 7:
        phone = _PHONE_IN_TEXT_RE.search(raw)
        return Contact("phone", validate_phone(phone.group(0) if phone else raw, region))
    raise ContactError("Please send a phone number with area code (like 202-555-0142) or an email address.")


_CONTACT_LEAD_RE: Final = re.compile(
    r"[\s,;:.\-]*(?:(?:and|&)\s+)?(?:(?:my|the)\s+)?(?:(?:cell|cell phone|phone|mobile|number|phone number"
    r"|cell number|email|e-mail|email address)(?:\s+(?:is|number))?|(?:you can )?(?:reach|call|text|email) me"
    r"(?:\s+at)?|at)?[\s,;:.\-]*$",
    re.IGNORECASE,
)
"""What joins a name to the contact that follows it ("Linh Tran, cell is 714-555-0138")."""


def split_name_and_contact(text: str, region: str = DEFAULT_REGION) -> tuple[str, Contact] | None:
    """A name and a phone number or email given together ("Linh Tran, cell is 714-555-0138"), else None.

    Both must be valid: the name before the contact, the contact as `validate_contact` reads it.
    """
    raw = _clean(text[:MAX_INPUT_CHARS])
    found = _EMAIL_IN_TEXT_RE.search(raw) if "@" in raw else _PHONE_IN_TEXT_RE.search(raw)
    if found is None or found.start() == 0:
        return None
    try:
        contact = validate_contact(found.group(0), region)
        name = validate_name(_CONTACT_LEAD_RE.sub("", raw[: found.start()]))
    except ContactError:
        return None
    return name, contact


def validate_best_time(text: str) -> str:
    """When to call, in the person's words ('weekday mornings')."""
    best = _clean(text[:MAX_INPUT_CHARS])
    if not best or not any(ch.isalnum() for ch in best):
        raise ContactError("When is a good time to reach you? For example 'weekday mornings'.")
    if len(best) > MAX_BEST_TIME_CHARS:
        raise ContactError(f"Please keep the best time short (under {MAX_BEST_TIME_CHARS} characters).")
    return best


_CONSENT_NO_RE: Final = re.compile(
    r"^(?:no|nope|nah|n)\b|\b(?:don'?t|do not|dont|rather not|prefer not|not comfortable|no way|"
    r"please don'?t|i'?d rather you didn'?t|rather you not|rather you didn'?t)\b|\bnot ok(?:ay)?\b"
    r"|\b(?:not|never) (?:save|store|keep|record)\b"
)
_CONSENT_UNSURE_RE: Final = re.compile(
    r"\b(?:don'?t|do not|dont) know\b|\bnot sure\b|\bunsure\b|\bmaybe\b|\?"
)
_CONSENT_YES_RE: Final = re.compile(
    # a lead word first ("Very well. Yes, you may keep them")
    r"^(?:(?:very well|well|alright|all right|ok|okay|right|hmm+|um+)\s+)*"
    r"(?:yes|yeah|yep|yup|ya|sure|ok|okay|fine|of course|go ahead|that'?s fine|sounds good|please do|"
    r"i agree|i consent|you can|you may|s[ií]|claro|dale|de acuerdo|est[aá] bien|vale|por supuesto"
    r"|oui|tak)\b"  # French and Polish yes ("tak, ok")
)


def parse_consent(text: str) -> bool | None:
    """True for a clear yes, False for a clear no, None when unclear (ask again).

    Typed answers count as buttons do: "no, don't store it" is a no, "yes that's fine" a yes; an answer
    that says both ("yes but don't keep my number") is unclear and the question is asked again.
    """
    answer = _clean(text).lower().replace("\u2019", "'").rstrip(".!")
    if answer in _AFFIRM:
        return True
    if answer in _DENY:
        return False
    if _CONSENT_UNSURE_RE.search(answer):
        return None
    words = " ".join(re.sub(r"[^\w'/]+", " ", answer).split())
    no = bool(_CONSENT_NO_RE.search(words) or re.search(r"\b(?:no|nope|nah)\b", words))
    yes = bool(_CONSENT_YES_RE.search(words))
    if no == yes:
        return None  # neither, or both ("yes but don't keep my number"): ask again
    return yes


def mask_contact(contact: Contact) -> str:
    """A confirmation that shows enough to spot a typo but not the whole value."""
    if contact.kind == "phone":
        return f"a phone number ending in {contact.value[-4:]}"
    local, domain = contact.value.split("@", 1)
    return f"{local[0]}***@{domain}"
