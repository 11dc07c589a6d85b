"""The level-of-care rules engine: validated answers in, a suggested level of care out.

The rules are data (`RISK_RULES`, `LEVEL_RULES`, `FLAG_RULES`) built from small condition records
that both evaluate and describe themselves, so `docs/screening.md` can be checked against the code.
The result is a suggestion for a conversation with a clinician, never a diagnosis.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal, Mapping, Union

Value = Union[bool, str, None]
Level = Literal["emergency", "inpatient_residential", "php", "iop", "outpatient"]
Risk = Literal["high", "moderate", "low", "none"]

BOOL: tuple[Value, ...] = (True, False)
FOLLOW_UP_FIELDS = ("suicide_method", "suicide_intent", "suicide_plan")
"""C-SSRS Q3-Q5: asked only after a yes to Q2 (`suicidal_thoughts`), otherwise null."""

FIELDS: dict[str, tuple[Value, ...]] = {
    "wish_dead": BOOL,
    "suicidal_thoughts": BOOL,
    "suicide_method": BOOL,
    "suicide_intent": BOOL,
    "suicide_plan": BOOL,
    "suicide_behavior": ("never", "past_3_months", "over_3_months_ago"),
    "harm_to_others": BOOL,
    "withdrawal": ("none", "mild", "severe"),
    "medically_unstable": BOOL,
    "substance_use": ("none", "occasional", "regular"),
    "functioning": ("none", "mild", "significant", "severe"),
    "current_care": ("none", "weekly_helping", "weekly_not_helping", "stepping_down"),
    "safe_home": BOOL,
    "can_attend": ("in_person", "virtual_only", "no"),
    "group_ok": ("yes", "unsure", "no"),
}
"""Every input field and its allowed values, in the order the conversation asks them."""

# Someone for whom no rule but the last applies (level outpatient, risk none, no flags): the baseline
# that tests and the evaluation vary one field at a time.
NO_CONCERNS: Mapping[str, Value] = MappingProxyType(
    {
        "wish_dead": False,
        "suicidal_thoughts": False,
        "suicide_method": None,
        "suicide_intent": None,
        "suicide_plan": None,
        "suicide_behavior": "never",
        "harm_to_others": False,
        "withdrawal": "none",
        "medically_unstable": False,
        "substance_use": "none",
        "functioning": "none",
        "current_care": "none",
        "safe_home": True,
        "can_attend": "in_person",
        "group_ok": "yes",
    }
)
LEVELS: tuple[Level, ...] = ("emergency", "inpatient_residential", "php", "iop", "outpatient")
RISKS: tuple[Risk, ...] = ("high", "moderate", "low", "none")


class ScreeningInputError(ValueError):
    """The answers are not valid input; `field` names the offending field."""

    def __init__(self, field: str, problem: str) -> None:
        """Name the offending `field` and the `problem` with it; the message is "field: problem"."""
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def show(value: Value) -> str:
    """A value as written in the docs and JSON: true, false, null or the plain string."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@dataclass(frozen=True)
class Is:
    """`field` has one of `values` (a field name or the derived fact `risk`)."""

    field: str
    values: tuple[Value, ...]

    def holds(self, facts: Mapping[str, Value]) -> bool:
        """Whether the fact matches; booleans compare by identity so 1 never equals true."""
        actual = facts[self.field]
        return any(actual is v if isinstance(v, bool) else actual == v for v in self.values)

    def text(self) -> str:
        """E.g. "`functioning` is significant"; several values are joined with "or"."""
        return f"`{self.field}` is " + " or ".join(show(v) for v in self.values)


@dataclass(frozen=True)
class AllOf:
    """Every part holds."""

    parts: tuple[Condition, ...]

    def holds(self, facts: Mapping[str, Value]) -> bool:
        """True when all parts hold."""
        return all(p.holds(facts) for p in self.parts)

    def text(self) -> str:
        """Parts joined with "and" (nested groups in parentheses)."""
        return " and ".join(_nested(p) for p in self.parts)


@dataclass(frozen=True)
class AnyOf:
    """At least one part holds."""

    parts: tuple[Condition, ...]

    def holds(self, facts: Mapping[str, Value]) -> bool:
        """True when any part holds."""
        return any(p.holds(facts) for p in self.parts)

    def text(self) -> str:
        """Parts joined with "or" (nested groups in parentheses)."""
        return " or ".join(_nested(p) for p in self.parts)


@dataclass(frozen=True)
class Otherwise:
    """Always holds: the last rule."""

    def holds(self, facts: Mapping[str, Value]) -> bool:
        """Always true."""
        return True

    def text(self) -> str:
        """The word "otherwise"."""
        return "otherwise"


