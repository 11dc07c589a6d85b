"""bot.closing_request: the last sentence of a message of several, and when its request wins."""

from __future__ import annotations

import pytest

from bot.closing_request import REQUEST_CONFIDENCE, closing_request_wins, closing_sentence


@pytest.mark.parametrize(
    ("text", "closing"),
    [
        (
            "just got out of detox, trying to figure out whats next. can u check what level of care i need",
            "can u check what level of care i need",
        ),
        (
            "my son is 16 and struggling w anxiety, are there programs for teens",
            "are there programs for teens",
        ),
        ("I've had a rough month!\nCan someone call me tomorrow", "Can someone call me tomorrow"),
        ("ok thanks. i want to talk to a person", "i want to talk to a person"),
    ],
)
def test_the_closing_sentence_of_a_message_of_several(text: str, closing: str) -> None:
    assert closing_sentence(text) == closing


@pytest.mark.parametrize(
    "text",
    [
        "can u check what level of care i need",  # one sentence: the whole message is the request
        "i drink every day, and it's getting worse",  # a comma without a request after it
        "I need help. Thanks!",  # too short to be a request
        "",
        "   ",
    ],
)
def test_no_closing_sentence_in_a_single_sentence_or_a_short_ending(text: str) -> None:
    assert closing_sentence(text) is None


@pytest.mark.parametrize(
    ("whole", "closing", "confidence", "wins"),
    [
        ("faq", "start_screening", 0.99, True),
        ("nlu_fallback", "find_program", REQUEST_CONFIDENCE, True),
        ("share_feelings", "request_callback", 0.95, True),
        ("faq", "start_screening", REQUEST_CONFIDENCE - 0.01, False),  # not confident enough
        ("crisis", "human_handoff", 0.99, False),  # a crisis reading is never replaced
        ("find_program", "find_program", 0.99, True),  # more confident than an ambiguous whole
        ("faq", "faq", 0.99, False),  # not a request
        ("find_program", "affirm", 0.99, False),  # not a request
        ("find_program", None, 0.99, False),
    ],
)
def test_only_a_confident_request_replaces_the_whole_reading(
    whole: str, closing: str | None, confidence: float, wins: bool
) -> None:
    assert closing_request_wins(whole, closing, confidence) is wins
