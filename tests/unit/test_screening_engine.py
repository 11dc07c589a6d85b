"""The level-of-care engine: every rule, boundary, precedence, flag and invalid input."""

from __future__ import annotations

from typing import Any

import pytest

from bot.screening.engine import (
    FIELDS,
    FLAG_RULES,
    LEVEL_RULES,
    RISK_RULES,
    ScreeningInputError,
    assess_risk,
    screen,
)
from tests.unit.screening_support import calm_answers

# Someone doing fine: every rule before the last stays quiet.
CALM: dict[str, Any] = calm_answers()
THOUGHTS: dict[str, Any] = {
    "suicidal_thoughts": True,
    "suicide_method": False,
    "suicide_intent": False,
    "suicide_plan": False,
}


answers = calm_answers


RISK_CASES = [
    ("calm", {}, "none"),
    ("wish_dead", {"wish_dead": True}, "low"),
    ("thoughts only", THOUGHTS, "low"),
    ("method", {**THOUGHTS, "suicide_method": True}, "moderate"),
    ("behaviour long ago", {"suicide_behavior": "over_3_months_ago"}, "moderate"),
    ("intent", {**THOUGHTS, "suicide_intent": True}, "high"),
    ("plan", {**THOUGHTS, "suicide_plan": True}, "high"),
    ("recent behaviour", {"suicide_behavior": "past_3_months"}, "high"),
    ("high beats moderate", {**THOUGHTS, "suicide_method": True, "suicide_plan": True}, "high"),
    (
        "moderate beats low",
        {"wish_dead": True, "suicide_behavior": "over_3_months_ago"},
        "moderate",
    ),
]


@pytest.mark.parametrize(("changes", "risk"), [c[1:] for c in RISK_CASES], ids=[c[0] for c in RISK_CASES])
def test_risk_follows_cssrs_triage(changes: dict[str, Any], risk: str) -> None:
    assert assess_risk(answers(**changes)) == risk
    assert screen(answers(**changes)).risk == risk


# (id, changes, level, first rule, flags)
LEVEL_CASES = [
    ("L1 intent", {**THOUGHTS, "suicide_intent": True}, "emergency", "L1", ()),
    ("L1 plan", {**THOUGHTS, "suicide_plan": True}, "emergency", "L1", ()),
    ("L1 recent behaviour", {"suicide_behavior": "past_3_months"}, "emergency", "L1", ()),
    ("L1 harm to others", {"harm_to_others": True}, "emergency", "L1", ()),
    (
        "L2 severe withdrawal",
        {"withdrawal": "severe"},
        "inpatient_residential",
        "L2",
        ("needs_detox_first",),
    ),
    ("L3 medically unstable", {"medically_unstable": True}, "inpatient_residential", "L3", ()),
    ("L4 no safe home", {"safe_home": False}, "inpatient_residential", "L4", ("no_safe_home",)),
    ("L5 severe functioning", {"functioning": "severe"}, "php", "L5", ()),
    ("L6 significant functioning", {"functioning": "significant"}, "iop", "L6", ()),
    ("L7 stepping down", {"current_care": "stepping_down"}, "iop", "L7", ("step_down",)),
    (
        "L8 weekly not helping, mild",
        {"current_care": "weekly_not_helping", "functioning": "mild"},
        "iop",
        "L8",
        ("step_up",),
    ),
    ("L9 method", {**THOUGHTS, "suicide_method": True}, "iop", "L9", ()),
    ("L9 behaviour long ago", {"suicide_behavior": "over_3_months_ago"}, "iop", "L9", ()),
    (
        "L10 regular use, mild",
        {"substance_use": "regular", "functioning": "mild"},
        "iop",
        "L10",
        ("substance_use",),
    ),
    ("L11 calm", {}, "outpatient", "L11", ()),
    # boundaries: one step below each threshold falls through to the last rule
    ("low risk is not moderate", {"wish_dead": True, **THOUGHTS}, "outpatient", "L11", ()),
    ("mild withdrawal", {"withdrawal": "mild"}, "outpatient", "L11", ()),
    ("mild functioning", {"functioning": "mild"}, "outpatient", "L11", ()),
    (
        "weekly helping",
        {"current_care": "weekly_helping", "functioning": "mild"},
        "outpatient",
        "L11",
        (),
    ),
    ("L8 needs mild, not none", {"current_care": "weekly_not_helping"}, "outpatient", "L11", ()),
    (
        "occasional use, mild",
        {"substance_use": "occasional", "functioning": "mild"},
        "outpatient",
        "L11",
        (),
    ),
    ("L10 needs mild, not none", {"substance_use": "regular"}, "outpatient", "L11", ()),
    # precedence: the first rule that applies wins
    ("L1 before L2", {"harm_to_others": True, "withdrawal": "severe"}, "emergency", "L1", ()),
    (
        "L2 before L3",
        {"withdrawal": "severe", "medically_unstable": True},
        "inpatient_residential",
        "L2",
        ("needs_detox_first",),
    ),
    (
        "L3 before L4",
        {"medically_unstable": True, "safe_home": False},
        "inpatient_residential",
        "L3",
        (),
    ),
    (
        "L4 before L5",
        {"safe_home": False, "functioning": "severe"},
        "inpatient_residential",
        "L4",
        ("no_safe_home",),
    ),
    ("L5 before L7", {"functioning": "severe", "current_care": "stepping_down"}, "php", "L5", ()),
    (
        "L6 before L7",
        {"functioning": "significant", "current_care": "stepping_down"},
        "iop",
        "L6",
        (),
    ),
    (
        "L7 before L8",
        {"current_care": "stepping_down", "functioning": "mild"},
        "iop",
        "L7",
        ("step_down",),
    ),
    (
        "L8 before L9",
        {
            "current_care": "weekly_not_helping",
            "functioning": "mild",
            "suicide_behavior": "over_3_months_ago",
        },
        "iop",
        "L8",
        ("step_up",),
    ),
    (
        "L9 before L10",
        {
            "suicide_behavior": "over_3_months_ago",
            "substance_use": "regular",
            "functioning": "mild",
        },
        "iop",
        "L9",
        (),
    ),
]