Condition = Union[Is, AllOf, AnyOf, Otherwise]


def _nested(condition: Condition) -> str:
    return f"({condition.text()})" if isinstance(condition, (AllOf, AnyOf)) else condition.text()


@dataclass(frozen=True)
class RiskRule:
    """One C-SSRS triage step: the first that holds sets `risk`."""

    id: str
    condition: Condition
    risk: Risk
    source: str


@dataclass(frozen=True)
class Rule:
    """A level rule (`level` set; the first that holds wins) or a flag rule (`level` None)."""

    id: str
    condition: Condition
    level: Level | None
    flag: str | None
    reason: str
    source: str


RISK_RULES: tuple[RiskRule, ...] = (
    RiskRule(
        "R1",
        AnyOf(
            (
                Is("suicide_intent", (True,)),
                Is("suicide_plan", (True,)),
                Is("suicide_behavior", ("past_3_months",)),
            )
        ),
        "high",
        "cssrs (Q4, Q5; Q6 in the past 3 months)",
    ),
    RiskRule(
        "R2",
        AnyOf((Is("suicide_method", (True,)), Is("suicide_behavior", ("over_3_months_ago",)))),
        "moderate",
        "cssrs (Q3; Q6 over 3 months ago)",
    ),
    RiskRule(
        "R3",
        AnyOf((Is("wish_dead", (True,)), Is("suicidal_thoughts", (True,)))),
        "low",
        "cssrs (Q1, Q2)",
    ),
    RiskRule("R4", Otherwise(), "none", "cssrs (all answers no)"),
)

LEVEL_RULES: tuple[Rule, ...] = (
    Rule(
        "L1",
        AnyOf((Is("risk", ("high",)), Is("harm_to_others", (True,)))),
        "emergency",
        None,
        "You told me about thoughts of suicide with intent or a plan, recent suicidal behaviour, "
        "or thoughts of seriously harming someone. That needs help right now, before any program.",
        "cssrs (high risk); seed-000 (IOP needs no acute crisis, no immediate danger to self or others)",
    ),
    Rule(
        "L2",
        Is("withdrawal", ("severe",)),
        "inpatient_residential",
        "needs_detox_first",
        "You described withdrawal that can be dangerous (seizures, DTs, or feeling sick without "
        "the substance). That usually needs medically supervised detox before an IOP.",
        "asam-criteria (dimension 1); seed-002 (medically supervised withdrawal); "
        "seed-003 (detox before IOP)",
    ),
    Rule(
        "L3",
        Is("medically_unstable", (True,)),
        "inpatient_residential",
        None,
        "You said you may need medical monitoring around the clock, which an outpatient "
        "program cannot provide.",
        "asam-criteria (dimension 2; levels 3-4); seed-001 (24-hour medical monitoring); "
        "seed-003 (24/7 supervision)",
    ),
    Rule(
        "L4",
        Is("safe_home", (False,)),
        "inpatient_residential",
        "no_safe_home",
        "You said you do not have a safe place to go home to. An IOP sends you home after each "
        "session, so a setting with a place to stay usually comes first.",
        "asam-criteria (dimension 6; level 3); seed-000, seed-001, seed-002, seed-003 (safe, stable home)",
    ),
    Rule(
        "L5",
        Is("functioning", ("severe",)),
        "php",
        None,
        "You said you cannot manage basic daily tasks right now. A partial hospitalization "
        "program gives nearly daily structure while you still sleep at home.",
        "asam-criteria (dimension 3; level 2.5); seed-001 (PHP for near-daily monitoring)",
    ),
    Rule(
        "L6",
        Is("functioning", ("significant",)),
        "iop",
        None,
        "You said your symptoms get in the way of work, school or relationships. That is when "
        "more than weekly therapy often helps.",
        "asam-criteria (dimension 3; level 2.1); seed-000, seed-001 (impairment in daily functioning)",
    ),
    Rule(
        "L7",
        Is("current_care", ("stepping_down",)),
        "iop",
        "step_down",
        "You are stepping down from inpatient, residential or partial hospitalization care. An "
        "IOP is a common bridge back to daily life.",
        "seed-000, seed-001, seed-002, seed-003 (step-down)",
    ),
    Rule(
        "L8",
        AllOf((Is("current_care", ("weekly_not_helping",)), Is("functioning", ("mild",)))),
        "iop",
        "step_up",
        "Weekly therapy is not helping enough and your symptoms affect your daily life. Stepping "
        "up to an IOP is a common next step.",
        "seed-000, seed-001, seed-003 (step-up when weekly therapy is not enough)",
    ),
    Rule(
        "L9",
        Is("risk", ("moderate",)),
        "iop",
        None,
        "You mentioned thinking about how you might end your life, or an attempt some time "
        "ago. More frequent support and a clinician's review are recommended.",
        "cssrs (moderate risk); seed-001 (safety concerns call for more support)",
    ),
    Rule(
        "L10",
        AllOf((Is("substance_use", ("regular",)), Is("functioning", ("mild",)))),
        "iop",
        "substance_use",
        "You use alcohol or drugs regularly and it affects your daily life a little. Many IOPs "
        "treat substance use and mental health together.",
        "asam-criteria (level 2.1); seed-001, seed-003 (substance use and co-occurring conditions)",
    ),
    Rule(
        "L11",
        Otherwise(),
        "outpatient",
        None,
        "From your answers, weekly outpatient support may be enough for now.",
        "asam-criteria (level 1); seed-000, seed-001 (stable, functioning well)",
    ),
)

