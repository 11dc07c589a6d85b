"""actions/safety.py: which slots a danger message filled (cleared so a form does not keep them)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from actions.safety import slots_filled_by_latest_message


def _tracker(after_message: list[dict[str, Any]]) -> Tracker:
    events = [
        {"event": "action", "name": "screening_form"},
        {"event": "user", "text": "..."},
        *after_message,
    ]
    return Tracker("s", {}, {}, events, False, None, {}, None)


def slot(name: str, value: Any) -> dict[str, Any]:
    return {"event": "slot", "name": name, "value": value}


def action(name: str) -> dict[str, Any]:
    return {"event": "action", "name": name}


def test_a_danger_message_read_as_a_form_answer_is_cleared() -> None:
    tracker = _tracker(
        [action("action_extract_slots"), slot("functioning", "I have the blades"),
         slot("crisis_category", "x"), action("utter_crisis"), action("action_deactivate_loop"),
         slot("functioning", "late")]
    )  # fmt: skip
    assert slots_filled_by_latest_message(tracker) == ["functioning"]


def test_an_emergency_screening_answer_and_its_result_are_kept() -> None:
    tracker = _tracker(
        [action("action_extract_slots"), slot("suicide_plan", True), action("screening_form"),
         action("action_screening_result"), slot("screening_escalated", True), action("utter_crisis")]
    )  # fmt: skip
    assert slots_filled_by_latest_message(tracker) == []
