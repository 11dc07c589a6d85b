"""Is a typed message the answer to the question a form just asked? Pure; no Rasa imports.

The NLU judges a message alone, so inside a form an answer that mentions work, therapy or money
("a lot, I missed work twice", "no, don't store it") can look like an FAQ question or a new request.
The form's own parsers know better: when they read the text as an answer to the open question, the
assistant takes it as that answer (components/form_answer.py).
"""

from __future__ import annotations

import re
from typing import Callable, Final

from bot.contracts import CALLBACK_BEST_TIME as BEST_TIME_SLOT
from bot.contracts import CALLBACK_CONSENT as CONSENT_SLOT
from bot.contracts import CALLBACK_CONTACT as CONTACT_SLOT
from bot.contracts import CALLBACK_FORM, FORMS, SCREENING_FORM
from bot.contracts import CALLBACK_NAME as NAME_SLOT
from bot.dialogue import QUESTION_START
from bot.referral.contact import ContactError, parse_consent, validate_contact, validate_name
from bot.screening.answers import parse_answer
from bot.screening.engine import FIELDS

__all__ = [
    "BEST_TIME_SLOT",
    "CALLBACK_FORM",
    "CONSENT_SLOT",
    "CONTACT_SLOT",
    "FORMS",
    "NAME_SLOT",
    "SCREENING_FORM",
    "answers_open_question",
    "is_question",
]
MAX_NAME_WORDS: Final = 4


def is_question(text: str) -> bool:
    """A message written as a question.

    It ends with a question mark, or a sentence in it ends with one and starts with a question word
    ("is there an online option? i work days").
    """
    stripped = text.strip()
    if stripped.endswith("?"):
        return True
    sentences = re.findall(r"[^.!?]*\?", stripped.lower())
    return any(QUESTION_START.match(sentence.strip()) for sentence in sentences)


def answers_open_question(form: str, slot: str, text: str) -> bool:
    """True when `text` reads as an answer to `slot`, the question `form` asked last.

    A message written as a question is never taken as an answer: "is it normal to drink every day?"
    is a question for the FAQ, and the form asks again afterwards.
    """
    if not text.strip():
        return False
    if form == CALLBACK_FORM and slot == CONTACT_SLOT and _passes(validate_contact, text):
        return True  # "can u email me instead? dana@example.org" holds the answer beside a question
    if is_question(text):
        return False
    if form == SCREENING_FORM and slot in FIELDS:
        return parse_answer(slot, text) is not None  # a value, or "I'd rather not say"
    if form == CALLBACK_FORM:
        if slot == CONSENT_SLOT:
            return parse_consent(text) is not None
        if slot == BEST_TIME_SLOT:
            return True  # "weekday mornings before 10" is a time, not a question about schedules
        if slot == NAME_SLOT and len(text.split()) > MAX_NAME_WORDS:
            return False  # "actually never mind, I changed my mind" is not a name
        checks: dict[str, Callable[[str], object]] = {
            NAME_SLOT: validate_name,
            CONTACT_SLOT: validate_contact,
        }
        check = checks.get(slot)
        if check is not None:
            return _passes(check, text)
    return False


def _passes(check: Callable[[str], object], text: str) -> bool:
    try:
        check(text)
    except ContactError:
        return False
    return True
