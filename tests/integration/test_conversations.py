"""Whole conversations through the REST channel against the trained model and real servers."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.faq import topic_suggestions
from tests.integration.conversation import (
    faq_texts,
    got_crisis_reply,
    new_sender,
    run_screening,
    texts,
)
from tests.integration.stack import RunningStack

pytestmark = pytest.mark.model

OUTPATIENT: dict[str, Any] = {
    "functioning": "mild", "current_care": "none", "wish_dead": False, "suicidal_thoughts": False,
    "suicide_behavior": "never", "harm_to_others": False, "substance_use": "none",
    "withdrawal": "none", "medically_unstable": False, "safe_home": True, "can_attend": "in_person",
    "group_ok": "yes",
}
LEVELS = {
    "outpatient": OUTPATIENT,
    "iop": {**OUTPATIENT, "functioning": "significant"},
    "php": {**OUTPATIENT, "functioning": "severe"},
    "inpatient_residential": {**OUTPATIENT, "safe_home": False},
}


@pytest.mark.parametrize("topic", sorted(topic_suggestions()))
def test_every_faq_topic_is_answered(stack: RunningStack, topic: str) -> None:
    question = topic_suggestions()[topic].payload
    replies = stack.say(new_sender("faq"), question)
    assert faq_texts()[topic] in texts(replies)


@pytest.mark.parametrize("level", sorted(LEVELS))
def test_a_full_screening_reaches_each_level(stack: RunningStack, level: str) -> None:
    sender = new_sender(f"screen-{level}")
    run_screening(stack, sender, LEVELS[level])
    assert stack.tracker(sender)["slots"]["screening_level"] == level
    from bot.screening.store import ScreeningRow

    with session_scope(stack.database_url) as session:
        row = session.scalars(
            select(ScreeningRow).where(ScreeningRow.conversation_id == sender)
        ).one()
        assert (row.level, row.status) == (level, "completed")


def test_a_high_risk_answer_escalates_to_the_emergency_reply(stack: RunningStack) -> None:
    sender = new_sender("screen-emergency")
    transcript = run_screening(stack, sender, {**OUTPATIENT, "harm_to_others": True})
    crisis_at = [i for i, m in enumerate(transcript) if got_crisis_reply(transcript[i:])]
    assert crisis_at, "the emergency answer did not bring the crisis response"
    assert (stack.tracker(sender).get("active_loop") or {}).get("name") != "screening_form"


def test_faq_mid_screening_is_answered_and_the_form_resumes(stack: RunningStack) -> None:
    sender = new_sender("screen-faq")
    first_question = stack.say(sender, "/start_screening")[-1]["text"]
    replies = stack.say(sender, topic_suggestions()["cost"].payload)
    assert faq_texts()["cost"] in texts(replies)
    assert replies[-1]["text"] == first_question
    assert stack.tracker(sender)["active_loop"]["name"] == "screening_form"


def test_crisis_mid_screening_gets_the_crisis_reply_first(stack: RunningStack) -> None:
    sender = new_sender("screen-crisis")
    stack.say(sender, "/start_screening")
    replies = stack.say(sender, "honestly I just want to end my life")
    assert got_crisis_reply(replies)
    assert (stack.tracker(sender).get("active_loop") or {}).get("name") is None
