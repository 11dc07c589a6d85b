"""Assisted screening: the chat's screening session, asked by staff on the phone (pure functions).

The questions and their options are the chat's own (`bot.screening.questions`, from the chat's
responses) in the chat's order (`bot.screening.flow.QUESTION_ORDER`); a declined answer uses the chat's
careful value, skipped follow-ups are filled the way the chat fills them, the result comes from the same
use case (`bot.screening.session.evaluate`) and matching from the same program search
(`bot.referral.search`). A suggestion for a clinician's assessment, never a diagnosis.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Mapping

from bot.referral.matching import MatchResult
from bot.referral.programs import Program
from bot.referral.search import search_for_level
from bot.screening.engine import FIELDS, FOLLOW_UP_FIELDS, ScreeningInputError, ScreeningResult, Value
from bot.screening.flow import QUESTION_ORDER, complete_answers, declined_value, skipped_values
from bot.screening.questions import load_questions
from bot.screening.session import evaluate

DECLINED = "declined"

PhoneQuestion = tuple[str, tuple[tuple[str, str], ...]]


class _PhoneQuestions(Mapping[str, PhoneQuestion]):
    """Field -> (question read to the caller, ((form value, label), ...)), read on first use."""

    def __getitem__(self, field: str) -> PhoneQuestion:
        question = load_questions()[field]
        return question.text, question.options

    def __iter__(self) -> Iterator[str]:
        return iter(load_questions())

    def __len__(self) -> int:
        return len(load_questions())


PHONE_QUESTIONS: Mapping[str, PhoneQuestion] = _PhoneQuestions()
"""Field -> (question, ((form value, label), ...)): the chat's wording; every field also offers DECLINED."""

CONDITIONAL: dict[str, str] = {
    **dict.fromkeys(FOLLOW_UP_FIELDS, "only if yes to thoughts of killing yourself"),
    "withdrawal": "skip if no alcohol or drug use",
}


def answer_label(field: str, value: Value) -> str:
    """How an engine value reads on the form ("Yes", "Only online"); null -> "not asked"."""
    if value is None:
        return "not asked"
    raw = ("true" if value else "false") if isinstance(value, bool) else value
    options = dict(PHONE_QUESTIONS[field][1]) if field in PHONE_QUESTIONS else {}
    return options.get(raw, str(raw))


@dataclass(frozen=True)
class AssistedResult:
    """The engine's result, the answers it used, which were declined, and matching programs."""

    result: ScreeningResult
    answers: dict[str, Value]
    declined: tuple[str, ...]
    matches: MatchResult | None


def _parse_value(field: str, raw: str) -> Value:
    allowed = FIELDS[field]
    if allowed == (True, False):
        if raw in ("true", "false"):
            return raw == "true"
    elif raw in allowed:
        return raw
    raise ScreeningInputError(field, "choose one of the options")


def parse_form(form: Mapping[str, str]) -> tuple[dict[str, Value], tuple[str, ...]]:
    """Form values -> complete engine answers and the declined fields.

    Skipped follow-ups may be left blank; any other blank raises `ScreeningInputError` naming the field.
    """
    answers: dict[str, Value] = {}
    declined: list[str] = []
    for field in QUESTION_ORDER:
        raw = (form.get(field) or "").strip()
        if not raw:
            continue
        if raw == DECLINED:
            answers[field] = declined_value(field)
            declined.append(field)
        else:
            answers[field] = _parse_value(field, raw)
    skipped = skipped_values(answers)
    for field in QUESTION_ORDER:
        if field not in answers and field not in skipped:
            raise ScreeningInputError(field, "missing")
    for field in skipped:
        if field in declined:
            declined.remove(field)
    return complete_answers(answers), tuple(declined)


def assisted_screening(
    form: Mapping[str, str], programs: tuple[Program, ...], zip_code: str = "", insurance: str = ""
) -> AssistedResult:
    """Run the chat's screening use case on a phone screening and match directory programs to its level."""
    answers, declined = parse_form(form)
    evaluation = evaluate(answers)
    matches = search_for_level(programs, evaluation.result.level, zip_code, insurance)
    return AssistedResult(
        result=evaluation.result, answers=evaluation.answers, declined=declined, matches=matches
    )
