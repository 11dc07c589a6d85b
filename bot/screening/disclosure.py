"""What a screening disclosed, for staff: risk so far, suicidal thoughts, answers changed to lower risk.

Pure functions over answers (field -> value) and recorded changes. The screening keeps what was
disclosed: an answer changed to a less worrying one is recorded with the original (and the answers
that depended on it), and a screening that disclosed risk reaches staff even when it is never finished.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any, Iterable, Mapping, Sequence

from bot.screening.engine import FIELDS, Risk, Value, assess_risk
from bot.screening.flow import dependents, skipped_values
from bot.screening.messages import QUESTION_LABELS

THOUGHT_FIELDS: tuple[str, ...] = ("wish_dead", "suicidal_thoughts")
"""C-SSRS Q1-Q2: past-month suicidal thoughts, acknowledged at once with crisis resources."""

CONCERN: dict[str, dict[Value, int]] = {
    **{
        name: {True: 1, False: 0, None: 0}
        for name in (*THOUGHT_FIELDS, "suicide_method", "suicide_intent", "suicide_plan", "harm_to_others")
    },
    "suicide_behavior": {"past_3_months": 2, "over_3_months_ago": 1, "never": 0, None: 0},
}
"""How worrying each answer to a safety question is (C-SSRS Q1-Q6 and harm to others); higher is worse."""

STAFF_RISKS: tuple[Risk, ...] = ("high", "moderate")


def concern(name: str, value: Value) -> int:
    """How worrying `value` is for the safety question `name` (0 for other questions)."""
    return CONCERN.get(name, {}).get(value, 0)


def risk_so_far(answers: Mapping[str, Value]) -> Risk:
    """The C-SSRS risk of the answers given so far; a question not answered yet discloses nothing."""
    return assess_risk({**dict.fromkeys(FIELDS), **answers})


def thoughts_disclosed(answers: Mapping[str, Value]) -> bool:
    """Whether the answers include past-month suicidal thoughts (Q1 or Q2 yes, or declined)."""
    return any(answers.get(name) is True for name in THOUGHT_FIELDS)


def acknowledges_thoughts(before: Mapping[str, Value], name: str, value: Value) -> bool:
    """Whether this answer is the screening's first disclosure of past-month suicidal thoughts.

    `before` are the other answers so far; the acknowledgement (crisis resources) comes once.
    """
    others = {k: v for k, v in before.items() if k != name}
    return name in THOUGHT_FIELDS and value is True and not thoughts_disclosed(others)


def needs_staff(answers: Mapping[str, Value], changes: Sequence[AnswerChange] = ()) -> bool:
    """Whether an unfinished screening must reach staff: any risk, harm to others, or a lowering change."""
    return risk_so_far(answers) != "none" or answers.get("harm_to_others") is True or bool(changes)


@dataclass(frozen=True)
class AnswerChange:
    """An answer changed to a less worrying one; `cleared` are worrying answers that depended on it."""

    field: str
    original: Value
    new: Value
    cleared: dict[str, Value] = dataclass_field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """The stored JSON shape (enumerated values only)."""
        return {"field": self.field, "from": self.original, "to": self.new, "cleared": dict(self.cleared)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnswerChange:
        """Read a stored change back."""
        return cls(str(data["field"]), data.get("from"), data.get("to"), dict(data.get("cleared") or {}))


def lowering_change(disclosed: Mapping[str, Value], name: str, new: Value) -> AnswerChange | None:
    """The change, when answering `new` to `name` is less worrying than what was disclosed before.

    `disclosed` holds the answers as first given (a cleared answer keeps its value there until it is
    answered again). Worrying answers that the new one makes unnecessary (Q3-Q5 after Q2 becomes no)
    are kept in `cleared`.
    """
    if name not in disclosed or concern(name, new) >= concern(name, disclosed[name]):
        return None
    skipped = skipped_values({**disclosed, name: new})
    cleared = {
        dep: disclosed[dep]
        for dep in dependents(name)
        if dep in skipped and dep in disclosed and concern(dep, disclosed[dep]) > concern(dep, skipped[dep])
    }
    return AnswerChange(name, disclosed[name], new, cleared)


def show_answer(value: Value) -> str:
    """An answer in plain words for staff: yes, no, not asked, or the value's words."""
    if value is None:
        return "not asked"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value.replace("_", " ")


def describe_change(change: AnswerChange) -> str:
    """E.g. "Changed "Wishing you were dead" from yes to no (first answered yes)"."""
    label = QUESTION_LABELS.get(change.field, change.field)
    text = f'Changed "{label}" from {show_answer(change.original)} to {show_answer(change.new)}'
    if change.cleared:
        earlier = ", ".join(
            f'"{QUESTION_LABELS.get(k, k)}" {show_answer(v)}' for k, v in change.cleared.items()
        )
        text += f"; this cleared the earlier answers {earlier}"
    return text


STATUS_NOTES: dict[str, str] = {
    "in_progress": "Not finished: still answering, or left the screening",
    "escalated": "Stopped at once for an answer that needs help now; crisis resources shown",
}


def attention(
    status: str,
    answers: Mapping[str, Value],
    declined: Iterable[str] = (),
    changes: Sequence[AnswerChange] = (),
    risk: str | None = None,
) -> tuple[str, ...]:
    """Plain sentences telling staff why a screening needs a look (empty: nothing beyond its result)."""
    notes: list[str] = []
    if status in STATUS_NOTES:
        notes.append(STATUS_NOTES[status])
    elif status == "abandoned":
        after = f" after a {risk}-risk answer" if risk in STAFF_RISKS else ""
        notes.append(f"Stopped before the end{after}")
    declined_set = set(declined)
    if thoughts_disclosed(answers):
        said = [n for n in THOUGHT_FIELDS if answers.get(n) is True]
        how = " (declined to answer, counted as yes)" if all(n in declined_set for n in said) else ""
        notes.append(f"Suicidal thoughts in the past month{how}")
    notes.extend(describe_change(c) for c in changes)
    return tuple(notes)
