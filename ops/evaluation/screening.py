"""Exercise every rule of the screening engine: one input per way a rule can fire, checked by `screen`.

A rule's condition is expanded into its alternatives (disjunctive normal form); each alternative is
applied to the engine's `NO_CONCERNS` answers (which end in L11, weekly outpatient). Conditions on the
derived fact `risk` are expanded through the risk rules that produce that risk.
"""

from __future__ import annotations

import itertools
import random
from collections import Counter
from dataclasses import dataclass
from typing import Any, Mapping

from bot.screening.engine import (
    FIELDS,
    FLAG_RULES,
    FOLLOW_UP_FIELDS,
    LEVEL_RULES,
    LEVELS,
    NO_CONCERNS,
    RISK_RULES,
    AllOf,
    AnyOf,
    Condition,
    Is,
    Otherwise,
    Value,
    screen,
)

BASELINE: Mapping[str, Value] = NO_CONCERNS
"""Answers that fire no rule except the fall-throughs R4 (no risk) and L11 (outpatient)."""

Assignment = tuple[tuple[str, Value], ...]


def alternatives(condition: Condition) -> list[Assignment]:
    """Every minimal assignment that makes `condition` hold (one per value, per `AnyOf` part)."""
    if isinstance(condition, Otherwise):
        return [()]
    if isinstance(condition, Is):
        if condition.field == "risk":
            return [a for v in condition.values for a in _risk_alternatives(v)]
        return [((condition.field, v),) for v in condition.values]
    if isinstance(condition, AnyOf):
        return [a for part in condition.parts for a in alternatives(part)]
    if isinstance(condition, AllOf):
        return [
            tuple(itertools.chain.from_iterable(combo))
            for combo in itertools.product(*(alternatives(p) for p in condition.parts))
        ]
    raise TypeError(f"unknown condition {condition!r}")


def _risk_alternatives(risk: Value) -> list[Assignment]:
    return [a for rule in RISK_RULES if rule.risk == risk for a in alternatives(rule.condition)]


def make_answers(assignment: Assignment) -> dict[str, Value]:
    """The baseline with `assignment` applied, made valid: a follow-up answer implies a yes to Q2."""
    answers = dict(BASELINE)
    answers.update(assignment)
    if any(answers[f] is not None for f in FOLLOW_UP_FIELDS) or answers["suicidal_thoughts"] is True:
        answers["suicidal_thoughts"] = True
        for name in FOLLOW_UP_FIELDS:
            if answers[name] is None:
                answers[name] = False
    return answers


@dataclass(frozen=True)
class RuleCase:
    """One generated input for one rule, and whether the engine fired that rule as documented."""

    rule: str
    kind: str  # "risk", "level" or "flag"
    expected: str  # the risk, level or flag the rule sets
    assignment: Assignment
    got_level: str
    got_risk: str
    fired: tuple[str, ...]
    passed: bool


def _case(rule_id: str, kind: str, expected: str, assignment: Assignment) -> RuleCase:
    result = screen(make_answers(assignment))
    if kind == "risk":
        passed = result.risk == expected
    elif kind == "level":
        passed = result.rules[0] == rule_id and result.level == expected
    else:
        passed = rule_id in result.rules and expected in result.flags
    return RuleCase(rule_id, kind, expected, assignment, result.level, result.risk, result.rules, passed)


def rule_cases() -> list[RuleCase]:
    """One case per alternative of every risk, level and flag rule."""
    cases = [
        _case(r.id, "risk", r.risk, a) for r in RISK_RULES for a in alternatives(r.condition)
    ]
    for rule in LEVEL_RULES:
        assert rule.level is not None
        cases += [_case(rule.id, "level", rule.level, a) for a in alternatives(rule.condition)]
    for rule in FLAG_RULES:
        assert rule.flag is not None
        cases += [_case(rule.id, "flag", rule.flag, a) for a in alternatives(rule.condition)]
    return cases


def random_answers(rng: random.Random) -> dict[str, Value]:
    """A random valid set of answers (follow-ups null unless Q2 is yes)."""
    answers = {name: rng.choice(values) for name, values in FIELDS.items()}
    if answers["suicidal_thoughts"] is False:
        answers.update(dict.fromkeys(FOLLOW_UP_FIELDS))
    return answers


def evaluate_screening(samples: int = 5000, seed: int = 7) -> dict[str, Any]:
    """Rule coverage (every rule fired as documented) and level counts for cases and random inputs."""
    cases = rule_cases()
    all_rules = [r.id for r in RISK_RULES] + [r.id for r in (*LEVEL_RULES, *FLAG_RULES)]
    covered = sorted({c.rule for c in cases if c.passed}, key=all_rules.index)
    rng = random.Random(seed)
    sampled = Counter(screen(random_answers(rng)).level for _ in range(samples))
    return {
        "rules": len(all_rules),
        "rules_covered": len(covered),
        "uncovered": [r for r in all_rules if r not in covered],
        "cases": len(cases),
        "cases_passed": sum(c.passed for c in cases),
        "case_table": [
            {
                "rule": c.rule,
                "kind": c.kind,
                "expected": c.expected,
                "input": ", ".join(f"{k}={_show(v)}" for k, v in c.assignment) or "(baseline)",
                "level": c.got_level,
                "risk": c.got_risk,
                "passed": c.passed,
            }
            for c in cases
        ],
        "levels_in_cases": {level: sum(c.got_level == level for c in cases) for level in LEVELS},
        "random_samples": samples,
        "levels_in_random": {level: sampled.get(level, 0) for level in LEVELS},
    }


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)
