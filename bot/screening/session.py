"""A screening session's use cases: take an answer, change one, finish into an outcome (pure).

The chat's form (actions/screening.py) and the staff console's phone screening (bot/assisted.py) call
these; reading slots, storing rows and returning Rasa events stay with the callers. The rules themselves
live in `bot.screening.flow` (order, skips, careful values, urgent answers) and
`bot.screening.engine` (the level of care).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from bot.contracts import PREFER_NOT_SAY as PREFER_NOT_SAY_VALUE
from bot.screening.answers import PREFER_NOT_SAY, coerce, normalize, parse_answer
from bot.screening.disclosure import acknowledges_thoughts
from bot.screening.engine import (
    FIELDS,
    FOLLOW_UP_FIELDS,
    Level,
    ScreeningInputError,
    ScreeningResult,
    Value,
    screen,
)
from bot.screening.flow import (
    answered_fields,
    complete_answers,
    declined_value,
    dependents,
    is_urgent,
    required_fields,
)
from bot.screening.messages import (
    KEEP_ANSWERS,
    NOT_UNDERSTOOD,
    STILL_NOT_UNDERSTOOD,
    THOUGHTS_ACK,
    THOUGHTS_DECLINED_ACK,
    Button,
    result_buttons,
    result_message,
)

Ending = Literal["completed", "escalated", "abandoned"]
"""How a screening ended (the stored status)."""


def valid_answers(raw: Mapping[str, Any]) -> dict[str, Value]:
    """The valid answers among raw slot values (free text not yet parsed counts as unanswered)."""
    answers: dict[str, Value] = {}
    for name in FIELDS:
        value = coerce(name, raw.get(name))
        if value is not None:
            answers[name] = value
    return answers


def declined_fields(raw: Iterable[Any] | None) -> list[str]:
    """The questions the person preferred not to answer (unknown names dropped)."""
    return [f for f in raw or [] if f in FIELDS]


def must_stop(answers: Mapping[str, Value]) -> bool:
    """Whether an answer so far stops the screening at once to bring up the crisis resources."""
    return any(is_urgent(name, value) for name, value in answers.items())


def questions_left(answers: Mapping[str, Value]) -> list[str]:
    """The questions the form still goes through, in order; none once an answer is urgent."""
    return [] if must_stop(answers) else required_fields(answers)


@dataclass(frozen=True)
class Answered:
    """What one answer does: the slot updates, the declined questions, what to say at once.

    `value` None means the answer was not understood: the question is asked again and nothing else
    changes (`updates`, `answers` and `declined` are then empty).
    """

    field: str
    value: Value
    updates: dict[str, Value]
    """Field -> value to set: the answer, plus the follow-ups it makes unnecessary (cleared)."""
    answers: dict[str, Value]
    """Every answer after this one (cleared follow-ups as None), as kept for staff."""
    declined: tuple[str, ...]
    acknowledgement: str | None
    """Said at once, before the crisis resources, on a first disclosure of suicidal thoughts."""

    @property
    def understood(self) -> bool:
        """Whether the answer was read as a value (or as "I'd rather not say")."""
        return self.value is not None


def not_understood_message(times_before: int) -> str:
    """What to say when an answer is not understood: the way out once it has happened before."""
    return STILL_NOT_UNDERSTOOD if times_before > 0 else NOT_UNDERSTOOD


def times_not_understood(bot_turns: Iterable[tuple[str | None, str | None]], field: str) -> int:
    """How many answers to `field` in a row were not understood, from the latest bot message back.

    `bot_turns` are (text, response name) of the bot's messages, newest first. The count goes back over
    the not-understood messages and the question of `field` asked again; any other message ends it.
    """
    count = 0
    for text, response in bot_turns:
        if text in (NOT_UNDERSTOOD, STILL_NOT_UNDERSTOOD):
            count += 1
        elif response != f"utter_ask_{field}":
            break
    return count


def answer(
    field: str,
    raw: Any,
    answers: Mapping[str, Value],
    declined: Iterable[str],
    typed: str | None = None,
) -> Answered:
    """Take one answer to `field`: a button value, a yes/no, "rather not say" or free text.

    `answers` and `declined` are the session so far; `typed` is the message itself. A declined question
    takes the careful value (`flow.declined_value`); a no to suicidal thoughts clears the C-SSRS
    follow-ups; no substance use sets withdrawal to none; the first disclosure of past-month suicidal
    thoughts is acknowledged.
    """
    if raw == PREFER_NOT_SAY_VALUE and typed and not typed.startswith("/"):
        read = parse_answer(field, typed)
        if read is not None and read is not PREFER_NOT_SAY:
            raw = typed  # the words answer ("never done anything like that"); the intent guessed a refusal
    still_declined = [f for f in declined if f != field]
    value = coerce(field, raw)
    if value is None and isinstance(raw, str):
        parsed = PREFER_NOT_SAY if raw == PREFER_NOT_SAY_VALUE else parse_answer(field, raw)
        if parsed is PREFER_NOT_SAY:
            value = declined_value(field)
            still_declined.append(field)
        elif parsed is not None:
            value = parsed
    if value is None:
        return Answered(field, None, {}, {}, (), None)
    updates: dict[str, Value] = {field: value}
    if field == "suicidal_thoughts" and value is False:
        updates.update(dict.fromkeys(FOLLOW_UP_FIELDS))  # Q3-Q5 are asked only after a yes to Q2
    if field == "substance_use" and value == "none":
        updates["withdrawal"] = "none"  # not asked without substance use; said, so staff see it
    before = {name: v for name, v in answers.items() if name != field}
    acknowledgement = None
    if acknowledges_thoughts(before, field, value):
        acknowledgement = THOUGHTS_DECLINED_ACK if field in still_declined else THOUGHTS_ACK
    return Answered(field, value, updates, {**before, **updates}, tuple(still_declined), acknowledgement)


@dataclass(frozen=True)
class Correction:
    """Which answers a correction clears so the form asks them again."""

    understood: bool
    done: bool
    """The correction step is over (an answer was chosen, or "never mind")."""
    cleared: tuple[str, ...] = ()
    declined: tuple[str, ...] = ()


QUESTION_WORDS: dict[str, str] = {
    "functioning": r"daily life|day to day|work|school|functioning|getting through the day",
    "current_care": r"current care|therapy|therapist|counselou?r|treatment|seeing (?:anyone|someone)|care",
    "wish_dead": r"wish(?:ed|ing)? (?:i|you) (?:was|were) dead|wishing|dead",
    "suicidal_thoughts": r"thoughts? (?:of|about) (?:suicide|killing)|suicidal thoughts|suicid\w*",
    "suicide_behavior": r"past actions?|done anything|tried|attempt\w*",
    "harm_to_others": r"hurt(?:ing)? (?:someone|anyone|others)|harm(?:ing)? (?:someone|anyone|others)",
    "substance_use": r"alcohol|drink\w*|drugs?|using|substances?|beers?|wine|weed",
    "withdrawal": r"withdrawals?|shakes|detox",
    "medically_unstable": r"medical|health|physical\w*|doctor",
    "safe_home": r"home|housing|where i live|living situation",
    "can_attend": r"attend\w*|get there|in person|days a week|transport\w*",
    "group_ok": r"groups?",
}
"""Words that name a question in a typed choice ("the one about drinking", "the alcohol question")."""
KEEP_WORDS = re.compile(r"\b(?:never ?mind|none|nothing|no change|keep (?:them|it|everything|my answers))\b")


def chosen_field(choice: Any, answered: Iterable[str]) -> str | None:
    """The answered question a button payload or a typed choice names; "none" to keep every answer.

    A typed choice names a question when the words of exactly one answered question are in it.
    """
    answered = tuple(answered)
    if choice == KEEP_ANSWERS[1] or choice in answered:
        return str(choice)
    if choice in FIELDS:
        return None  # a question not answered (skipped, or not reached)
    named = _named_questions(choice, answered)
    if len(named) == 1:
        return named[0]
    return KEEP_ANSWERS[1] if not named and KEEP_WORDS.search(normalize(str(choice or ""))) else None


def _named_questions(choice: Any, fields: Iterable[str]) -> list[str]:
    """The fields among `fields` whose question words are in the typed choice."""
    text = normalize(str(choice or ""))
    return [f for f in fields if re.search(rf"\b(?:{QUESTION_WORDS.get(f, f)})\b", text)]


def names_unanswered(choice: Any, answered: Iterable[str]) -> bool:
    """Typed words name exactly one question, and it is not answered (a button names an answered one)."""
    if choice in FIELDS:
        return False
    named = _named_questions(choice, QUESTION_WORDS)
    return len(named) == 1 and named[0] not in tuple(answered)


def correct(choice: Any, answers: Mapping[str, Value], declined: Iterable[str]) -> Correction:
    """The person chose which answer to change: clear it and the answers that depend on it.

    The choice is a button's field name or typed words that name one question (`chosen_field`).
    """
    declined = tuple(declined)
    answered = answered_fields(answers)
    named = chosen_field(choice, answered)
    if named == KEEP_ANSWERS[1] or (named is None and names_unanswered(choice, answered)):
        # nothing to clear: a question not answered yet ("the one about drinking" while it is still open)
        # is simply asked when its turn comes
        return Correction(understood=True, done=True, declined=declined)
    choice = named
    if choice not in answered:
        return Correction(understood=False, done=False, declined=declined)
    cleared = (choice, *dependents(choice))
    return Correction(True, True, cleared, tuple(f for f in declined if f not in cleared))


@dataclass(frozen=True)
class Evaluation:
    """The engine's result on the complete answers (skipped questions filled in)."""

    result: ScreeningResult
    answers: dict[str, Value]


