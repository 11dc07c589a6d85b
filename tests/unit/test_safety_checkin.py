"""Reading the answer to "Are you safe right now?" (bot.safety.checkin)."""

from __future__ import annotations

import pytest

from bot.safety.checkin import NOT_SAFE, SAFE, UNSURE, read_safety_answer, still_doubts_safety


@pytest.mark.parametrize(
    ("answer", "reading"),
    [
        ("yes", SAFE),
        ("yeah im ok", SAFE),
        ("I'm safe", SAFE),
        ("no I'm fine", SAFE),
        ("no im fine lol", SAFE),
        ("fine", SAFE),
        ("i'm good now thanks", SAFE),
        ("I'm not going to do anything", SAFE),
        ("sí, estoy bien", SAFE),
        ("no", NOT_SAFE),
        ("nope", NOT_SAFE),
        ("not really", NOT_SAFE),
        ("I don't feel safe", NOT_SAFE),
        ("im not ok", NOT_SAFE),
        ("I am scared", NOT_SAFE),
        ("no estoy bien", NOT_SAFE),
        ("I don't know", UNSURE),
        ("idk", UNSURE),
        ("maybe", UNSURE),
        ("not sure", UNSURE),
        ("kinda", UNSURE),
        ("ok bye", UNSURE),
        ("night", UNSURE),
        ("k gtg", UNSURE),
        ("im fine, bye", SAFE),
        ("I'm safe now, goodnight", SAFE),
        ("what time is it", None),
        ("", None),
        ("   ", None),
    ],
)
def test_answers_are_read_for_this_question(answer: str, reading: str | None) -> None:
    assert read_safety_answer(answer) == reading


@pytest.mark.parametrize(
    ("message", "doubts"),
    [
        ("i dont know", True),
        ("idk honestly", True),
        ("not sure tbh", True),
        ("i guess not really", True),
        ("im not ok", True),
        ("not really", True),
        ("honestly i'm scared", True),
        ("no", False),  # a bare no to "we can carry on, or I can connect you with a person"
        ("no thanks", False),
        ("ok bye", False),  # a leave-taking gets the goodbye, which quotes the line
        ("yes", False),
        ("im fine now", False),
        ("i dont know how much it costs", False),  # a question of its own
        ("not sure what the schedule is?", False),
        ("i dont know if my insurance covers the evening groups at all", False),
        ("", False),
    ],
)
def test_doubt_after_the_safety_reply_is_told_from_a_new_subject(message: str, doubts: bool) -> None:
    assert still_doubts_safety(message) is doubts
