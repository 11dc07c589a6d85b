"""The result message: plain level, reasons, hours, disclaimer, next steps; crisis first."""

from __future__ import annotations

from typing import Any

import pytest

from bot.screening.engine import LEVELS, NO_CONCERNS, screen
from bot.screening.messages import (
    DISCLAIMER,
    LEVEL_NAMES,
    LEVEL_TIME,
    THERAPIST_NOTE,
    level_time,
    next_steps,
    result_buttons,
    result_message,
    withdrawal_note,
)

CALM: dict[str, Any] = dict(NO_CONCERNS)
BY_LEVEL: dict[str, dict[str, Any]] = {
    "emergency": {"harm_to_others": True},
    "inpatient_residential": {"withdrawal": "severe"},
    "php": {"functioning": "severe"},
    "iop": {"functioning": "significant", "group_ok": "no"},
    "outpatient": {},
}


def test_every_level_has_words_and_time() -> None:
    assert set(LEVEL_NAMES) == set(LEVELS) == set(BY_LEVEL) == {*LEVEL_TIME, "emergency"}
    assert all(level_time(level) for level in LEVELS)


@pytest.mark.parametrize("level", LEVELS)
def test_message_has_level_reasons_disclaimer(level: str) -> None:
    result = screen({**CALM, **BY_LEVEL[level]})
    assert result.level == level
    text = result_message(result)
    for reason in result.reasons:
        assert f"- {reason}" in text
    assert DISCLAIMER in text
    assert "988" in text
    if level == "emergency":
        assert text.startswith("Your safety comes first.")
        assert level_time("emergency") in text.split("\n\n")[0]
    else:
        assert LEVEL_NAMES[result.level] in text.split("\n\n")[0]
        assert f"What it means: {level_time(result.level)}" in text


def test_no_diagnosis_language() -> None:
    for level in LEVELS:
        text = result_message(screen({**CALM, **BY_LEVEL[level]})).lower()
        for word in ("you have depression", "diagnosed with", "you suffer from", "disorder"):
            assert word not in text


def test_notes_appear_only_when_they_apply() -> None:
    detox = result_message(screen({**CALM, "withdrawal": "severe"}))
    assert withdrawal_note() in detox
    assert withdrawal_note() not in result_message(screen(CALM))
    answers = {**CALM, "current_care": "weekly_not_helping"}
    assert THERAPIST_NOTE in result_message(screen(answers), answers)
    assert THERAPIST_NOTE not in result_message(screen(CALM), CALM)


@pytest.mark.parametrize(
    ("declined", "phrase"),
    [((), None), (("group_ok",), "not to answer a question"), (("a", "b"), "not to answer 2")],
)
def test_declined_note(declined: tuple[str, ...], phrase: str | None) -> None:
    text = result_message(screen(CALM), CALM, declined)
    if phrase is None:
        assert "chose not to answer" not in text
    else:
        assert phrase in text


def test_buttons() -> None:
    payloads = [p for _, p in result_buttons(screen(CALM))]
    assert payloads == ["/find_program", "/request_callback", "/human_handoff"]
    emergency = result_buttons(screen({**CALM, "harm_to_others": True}))
    assert [p for _, p in emergency] == ["/human_handoff"]


def test_correction_buttons() -> None:
    from bot.screening.engine import FIELDS
    from bot.screening.messages import QUESTION_LABELS, correction_buttons

    assert set(QUESTION_LABELS) == set(FIELDS)
    buttons = correction_buttons(["functioning", "group_ok"])
    assert buttons == [
        ("Daily life", '/inform{"screening_correction":"functioning"}'),
        ("Groups", '/inform{"screening_correction":"group_ok"}'),
        ("Never mind", '/inform{"screening_correction":"none"}'),
    ]


def test_the_helpline_sentences_come_from_the_crisis_resources() -> None:
    assert level_time("emergency") == (
        "Please reach out now: call or text 988 (Suicide & Crisis Lifeline), or call 911 if you are in "
        "immediate danger."
    )
    assert withdrawal_note().endswith("such as a seizure or severe confusion, call 911.")
    assert next_steps().endswith("If things get worse, you can call or text 988 at any time.")
    assert next_steps() in result_message(screen(CALM))
