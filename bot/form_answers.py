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
from bot.contracts import SCREENING_CORRECTION as CORRECTION_SLOT
from bot.dialogue import QUESTION_START
from bot.referral.contact import (
    ContactError,
    parse_consent,
    split_name_and_contact,
    validate_contact,
    validate_name,
)
from bot.screening.answers import parse_answer
from bot.screening.engine import FIELDS
from bot.screening.session import chosen_field

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
TIME_CUE: Final = re.compile(
    r"\b(?:mornings?|afternoons?|evenings?|nights?|noon|lunch|weekdays?|weekends?|days?|today|tomorrow"
    r"|tonight|mon(?:day)?s?|tue(?:s|sday)?s?|wed(?:nesday)?s?|thu(?:rs|rsday)?s?|fri(?:day)?s?"
    r"|sat(?:urday)?s?|sun(?:day)?s?|any ?time|whenever|asap|now|after|before|around|between|until|till"
    r"|early|late|am|pm|a\.m\.|p\.m\.|o'?clock)\b|\d"
)
"""Words that say when: the callback's best time needs one."""
HEDGED_ANSWER: Final = re.compile(
    r"^(?:so |and |but |um+ |uh+ |well )*(?:kind ?of|kinda|sort ?of|sorta|i guess|maybe|probably"
    r"|a (?:little|bit)|not really|yes|yeah|yep|no|nope|nah|sometimes|often|a lot|never)\b"
)
"""The start of a typed answer that people end with a question mark, unsure of themselves."""


def is_question(text: str) -> bool:
    """A message written as a question.

    A sentence in it ends with a question mark and starts with a question word ("is there an online
    option? i work days"), or the message ends with a question mark and none of its sentences is an
    answer with a rising tone ("so kind of i guess?", "yes? sometimes", "hurt someone else? no, of
    course not?").
    """
    stripped = text.strip()
    sentences = [sentence.strip() for sentence in re.findall(r"[^.!?]*\?", stripped.lower())]
    if any(QUESTION_START.match(sentence) for sentence in sentences):
        return True
    return stripped.endswith("?") and not any(HEDGED_ANSWER.match(sentence) for sentence in sentences)


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
    if form == SCREENING_FORM and slot == CORRECTION_SLOT:
        return chosen_field(text, FIELDS) is not None  # "the alcohol question", "never mind"
    if form == CALLBACK_FORM:
        if slot == CONSENT_SLOT:
            return parse_consent(text) is not None
        if slot == BEST_TIME_SLOT:
            # "weekday mornings before 10" is a time, not a question about schedules; "if im still
            # drinking will they even take me" names no time, so it goes to the FAQ and the form asks again
            return TIME_CUE.search(text.lower()) is not None
        if slot == NAME_SLOT and split_name_and_contact(text) is not None:
            return True  # "Linh Tran, cell is 714-555-0138": a name, and the next answer with it
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
