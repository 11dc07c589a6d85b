"""The screening result as a message: plain words, reasons, hours, disclaimer and next steps."""

from __future__ import annotations

from typing import Mapping, Sequence

from bot.contracts import (
    FIND_PROGRAM,
    HUMAN_HANDOFF,
    INFORM,
    REQUEST_CALLBACK,
    SCREENING_CORRECTION,
    UTTER_CRISIS_REPEAT,
    payload,
)
from bot.safety.net import helpline_text
from bot.screening.engine import Level, ScreeningResult, Value

DISCLAIMER = "This is not a diagnosis. A clinician makes the final decision."

LEVEL_NAMES: dict[Level, str] = {
    "emergency": "urgent help right now",
    "inpatient_residential": "inpatient or residential care",
    "php": "a partial hospitalization program (PHP)",
    "iop": "an intensive outpatient program (IOP)",
    "outpatient": "weekly outpatient therapy",
}

LEVEL_TIME: dict[Level, str] = {
    "inpatient_residential": "You stay at a hospital or treatment facility with care around the "
    "clock, 24 hours a day.",
    "php": "Usually 5 to 6 days a week for about 4 to 8 hours a day (20 or more hours a week), and "
    "you sleep at home.",
    "iop": "At least 9 hours a week for adults, commonly 9 to 15, over 3 to 5 days in sessions of "
    "2 to 4 hours, while you live at home.",
    "outpatient": "Usually 1 or 2 sessions a week with a therapist or counselor.",
}
"""What each level means in time; the emergency's words quote helplines, so they come from content/."""


def level_time(level: Level) -> str:
    """What a level means in time; for an emergency, whom to call (content/crisis_resources.yml)."""
    return helpline_text("screening_emergency") if level == "emergency" else LEVEL_TIME[level]


def withdrawal_note() -> str:
    """Call the emergency number for dangerous withdrawal now (content/crisis_resources.yml)."""
    return helpline_text("screening_withdrawal")


def next_steps() -> str:
    """The offer of programs, a callback or a person, and the crisis line (content/crisis_resources.yml)."""
    return helpline_text("screening_next_steps")


THERAPIST_NOTE = (
    "Weekly therapy does not feel like it is helping. Talk about it with your therapist: they can "
    "help you decide whether you need more support."
)
EMERGENCY_NEXT = "When you are safe, I can help you look at programs. You can also talk to a person."

Button = tuple[str, str]
BUTTONS: tuple[Button, ...] = (
    ("Find a program", payload(FIND_PROGRAM)),
    ("Request a callback", payload(REQUEST_CALLBACK)),
    ("Talk to a person", payload(HUMAN_HANDOFF)),
)
EMERGENCY_BUTTONS: tuple[Button, ...] = (("Talk to a person", payload(HUMAN_HANDOFF)),)


def _declined_note(count: int) -> str:
    questions = "a question" if count == 1 else f"{count} questions"
    return (
        f"You chose not to answer {questions}, so I used the more careful answer. A clinician "
        "will ask you about it."
    )


def result_message(
    result: ScreeningResult,
    answers: Mapping[str, Value] | None = None,
    declined: Sequence[str] = (),
) -> str:
    """The whole result message; for an emergency the crisis resources come first."""
    answers = answers or {}
    emergency = result.level == "emergency"
    parts: list[str] = []
    if emergency:
        parts.append(f"Your safety comes first. {level_time('emergency')}")
    else:
        parts.append(
            f"Based on your answers, the level of care that may fit best is {LEVEL_NAMES[result.level]}."
        )
    parts.append("Why:\n" + "\n".join(f"- {reason}" for reason in result.reasons))
    if not emergency:
        parts.append(f"What it means: {level_time(result.level)}")
    if "needs_detox_first" in result.flags:
        parts.append(withdrawal_note())
    if result.level == "outpatient" and answers.get("current_care") == "weekly_not_helping":
        parts.append(THERAPIST_NOTE)
    if declined:
        parts.append(_declined_note(len(declined)))
    parts.append(DISCLAIMER)
    parts.append(EMERGENCY_NEXT if emergency else next_steps())
    return "\n\n".join(parts)


def result_buttons(result: ScreeningResult) -> tuple[Button, ...]:
    """Buttons (title, payload) under the result: only "talk to a person" for an emergency."""
    return EMERGENCY_BUTTONS if result.level == "emergency" else BUTTONS


QUESTION_LABELS: dict[str, str] = {
    "functioning": "Daily life",
    "current_care": "Current care",
    "wish_dead": "Wishing you were dead",
    "suicidal_thoughts": "Thoughts of suicide",
    "suicide_method": "How you might do it",
    "suicide_intent": "Intention to act",
    "suicide_plan": "A plan",
    "suicide_behavior": "Past actions",
    "harm_to_others": "Harming someone",
    "substance_use": "Alcohol or drugs",
    "withdrawal": "Withdrawal",
    "medically_unstable": "Medical care",
    "safe_home": "A safe home",
    "can_attend": "Attending 3-5 days a week",
    "group_ok": "Groups",
}
"""Short button titles for "which answer do you want to change?"."""

THOUGHTS_ACK = "Thank you for telling me. Thoughts like these matter, and you deserve support with them."
THOUGHTS_DECLINED_ACK = "That's okay, you don't have to answer. In case these thoughts are there:"
CRISIS_RESOURCES_RESPONSE = UTTER_CRISIS_REPEAT
"""Sent right after the acknowledgement: the crisis resources rendered from content/crisis_resources.yml
(the crisis line and the emergency number), so they come from the same content as every crisis reply."""

NOT_UNDERSTOOD = "Sorry, I'm not sure I understood. Could you tap one of the buttons?"
STILL_NOT_UNDERSTOOD = (
    "Sorry, I still can't tell which answer fits. You can tap one of the buttons or type its words, "
    'type "skip" to leave this question for our team to go over with you, or "stop" to end the questions.'
)
"""Said instead of NOT_UNDERSTOOD when the question was just not understood: a way out of a loop."""
WHICH_ANSWER = "Which answer would you like to change?"
KEEP_ANSWERS = ("Never mind", "none")


def correction_buttons(answered: Sequence[str]) -> list[Button]:
    """(title, payload) buttons for the answered questions, plus "never mind"."""
    fields = [*answered, KEEP_ANSWERS[1]]
    titles = [*(QUESTION_LABELS[f] for f in answered), KEEP_ANSWERS[0]]
    return [
        (title, payload(INFORM) + '{"' + SCREENING_CORRECTION + '":"' + field + '"}')
        for title, field in zip(titles, fields, strict=True)
    ]
