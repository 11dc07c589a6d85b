"""Screening coverage: every documented rule of the engine is exercised by a generated input."""

from __future__ import annotations

from bot.screening.engine import FLAG_RULES, LEVEL_RULES, RISK_RULES, AllOf, AnyOf, Is, screen
from ops.evaluation.screening import BASELINE, alternatives, evaluate_screening, make_answers, rule_cases


def test_the_baseline_fires_only_the_fall_through_rules() -> None:
    result = screen(BASELINE)
    assert (result.level, result.risk, result.rules) == ("outpatient", "none", ("L11",))


def test_alternatives_expand_any_of_and_all_of() -> None:
    condition = AllOf((AnyOf((Is("a", (True,)), Is("b", ("x", "y")))), Is("c", (False,))))
    assert alternatives(condition) == [
        (("a", True), ("c", False)),
        (("b", "x"), ("c", False)),
        (("b", "y"), ("c", False)),
    ]


def test_conditions_on_risk_expand_through_the_risk_rules() -> None:
    high = alternatives(Is("risk", ("high",)))
    assert (("suicide_plan", True),) in high
    assert (("suicide_behavior", "past_3_months"),) in high


def test_a_follow_up_answer_makes_the_answers_valid() -> None:
    answers = make_answers((("suicide_plan", True),))
    assert answers["suicidal_thoughts"] is True
    assert answers["suicide_method"] is False and answers["suicide_intent"] is False
    assert screen(answers).level == "emergency"


def test_every_rule_is_exercised_and_fires_as_documented() -> None:
    cases = rule_cases()
    assert all(case.passed for case in cases), [c for c in cases if not c.passed]
    every_rule = {r.id for r in RISK_RULES} | {r.id for r in (*LEVEL_RULES, *FLAG_RULES)}
    assert {case.rule for case in cases} == every_rule
    l8 = [case for case in cases if case.rule == "L8"]
    assert l8[0].got_level == "iop" and l8[0].fired[0] == "L8"


def test_a_rule_shadowed_by_an_earlier_one_is_reported(monkeypatch) -> None:
    import ops.evaluation.screening as coverage

    shadowed = {**BASELINE, "withdrawal": "severe"}  # L2 (detox first) fires before L6 can
    monkeypatch.setattr(coverage, "BASELINE", shadowed)
    l6 = next(case for case in coverage.rule_cases() if case.rule == "L6")
    assert not l6.passed and l6.got_level == "inpatient_residential"


def test_summary_counts_cases_per_level() -> None:
    summary = evaluate_screening(samples=200, seed=1)
    assert summary["rules_covered"] == summary["rules"] == 18
    assert summary["uncovered"] == []
    assert sum(summary["levels_in_cases"].values()) == summary["cases"]
    assert sum(summary["levels_in_random"].values()) == 200
    assert summary["levels_in_cases"]["emergency"] >= 2