def evaluate(answers: Mapping[str, Value]) -> Evaluation:
    """Run the engine once on the answers completed with the skipped questions' values.

    Raises `ScreeningInputError` naming a field that is still missing.
    """
    complete = complete_answers(answers)
    return Evaluation(screen(complete), complete)


@dataclass(frozen=True)
class Outcome:
    """How a chat screening ends: what is stored, which slots are set, what is said."""

    ending: Ending
    level: Level | None
    """The suggested level (emergency when an answer stopped the screening); None when abandoned."""
    result: ScreeningResult | None
    """The engine's result; None when the screening stopped early or could not be evaluated."""
    escalated: bool
    """True sends the crisis rule after the result."""
    message: str | None = None
    buttons: tuple[Button, ...] = ()
    missing: str | None = None
    """The field the engine missed (abandoned)."""


def finish(answers: Mapping[str, Value], declined: Iterable[str]) -> Outcome:
    """End the chat screening: escalate on an urgent answer, else the engine's suggestion and message.

    An emergency suggestion says nothing here (the crisis rule answers); answers the engine cannot
    evaluate end the screening as abandoned with a "not understood".
    """
    declined = list(declined)
    if must_stop(answers):
        return Outcome("escalated", "emergency", None, escalated=True)
    try:
        evaluation = evaluate(answers)
    except ScreeningInputError as exc:
        return Outcome("abandoned", None, None, False, NOT_UNDERSTOOD, missing=exc.field)
    result = evaluation.result
    if result.level == "emergency":
        return Outcome("completed", result.level, result, escalated=True)
    message = result_message(result, evaluation.answers, declined)
    return Outcome("completed", result.level, result, False, message, result_buttons(result))
