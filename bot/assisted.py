"""Assisted screening: the same screening engine, asked by staff on the phone (pure functions).

The questions follow the chat's order (`bot.screening.flow.QUESTION_ORDER`); a declined answer uses the
chat's careful value, skipped follow-ups are filled the way the chat fills them, and matching uses the
same directory matcher. A suggestion for a clinician's assessment, never a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from bot.referral.matching import MatchResult, Preferences, match_programs
from bot.referral.programs import Program
from bot.screening.engine import FIELDS, FOLLOW_UP_FIELDS, ScreeningInputError, ScreeningResult, Value, screen
from bot.screening.flow import QUESTION_ORDER, complete_answers, declined_value, skipped_values

DECLINED = "declined"
YES_NO = (("true", "Yes"), ("false", "No"))

PHONE_QUESTIONS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "functioning": (
        "How much do your symptoms get in the way of work, school, relationships or daily tasks?",
        (
            ("none", "Not at all"),
            ("mild", "A little"),
            ("significant", "A lot"),
            ("severe", "Cannot manage basic daily tasks"),
        ),
    ),
    "current_care": (
        "Are you getting any mental health or substance use care right now?",
        (
            ("none", "No care now"),
            ("weekly_helping", "Weekly therapy, helping"),
            ("weekly_not_helping", "Weekly therapy, not helping enough"),
            ("stepping_down", "Stepping down from inpatient, residential or PHP"),
        ),
    ),
    "wish_dead": (
        "In the past month, have you wished you were dead or wished you could go to sleep and not wake up?",
        YES_NO,
    ),
    "suicidal_thoughts": ("In the past month, have you had any actual thoughts of killing yourself?", YES_NO),
    "suicide_method": ("Have you been thinking about how you might do this?", YES_NO),
    "suicide_intent": ("Have you had these thoughts and had some intention of acting on them?", YES_NO),
    "suicide_plan": (
        "Have you started to work out or worked out the details of how to kill yourself, "
        "and do you intend to carry out this plan?",
        YES_NO,
    ),
    "suicide_behavior": (
        "Have you ever done anything, started to do anything, or prepared to do anything to end your life?",
        (
            ("never", "Never"),
            ("past_3_months", "Yes, in the past 3 months"),
            ("over_3_months_ago", "Yes, over 3 months ago"),
        ),
    ),
    "harm_to_others": ("Are you having thoughts of seriously hurting someone else?", YES_NO),
    "substance_use": (
        "How often do you drink alcohol or use drugs?",
        (("none", "Not at all"), ("occasional", "Occasionally"), ("regular", "Regularly")),
    ),
    "withdrawal": (
        "When you stop or cut down, do you get withdrawal symptoms?",
        (
            ("none", "No"),
            ("mild", "Mild (uncomfortable)"),
            ("severe", "Severe (seizures, DTs, sick without the substance)"),
        ),
    ),
    "medically_unstable": (
        "Do you have a medical condition that may need monitoring around the clock?",
        YES_NO,
    ),
    "safe_home": ("Do you have a safe, stable place to go home to?", YES_NO),
    "can_attend": (
        "Could you attend sessions 3 to 5 days a week?",
        (("in_person", "Yes, in person"), ("virtual_only", "Only online"), ("no", "No")),
    ),
    "group_ok": (
        "How do you feel about group therapy?",
        (("yes", "Comfortable"), ("unsure", "Unsure"), ("no", "Would rather not")),
    ),
}
"""Field -> (question read to the caller, ((form value, label), ...)); every field also offers DECLINED."""

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
    """Run the chat's engine on a phone screening and match directory programs to its level."""
    answers, declined = parse_form(form)
    result = screen(answers)
    prefs = Preferences(level=result.level, zip_code=zip_code.strip() or None, insurance=insurance or None)
    try:
        matches: MatchResult | None = match_programs(programs, prefs)
    except ValueError:
        matches = None
    return AssistedResult(result=result, answers=answers, declined=declined, matches=matches)
