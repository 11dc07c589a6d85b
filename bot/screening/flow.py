"""The screening conversation's logic: question order, skip logic, declined answers, escalation.

Pure functions over the answers collected so far (field -> value); the Rasa form is glue over these.
"""

from __future__ import annotations

from typing import Mapping

from bot.screening.engine import FIELDS, FOLLOW_UP_FIELDS, Value

QUESTION_ORDER: tuple[str, ...] = (
    "functioning",
    "current_care",
    "wish_dead",
    "suicidal_thoughts",
    *FOLLOW_UP_FIELDS,
    "suicide_behavior",
    "harm_to_others",
    "substance_use",
    "withdrawal",
    "medically_unstable",
    "safe_home",
    "can_attend",
    "group_ok",
)
"""Daily life first, then the C-SSRS questions, then substances, health, home and logistics."""

DECLINED_VALUES: dict[str, Value] = {
    "functioning": "significant",
    "current_care": "none",
    "wish_dead": True,
    "suicidal_thoughts": True,
    "suicide_method": True,
    "suicide_intent": True,
    "suicide_plan": True,
    "suicide_behavior": "past_3_months",
    "harm_to_others": True,
    "substance_use": "regular",
    "withdrawal": "severe",
    "medically_unstable": True,
    "safe_home": False,
    "can_attend": "no",
    "group_ok": "unsure",
}
"""The value used when someone prefers not to answer: never one that lowers the suggested care.

Safety questions take the most careful answer (so declining Q4-Q6 or the harm question brings up
crisis resources, as a yes would); other questions take a value a clinician would want to follow up.
"""

URGENT_ANSWERS: dict[str, Value] = {
    "suicide_intent": True,
    "suicide_plan": True,
    "suicide_behavior": "past_3_months",
    "harm_to_others": True,
}
"""Answers that stop the screening at once and bring up crisis resources."""


def skipped_values(answers: Mapping[str, Value]) -> dict[str, Value]:
    """Values for questions that the answers so far make unnecessary.

    Q3-Q5 are null after a no to Q2 (`suicidal_thoughts`); `withdrawal` is none without substance use.
    """
    skipped: dict[str, Value] = {}
    if answers.get("suicidal_thoughts") is False:
        skipped.update(dict.fromkeys(FOLLOW_UP_FIELDS))
    if answers.get("substance_use") == "none":
        skipped["withdrawal"] = "none"
    return skipped


def required_fields(answers: Mapping[str, Value]) -> list[str]:
    """The questions to ask, in order, given the answers so far (skipped ones left out)."""
    skipped = skipped_values(answers)
    return [name for name in QUESTION_ORDER if name not in skipped]


def next_field(answers: Mapping[str, Value]) -> str | None:
    """The first required question without an answer, or None when the screening is complete."""
    return next((name for name in required_fields(answers) if name not in answers), None)


def is_urgent(field: str, value: Value) -> bool:
    """Whether this answer must stop the screening and bring up crisis resources right away."""
    return (
        field in URGENT_ANSWERS
        and URGENT_ANSWERS[field] == value
        and type(value) is type(URGENT_ANSWERS[field])
    )


def declined_value(field: str) -> Value:
    """The careful value used for a question the person preferred not to answer."""
    if field not in FIELDS:
        raise KeyError(field)
    return DECLINED_VALUES[field]


def complete_answers(answers: Mapping[str, Value]) -> dict[str, Value]:
    """All engine fields: the given answers plus values for skipped questions (later ones win)."""
    return {**{name: answers[name] for name in FIELDS if name in answers}, **skipped_values(answers)}


def dependents(field: str) -> tuple[str, ...]:
    """Answers that depend on `field` and must be asked again when it changes."""
    if field == "suicidal_thoughts":
        return FOLLOW_UP_FIELDS
    if field == "substance_use":
        return ("withdrawal",)
    return ()


def answered_fields(answers: Mapping[str, Value]) -> list[str]:
    """The questions answered so far that are still part of the screening, in order."""
    return [name for name in required_fields(answers) if name in answers]
