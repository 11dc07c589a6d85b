"""Free-text conversations (tests/conversations/freetext.yml) replayed through a running assistant.

Each user turn goes through the REST channel; the conversation's tracker then says what the bot did in
reply: the actions it ran and, for retrieval answers, the response it chose (`utter_faq/cost`). A turn
passes when one of its expected names is among them, none of its forbidden names is, and every slot it
names holds the expected value. A turn is a fallback when the message was not understood
(`nlu_fallback`) or a fallback action answered it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import yaml

FREETEXT = Path(__file__).resolve().parents[2] / "tests" / "conversations" / "freetext.yml"
FALLBACK_NAMES = frozenset(
    {"action_suggest_topics", "utter_default", "action_default_fallback", "nlu_fallback"}
)
_IGNORED = frozenset({"action_listen", "action_extract_slots"})

Say = Callable[[str, str], object]
"""Send (sender, text) through the REST channel."""
Tracker = Callable[[str], Mapping[str, Any]]
"""The tracker of a sender, as Rasa's HTTP API returns it."""


@dataclass(frozen=True)
class TurnResult:
    """What one user turn got, and whether that is what a person expects."""

    conversation: str
    index: int
    user: str
    expected: tuple[str, ...]
    outcomes: tuple[str, ...]
    intent: str
    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        """Expected reply, nothing forbidden, slots as expected."""
        return not self.problems

    @property
    def fallback(self) -> bool:
        """The message was not understood, or a fallback answered it (the strict count)."""
        return bool(FALLBACK_NAMES & {self.intent, *self.outcomes})

    @property
    def fallback_reply(self) -> bool:
        """A fallback answered it: what the person saw ("I'm not sure I understood", "Sorry, ...").

        Narrower than `fallback`: a name typed into the callback form is often `nlu_fallback` to the
        NLU, yet the form takes it and asks the next question.
        """
        return bool(FALLBACK_NAMES & set(self.outcomes))


def load_conversations(path: Path = FREETEXT) -> list[dict[str, Any]]:
    """The conversations of a test file."""
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"])


def turn_outcomes(events: Sequence[Mapping[str, Any]]) -> tuple[str, tuple[str, ...]]:
    """(the latest user message's intent, what the bot did after it: action and response names)."""
    last_user = max((i for i, e in enumerate(events) if e.get("event") == "user"), default=-1)
    intent = ""
    if last_user >= 0:
        intent = str(((events[last_user].get("parse_data") or {}).get("intent") or {}).get("name") or "")
    names: list[str] = []
    for event in events[last_user + 1 :]:
        if event.get("event") == "action" and event.get("name") not in _IGNORED:
            names.append(str(event["name"]))
        elif event.get("event") == "bot":
            chosen = (event.get("metadata") or {}).get("utter_action")
            if chosen:
                names.append(str(chosen))
    return intent, tuple(dict.fromkeys(names))


def judge(
    turn: Mapping[str, Any], intent: str, outcomes: Iterable[str], slots: Mapping[str, Any]
) -> tuple[str, ...]:
    """Why a turn falls short of its expectation (empty when it passes)."""
    got = set(outcomes)
    problems: list[str] = []
    expected = [str(name) for name in turn.get("expect") or []]
    if expected and not got & set(expected):
        problems.append(f"expected one of {expected}")
    forbidden = sorted(got & {str(name) for name in turn.get("not") or []})
    if forbidden:
        problems.append(f"must not {forbidden}")
    for slot, value in (turn.get("slots") or {}).items():
        actual = slots.get(slot)
        if not _same(actual, value):
            problems.append(f"slot {slot}={actual!r}, expected {value!r}")
    return tuple(problems)


def _same(actual: Any, expected: Any) -> bool:
    if isinstance(expected, (bool, type(None))) or isinstance(actual, bool):
        return actual is expected or actual == expected
    return str(actual) == str(expected)


def run_conversation(conversation: Mapping[str, Any], say: Say, tracker: Tracker) -> list[TurnResult]:
    """Replay one conversation with a new sender id; judge every turn."""
    sender = f"freetext-{uuid.uuid4().hex[:12]}"
    results: list[TurnResult] = []
    for index, turn in enumerate(conversation["turns"]):
        text = str(turn["user"])
        say(sender, text)
        state = tracker(sender)
        intent, outcomes = turn_outcomes(state.get("events") or [])
        results.append(
            TurnResult(
                conversation=str(conversation["name"]),
                index=index,
                user=text,
                expected=tuple(str(n) for n in turn.get("expect") or []),
                outcomes=outcomes,
                intent=intent,
                problems=judge(turn, intent, outcomes, state.get("slots") or {}),
            )
        )
    return results


def summarise(results: Sequence[TurnResult]) -> dict[str, Any]:
    """Pass and fallback rates, and every failed turn with what it got."""
    turns = len(results)
    passed = sum(r.passed for r in results)
    fallbacks = sum(r.fallback for r in results)
    replies = sum(r.fallback_reply for r in results)
    return {
        "conversations": len({r.conversation for r in results}),
        "turns": turns,
        "passed": passed,
        "pass_rate": round(passed / turns, 4) if turns else None,
        "fallbacks": fallbacks,
        "fallback_rate": round(fallbacks / turns, 4) if turns else None,
        "fallback_replies": replies,
        "fallback_reply_rate": round(replies / turns, 4) if turns else None,
        "failures": [
            {
                "conversation": r.conversation,
                "turn": r.index + 1,
                "user": r.user,
                "intent": r.intent,
                "got": list(r.outcomes),
                "problems": list(r.problems),
            }
            for r in results
            if not r.passed
        ],
    }
