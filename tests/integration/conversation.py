"""Helpers for driving whole conversations through the REST channel."""

from __future__ import annotations

import json
import uuid
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from tests.integration.stack import RunningStack

GENERATED = Path(__file__).resolve().parents[2] / "data" / "generated"


@lru_cache(maxsize=1)
def crisis_texts() -> frozenset[str]:
    """Every variation of the crisis response, as rendered from content/crisis_resources.yml."""
    responses = yaml.safe_load((GENERATED / "crisis.yml").read_text())["responses"]
    return frozenset(variation["text"] for variation in responses["utter_crisis"])


@lru_cache(maxsize=1)
def faq_texts() -> dict[str, str]:
    """Topic id -> its rendered answer text."""
    responses = yaml.safe_load((GENERATED / "faq.yml").read_text())["responses"]
    return {key.split("/", 1)[1]: value[0]["text"] for key, value in responses.items()}


def texts(messages: list[dict[str, Any]]) -> list[str]:
    """The text of each bot message."""
    return [m.get("text", "") for m in messages]


def got_crisis_reply(messages: list[dict[str, Any]]) -> bool:
    """Whether the first bot message of a turn is a crisis response."""
    return bool(messages) and messages[0].get("text") in crisis_texts()


def new_sender(prefix: str) -> str:
    """A fresh conversation id."""
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def answer_payload(slot: str, value: Any) -> str:
    """The button payload that answers a screening question with `value`."""
    if value is True:
        return "/affirm"
    if value is False:
        return "/deny"
    if value == "prefer_not_say":
        return "/prefer_not_say"
    return "/inform" + json.dumps({slot: value}, separators=(",", ":"))


def run_screening(
    stack: RunningStack, sender: str, answers: Mapping[str, Any], max_turns: int = 25
) -> list[dict[str, Any]]:
    """Start the screening and answer each requested question from `answers`; all bot messages."""
    transcript = stack.say(sender, "/start_screening")
    for _ in range(max_turns):
        tracker = stack.tracker(sender)
        if (tracker.get("active_loop") or {}).get("name") != "screening_form":
            return transcript
        slot = tracker["slots"].get("requested_slot")
        assert slot in answers, f"the screening asked {slot!r}, which the test profile lacks"
        transcript += stack.say(sender, answer_payload(slot, answers[slot]))
    raise AssertionError(f"the screening did not finish in {max_turns} turns")
