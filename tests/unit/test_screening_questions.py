"""The screening questions have one source, the chat's responses, and the phone screening reads them."""

from __future__ import annotations

import pytest
import yaml

from bot.assisted import PHONE_QUESTIONS, answer_label
from bot.screening.engine import FIELDS
from bot.screening.questions import (
    RESPONSES_PATH,
    QuestionError,
    load_questions,
    option_value,
    parse_questions,
)


def test_every_field_is_asked_in_the_chats_words_with_its_buttons():
    responses = yaml.safe_load(RESPONSES_PATH.read_text(encoding="utf-8"))["responses"]
    questions = load_questions()
    assert set(questions) == set(FIELDS)
    for field, question in questions.items():
        chat = responses[f"utter_ask_{field}"][0]
        assert question.text == chat["text"]
        titles = [b["title"] for b in chat["buttons"] if b["payload"] != "/prefer_not_say"]
        assert [label for _value, label in question.options] == titles


def test_the_phone_screening_reads_the_same_questions():
    questions = load_questions()
    assert set(PHONE_QUESTIONS) == set(questions) and len(PHONE_QUESTIONS) == len(FIELDS)
    for field, (text, options) in PHONE_QUESTIONS.items():
        assert (text, options) == (questions[field].text, questions[field].options)
    assert PHONE_QUESTIONS["suicidal_thoughts"][0].startswith("In the past month, have you actually had")
    assert answer_label("functioning", "severe") == "I can't manage basic daily tasks"
    assert answer_label("current_care", "weekly_not_helping") == "Weekly therapy, but it's not enough"


def test_button_payloads_read_as_form_values():
    assert option_value("safe_home", "/affirm") == "true"
    assert option_value("safe_home", "/deny") == "false"
    assert option_value("safe_home", "/prefer_not_say") is None
    assert option_value("group_ok", '/inform{"group_ok":"unsure"}') == "unsure"
    with pytest.raises(QuestionError):
        option_value("group_ok", '/inform{"functioning":"none"}')
    with pytest.raises(QuestionError):
        option_value("group_ok", "/greet")


def test_a_missing_question_is_an_error():
    with pytest.raises(QuestionError, match="utter_ask_"):
        parse_questions({"utter_ask_functioning": [{"text": "How are things?"}]})
