"""Assisted (phone) screening: the same engine and flow as the chat, and the console page."""

from __future__ import annotations

import pytest

from bot.assisted import DECLINED, PHONE_QUESTIONS, assisted_screening, parse_form
from bot.referral.programs import cached_programs
from bot.screening.engine import FIELDS, ScreeningInputError, screen
from bot.screening.flow import declined_value
from tests.unit.console_support import client_for, create_user, make_app, session_csrf, sign_in

BASE = {
    "functioning": "significant", "current_care": "none", "wish_dead": "false", "suicidal_thoughts": "false",
    "suicide_behavior": "never", "harm_to_others": "false", "substance_use": "none",
    "medically_unstable": "false", "safe_home": "true", "can_attend": "in_person", "group_ok": "yes",
}  # fmt: skip


def test_every_engine_field_has_a_phone_question_with_its_allowed_values():
    assert set(PHONE_QUESTIONS) == set(FIELDS)
    for field, (_question, options) in PHONE_QUESTIONS.items():
        values = {v for v, _label in options}
        allowed = {"true", "false"} if FIELDS[field] == (True, False) else set(FIELDS[field])
        assert values == allowed, field


def test_skipped_questions_are_filled_like_the_chat_and_results_match_the_engine():
    answers, declined = parse_form(BASE)
    assert answers["suicide_plan"] is None and answers["withdrawal"] == "none" and declined == ()
    outcome = assisted_screening(BASE, cached_programs(), zip_code="10001")
    assert outcome.result == screen(answers)
    assert outcome.result.level == "iop" and outcome.matches is not None and outcome.matches.matches


def test_declined_answers_use_the_careful_value():
    form = {
        **BASE,
        "suicidal_thoughts": DECLINED,
        "suicide_method": "false",
        "suicide_intent": "false",
        "suicide_plan": "false",
    }
    answers, declined = parse_form(form)
    assert answers["suicidal_thoughts"] is declined_value("suicidal_thoughts") and declined == (
        "suicidal_thoughts",
    )


@pytest.mark.parametrize("field,value", [("functioning", ""), ("safe_home", "maybe"), ("suicide_plan", "")])
def test_missing_or_invalid_answers_name_the_field(field, value):
    form = {
        **BASE,
        "suicidal_thoughts": "true",
        "suicide_method": "false",
        "suicide_intent": "false",
        "suicide_plan": "false",
        field: value,
    }
    with pytest.raises(ScreeningInputError) as error:
        parse_form(form)
    assert error.value.field == field


async def test_phone_screening_page_shows_level_reasons_and_programs(tmp_path):
    app = make_app(tmp_path)
    create_user(app, "sam")
    async with client_for(app) as client:
        await sign_in(client, "sam")
        csrf = await session_csrf(client)
        form = await client.get("/console/screening")
        assert all(question in form.text for question, _ in PHONE_QUESTIONS.values() if "'" not in question)
        assert "stop and follow the crisis protocol (911 / 988).</p>" in form.text
        result = await client.post(
            "/console/screening", data={**BASE, "zip_code": "10001", "csrf_token": csrf}
        )
        assert result.status_code == 200
        assert (
            "intensive outpatient program" in result.text
            and "clinician makes the final decision" in result.text
        )
        assert "get in the way of work" in result.text and "(fictional)" in result.text
        missing = await client.post("/console/screening", data={**BASE, "safe_home": "", "csrf_token": csrf})
        assert missing.status_code == 400 and "Please answer" in missing.text


def test_answers_read_as_the_form_labels():
    from bot.assisted import answer_label

    assert answer_label("safe_home", True) == "Yes"
    assert answer_label("can_attend", "virtual_only") == "Only online"
    assert answer_label("suicide_plan", None) == "not asked"
