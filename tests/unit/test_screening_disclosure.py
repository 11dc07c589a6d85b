"""What a screening disclosed: risk so far, the once-only acknowledgement, changes that lower risk."""

from __future__ import annotations

from typing import Any

import pytest

from bot.screening.disclosure import (
    AnswerChange,
    acknowledges_thoughts,
    attention,
    describe_change,
    lowering_change,
    needs_staff,
    risk_so_far,
    thoughts_disclosed,
)


@pytest.mark.parametrize(
    ("answers", "risk"),
    [
        ({}, "none"),
        ({"functioning": "severe", "wish_dead": False}, "none"),
        ({"wish_dead": True}, "low"),
        ({"suicidal_thoughts": True, "suicide_method": True}, "moderate"),
        ({"suicide_behavior": "over_3_months_ago"}, "moderate"),
        ({"suicidal_thoughts": True, "suicide_method": False, "suicide_intent": True}, "high"),
        ({"suicide_behavior": "past_3_months"}, "high"),
    ],
)
def test_risk_so_far_counts_only_what_was_answered(answers: dict[str, Any], risk: str) -> None:
    assert risk_so_far(answers) == risk


def test_thoughts_are_acknowledged_once_per_screening() -> None:
    assert acknowledges_thoughts({"functioning": "mild"}, "wish_dead", True)
    assert not acknowledges_thoughts({}, "wish_dead", False)
    assert not acknowledges_thoughts({"wish_dead": True}, "suicidal_thoughts", True)  # already said
    assert acknowledges_thoughts({"wish_dead": False}, "suicidal_thoughts", True)
    assert acknowledges_thoughts({"wish_dead": True}, "wish_dead", True)  # answered again after a change
    assert not acknowledges_thoughts({}, "suicide_method", True)  # Q3-Q6: the risk rules handle those
    assert thoughts_disclosed({"suicidal_thoughts": True}) and not thoughts_disclosed({"wish_dead": False})


@pytest.mark.parametrize(
    ("disclosed", "field", "new", "expected"),
    [
        ({"wish_dead": True}, "wish_dead", False, AnswerChange("wish_dead", True, False)),
        ({"suicide_plan": True}, "suicide_plan", False, AnswerChange("suicide_plan", True, False)),
        (
            {"suicide_behavior": "past_3_months"},
            "suicide_behavior",
            "over_3_months_ago",
            AnswerChange("suicide_behavior", "past_3_months", "over_3_months_ago"),
        ),
        ({"suicide_behavior": "over_3_months_ago"}, "suicide_behavior", "past_3_months", None),  # raises
        ({"wish_dead": False}, "wish_dead", True, None),  # more worrying: nothing hidden
        ({"wish_dead": True}, "wish_dead", True, None),
        ({}, "wish_dead", False, None),  # first answer
        ({"functioning": "severe"}, "functioning", "none", None),  # not a safety question
        (
            {
                "suicidal_thoughts": True,
                "suicide_method": True,
                "suicide_intent": False,
                "suicide_plan": None,
            },
            "suicidal_thoughts",
            False,
            AnswerChange("suicidal_thoughts", True, False, {"suicide_method": True}),
        ),
    ],
)
def test_lowering_change(disclosed: dict[str, Any], field: str, new: Any, expected: Any) -> None:
    assert lowering_change(disclosed, field, new) == expected


def test_changes_round_trip_as_enumerated_values() -> None:
    change = AnswerChange("suicidal_thoughts", True, False, {"suicide_method": True})
    assert change.to_dict() == {
        "field": "suicidal_thoughts", "from": True, "to": False, "cleared": {"suicide_method": True},
    }  # fmt: skip
    assert AnswerChange.from_dict({**change.to_dict(), "at": "2024-05-01T12:00:00+00:00"}) == change
    assert describe_change(change) == (
        'Changed "Thoughts of suicide" from yes to no; this cleared the earlier answers '
        '"How you might do it" yes'
    )
    assert describe_change(AnswerChange("suicide_behavior", "past_3_months", "never")) == (
        'Changed "Past actions" from past 3 months to never'
    )


@pytest.mark.parametrize(
    ("answers", "changes", "needed"),
    [
        ({"functioning": "mild", "wish_dead": False}, (), False),
        ({"wish_dead": True}, (), True),
        ({"suicide_behavior": "over_3_months_ago"}, (), True),
        ({"harm_to_others": True}, (), True),
        ({"wish_dead": False}, (AnswerChange("wish_dead", True, False),), True),
    ],
)
def test_needs_staff(answers: dict[str, Any], changes: tuple, needed: bool) -> None:
    assert needs_staff(answers, changes) is needed


def test_attention_says_why_in_plain_sentences() -> None:
    change = AnswerChange("wish_dead", True, False)
    assert attention("completed", {"wish_dead": False}) == ()
    assert attention("completed", {"wish_dead": True}) == ("Suicidal thoughts in the past month",)
    assert attention("completed", {"wish_dead": True}, ["wish_dead"]) == (
        "Suicidal thoughts in the past month (declined to answer, counted as yes)",
    )
    assert attention("in_progress", {"wish_dead": False}, (), [change], "none") == (
        "Not finished: still answering, or left the screening",
        'Changed "Wishing you were dead" from yes to no',
    )
    assert attention("abandoned", {"suicide_method": True}, (), (), "moderate")[0] == (
        "Stopped before the end after a moderate-risk answer"
    )
    assert attention("abandoned", {"wish_dead": True}, (), (), "low")[0] == "Stopped before the end"
    assert attention("escalated", {"suicide_plan": True})[0].startswith("Stopped at once")
