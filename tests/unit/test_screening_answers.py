"""Free-text answers: values, "I'd rather not say", and None when unsure (the form re-asks)."""

from __future__ import annotations

import pytest

from bot.screening.answers import PREFER_NOT_SAY, Parsed, coerce, normalize, parse_answer
from bot.screening.engine import FIELDS

P = PREFER_NOT_SAY
BOOLEAN_FIELDS = [name for name, allowed in FIELDS.items() if allowed == (True, False)]

CASES: list[tuple[str, str, Parsed]] = [
    # booleans
    ("wish_dead", "yeah", True),
    ("wish_dead", "Yep.", True),
    ("wish_dead", "yes", True),
    ("wish_dead", "sometimes", True),
    ("wish_dead", "I have", True),
    ("wish_dead", "not really", False),
    ("wish_dead", "nope", False),
    ("wish_dead", "No", False),
    ("wish_dead", "I haven't", False),
    ("wish_dead", "never", False),
    ("suicidal_thoughts", "i don't think so", False),
    ("suicidal_thoughts", "not sure", None),
    ("suicidal_thoughts", "yes and no", None),
    ("suicidal_thoughts", "maybe", None),
    ("suicide_plan", "I'd rather not say", P),
    ("suicide_intent", "I don't want to answer that", P),
    ("harm_to_others", "pass", P),
    ("harm_to_others", "no way", False),
    ("medically_unstable", "what?", None),
    ("safe_home", "yes, it's safe", True),
    ("safe_home", "my own apartment", True),
    ("safe_home", "not safe", False),
    ("safe_home", "no, I'm couch surfing", False),
    ("safe_home", "I'm homeless", False),
    # functioning
    ("functioning", "I keep missing work and isolating", "significant"),
    ("functioning", "I can't even get out of bed", "severe"),
    ("functioning", "a little", "mild"),
    ("functioning", "not at all, I'm fine", "none"),
    ("functioning", "barely getting by", "significant"),
    ("functioning", "not really, just a little", None),
    # current care
    ("current_care", "I go to therapy weekly and it helps", "weekly_helping"),
    ("current_care", "I see a therapist but it's not helping", "weekly_not_helping"),
    ("current_care", "therapy hasn't worked", "weekly_not_helping"),
    ("current_care", "I just got out of the hospital", "stepping_down"),
    ("current_care", "finishing a PHP next week", "stepping_down"),
    ("current_care", "no", "none"),
    ("current_care", "I don't have a therapist", "none"),
    ("current_care", "I see a therapist", None),
    # suicide behaviour
    ("suicide_behavior", "never", "never"),
    ("suicide_behavior", "no", "never"),
    ("suicide_behavior", "last month", "past_3_months"),
    ("suicide_behavior", "a few weeks ago", "past_3_months"),
    ("suicide_behavior", "years ago, when I was a teenager", "over_3_months_ago"),
    ("suicide_behavior", "in the past month", "past_3_months"),
    ("suicide_behavior", "yes", None),
    ("suicide_behavior", "no, not recently", None),
    # withdrawal
    ("withdrawal", "I had a seizure once when I stopped", "severe"),
    ("withdrawal", "I get sick without it", "severe"),
    ("withdrawal", "DTs", "severe"),
    ("withdrawal", "a bit shaky", "mild"),
    ("withdrawal", "no", "none"),
    ("withdrawal", "yes", None),
    # substance use: weekly or more often is regular
    ("substance_use", "a few times a week", "regular"),
    ("substance_use", "every day", "regular"),
    ("substance_use", "once a week", "regular"),
    ("substance_use", "every weekend", "regular"),
    ("substance_use", "once a month", "occasional"),
    ("substance_use", "socially, not often", "occasional"),
    ("substance_use", "not a lot", "occasional"),
    ("substance_use", "I don't drink", "none"),
    ("substance_use", "never", "none"),
    ("substance_use", "sober", "none"),
    # attendance
    ("can_attend", "yes", "in_person"),
    ("can_attend", "in person is fine", "in_person"),
    ("can_attend", "only online", "virtual_only"),
    ("can_attend", "zoom from home", "virtual_only"),
    ("can_attend", "no, I can't", "no"),
    ("can_attend", "no problem", "in_person"),
    ("can_attend", "not sure", None),
    # groups
    ("group_ok", "sure", "yes"),
    ("group_ok", "not sure", "unsure"),
    ("group_ok", "I'm nervous about it", "unsure"),
    ("group_ok", "no", "no"),
    ("group_ok", "I hate groups", "no"),
    ("group_ok", "I'd rather not say", P),
    # odd input
    ("wish_dead", "", None),
    ("wish_dead", "   ", None),
    ("wish_dead", "\U0001f642", None),
    ("wish_dead", "<b>yes</b>", True),
    ("wish_dead", "YES!!!", True),
    ("wish_dead", "ｙｅｓ", True),
    ("wish_dead", "no\u200b", False),
    ("wish_dead", "yes " * 200, None),
    ("group_ok", "I don\u2019t like groups", "no"),
]


@pytest.mark.parametrize(("field", "text", "expected"), CASES, ids=[f"{c[0]}:{c[1][:30]}" for c in CASES])
def test_parse_answer(field: str, text: str, expected: Parsed) -> None:
    assert parse_answer(field, text) == expected


@pytest.mark.parametrize("field", list(FIELDS))
def test_every_field_accepts_prefer_not_say_and_never_guesses_gibberish(field: str) -> None:
    assert parse_answer(field, "I'd rather not say") is PREFER_NOT_SAY
    assert parse_answer(field, "purple elephant") is None


@pytest.mark.parametrize("field", list(FIELDS))
def test_parsed_values_are_valid_for_the_field(field: str) -> None:
    for case_field, text, _ in CASES:
        value = parse_answer(field, text)
        assert value is None or value is PREFER_NOT_SAY or value in FIELDS[field], (case_field, text)
        if field in BOOLEAN_FIELDS and value is not None and value is not PREFER_NOT_SAY:
            assert isinstance(value, bool)


def test_unknown_field() -> None:
    with pytest.raises(KeyError):
        parse_answer("mood", "yes")


@pytest.mark.parametrize(
    ("field", "raw", "value"),
    [
        ("wish_dead", True, True),
        ("wish_dead", "false", False),
        ("wish_dead", "True", True),
        ("wish_dead", 1, None),
        ("wish_dead", "yes", None),
        ("functioning", "mild", "mild"),
        ("functioning", "Mild", None),
        ("functioning", "extreme", None),
        ("functioning", None, None),
        ("can_attend", ["no"], None),
    ],
)
def test_coerce(field: str, raw: object, value: object) -> None:
    assert coerce(field, raw) == value
    assert type(coerce(field, raw)) is type(value)


def test_normalize() -> None:
    assert normalize("<i>I&#39;d</i>  RATHER\tnot_say!") == "i'd rather not say"