@pytest.mark.parametrize(
    ("changes", "level", "rule", "flags"),
    [c[1:] for c in LEVEL_CASES],
    ids=[c[0] for c in LEVEL_CASES],
)
def test_first_level_rule_that_applies_wins(
    changes: dict[str, Any], level: str, rule: str, flags: tuple[str, ...]
) -> None:
    result = screen(answers(**changes))
    assert (result.level, result.rules[0], result.flags) == (level, rule, flags)
    reason = next(r.reason for r in LEVEL_RULES if r.id == rule)
    assert result.reasons == (reason,)


def test_every_level_rule_has_a_case() -> None:
    assert {c[3] for c in LEVEL_CASES} == {r.id for r in LEVEL_RULES}
    assert {r.id for r in RISK_RULES} == {"R1", "R2", "R3", "R4"}


FLAG_CASES = [
    ("schedule barrier", {"can_attend": "no"}, ("schedule_barrier",), ("F1",)),
    ("virtual only", {"can_attend": "virtual_only"}, ("virtual_only",), ("F2",)),
    ("group hesitant", {"group_ok": "no"}, ("group_hesitant",), ("F3",)),
    ("group unsure is no flag", {"group_ok": "unsure"}, (), ()),
    (
        "two flags",
        {"can_attend": "no", "group_ok": "no"},
        ("schedule_barrier", "group_hesitant"),
        ("F1", "F3"),
    ),
    (
        "level flag first",
        {"withdrawal": "severe", "can_attend": "virtual_only"},
        ("needs_detox_first", "virtual_only"),
        ("F2",),
    ),
]


@pytest.mark.parametrize(
    ("changes", "flags", "flag_rules"), [c[1:] for c in FLAG_CASES], ids=[c[0] for c in FLAG_CASES]
)
def test_flags_add_to_any_level(
    changes: dict[str, Any], flags: tuple[str, ...], flag_rules: tuple[str, ...]
) -> None:
    result = screen(answers(**changes))
    assert result.flags == flags
    assert result.rules[1:] == flag_rules
    by_id = {r.id: r.reason for r in FLAG_RULES}
    assert result.reasons[1:] == tuple(by_id[i] for i in flag_rules)


def test_flags_do_not_change_the_level() -> None:
    assert screen(answers(can_attend="no", group_ok="no")).level == "outpatient"


def test_to_dict_is_the_contract_output() -> None:
    out = screen(answers(safe_home=False, group_ok="no")).to_dict()
    assert out == {
        "level": "inpatient_residential",
        "risk": "none",
        "flags": ["no_safe_home", "group_hesitant"],
        "reasons": [LEVEL_RULES[3].reason, FLAG_RULES[2].reason],
    }


def test_input_is_not_mutated() -> None:
    given = answers(functioning="mild")
    before = dict(given)
    screen(given)
    assert given == before


def _without(name: str) -> dict[str, Any]:
    data = answers()
    del data[name]
    return data


# (id, input, field named in the error)
INVALID_CASES: list[tuple[str, Any, str]] = [
    ("not an object", ["wish_dead"], "answers"),
    ("null", None, "answers"),
    ("unknown field", {**CALM, "mood": "low"}, "mood"),
    *((f"missing {name}", _without(name), name) for name in FIELDS),
    ("string for bool", answers(wish_dead="yes"), "wish_dead"),
    ("int for bool", answers(harm_to_others=0), "harm_to_others"),
    ("null for bool", answers(safe_home=None), "safe_home"),
    ("bool for enum", answers(withdrawal=True), "withdrawal"),
    ("unknown level", answers(functioning="extreme"), "functioning"),
    ("wrong case", answers(can_attend="In_Person"), "can_attend"),
    ("null enum", answers(group_ok=None), "group_ok"),
    ("list value", answers(current_care=["none"]), "current_care"),
    ("Q3 true without Q2", answers(suicide_method=True), "suicide_method"),
    ("Q4 false without Q2", answers(suicide_intent=False), "suicide_intent"),
    ("Q5 true without Q2", answers(suicide_plan=True), "suicide_plan"),
    ("Q3 null after Q2 yes", answers(**{**THOUGHTS, "suicide_method": None}), "suicide_method"),
    ("Q5 null after Q2 yes", answers(**{**THOUGHTS, "suicide_plan": None}), "suicide_plan"),
    ("Q2 invalid", answers(suicidal_thoughts="sometimes"), "suicidal_thoughts"),
]


@pytest.mark.parametrize(("data", "field"), [c[1:] for c in INVALID_CASES], ids=[c[0] for c in INVALID_CASES])
def test_invalid_input_names_the_field(data: Any, field: str) -> None:
    with pytest.raises(ScreeningInputError) as err:
        screen(data)
    assert err.value.field == field
    assert str(err.value).startswith(f"{field}: ")
    assert isinstance(err.value, ValueError)


def test_error_message_is_bounded() -> None:
    with pytest.raises(ScreeningInputError) as err:
        screen(answers(functioning="x" * 10_000))
    assert len(str(err.value)) < 200
    with pytest.raises(ScreeningInputError) as err:
        screen({**CALM, "y" * 10_000: 1})
    assert len(str(err.value)) < 100