FLAG_RULES: tuple[Rule, ...] = (
    Rule(
        "F1",
        Is("can_attend", ("no",)),
        None,
        "schedule_barrier",
        "You said attending 3 to 5 days a week would be hard. Ask programs about evening, "
        "weekend or virtual schedules.",
        "seed-001 (managing the schedule); seed-002 (commute and missed sessions)",
    ),
    Rule(
        "F2",
        Is("can_attend", ("virtual_only",)),
        None,
        "virtual_only",
        "You can only attend online. Many programs offer virtual IOP; you need a private space, "
        "a stable connection and a device with camera and microphone.",
        "seed-001, seed-003 (virtual IOP)",
    ),
    Rule(
        "F3",
        Is("group_ok", ("no",)),
        None,
        "group_hesitant",
        "You would rather not do groups. Most IOP time is group therapy, so mention this at the "
        "assessment; you can start by listening.",
        "seed-000, seed-001 (group therapy is most of IOP)",
    ),
)


@dataclass(frozen=True)
class ScreeningResult:
    """What the engine suggests; `rules` lists the ids of the rules that fired."""

    level: Level
    risk: Risk
    flags: tuple[str, ...]
    reasons: tuple[str, ...]
    rules: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """The JSON output: level, risk, flags, reasons."""
        return {
            "level": self.level,
            "risk": self.risk,
            "flags": list(self.flags),
            "reasons": list(self.reasons),
        }


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def validate(answers: object) -> dict[str, Value]:
    """Check `answers` and return a plain copy; raise `ScreeningInputError` naming the field.

    Exactly the fields of `FIELDS`; booleans must be real booleans. `suicide_method`,
    `suicide_intent` and `suicide_plan` must be null when `suicidal_thoughts` is false (a
    true/false there is an error) and true/false when it is true.
    """
    if not isinstance(answers, Mapping):
        raise ScreeningInputError("answers", f"must be an object, got {type(answers).__name__}")
    unknown = sorted(str(k) for k in answers if k not in FIELDS)
    if unknown:
        name = unknown[0]
        raise ScreeningInputError(name if len(name) <= 40 else name[:37] + "...", "unknown field")
    for name in FIELDS:
        if name not in answers:
            raise ScreeningInputError(name, "missing")
    clean: dict[str, Value] = {}
    thoughts = answers["suicidal_thoughts"]
    for name, allowed in FIELDS.items():
        value = answers[name]
        if name in FOLLOW_UP_FIELDS and thoughts is False:
            if value is not None:
                raise ScreeningInputError(name, "must be null when suicidal_thoughts is false")
        elif isinstance(value, bool) != (allowed == BOOL) or value not in allowed:
            raise ScreeningInputError(
                name, f"must be one of {', '.join(show(v) for v in allowed)}, got {_short(value)}"
            )
        clean[name] = value
    return clean


def assess_risk(answers: Mapping[str, Value]) -> Risk:
    """C-SSRS triage: the risk of the first risk rule that holds."""
    return next(r.risk for r in RISK_RULES if r.condition.holds(answers))


def screen(answers: object) -> ScreeningResult:
    """Validate `answers` and suggest a level of care with risk, flags and reasons."""
    clean = validate(answers)
    risk = assess_risk(clean)
    facts: dict[str, Value] = {**clean, "risk": risk}
    rule = next(r for r in LEVEL_RULES if r.condition.holds(facts))
    assert rule.level is not None
    fired = [rule, *(r for r in FLAG_RULES if r.condition.holds(facts))]
    flags = tuple(dict.fromkeys(r.flag for r in fired if r.flag))
    return ScreeningResult(
        level=rule.level,
        risk=risk,
        flags=flags,
        reasons=tuple(r.reason for r in fired),
        rules=tuple(r.id for r in fired),
    )
