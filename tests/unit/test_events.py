"""Rasa events to analytics records (bot/events.py): what is kept, what never is, stable keys."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest

from bot.events import EventFormatError, event_key, parse_event, records_for_event


def user(intent: str, entities: list[dict] | None = None, **extra: object) -> dict:
    return {
        "sender_id": "conv-1",
        "event": "user",
        "timestamp": 1_700_000_000.25,
        "text": "private words",
        "input_channel": "rest",
        "message_id": "m1",
        "parse_data": {
            "intent": {"name": intent, "confidence": 0.9},
            "entities": entities or [],
            "text": "private words",
        },
        **extra,
    }


def test_crisis_message_becomes_a_crisis_signal_with_its_category_and_no_text() -> None:
    event = user("crisis", [{"entity": "crisis_category", "value": "overdose"}])
    [record] = records_for_event(event)
    assert (record.kind, record.category, record.channel, record.conversation_id) == (
        "crisis_signal",
        "overdose",
        "rest",
        "conv-1",
    )
    assert record.occurred_at == datetime.fromtimestamp(1_700_000_000.25, tz=timezone.utc)
    assert "private" not in repr(record)


def test_crisis_entity_counts_even_when_the_intent_is_another_one() -> None:
    [record] = records_for_event(user("faq", [{"entity": "crisis_category", "value": "self_harm"}]))
    assert (record.kind, record.category) == ("crisis_signal", "self_harm")


def test_free_text_entity_value_is_not_stored_as_a_category() -> None:
    [record] = records_for_event(user("crisis", [{"entity": "crisis_category", "value": "my name is Ann"}]))
    assert record.category is None


@pytest.mark.parametrize(
    ("intent", "kind"),
    [
        ("human_handoff", "handoff"),
        ("request_callback", "callback"),
        ("start_screening", "screening_started"),
    ],
)
def test_referral_and_screening_intents_become_records(intent: str, kind: str) -> None:
    assert [r.kind for r in records_for_event(user(intent))] == [kind]


def test_ordinary_messages_and_replies_leave_no_record() -> None:
    assert records_for_event(user("greet")) == []
    assert (
        records_for_event(
            {"sender_id": "c", "event": "bot", "text": "hi", "metadata": {"utter_action": "utter_greet"}}
        )
        == []
    )
    assert records_for_event({"sender_id": "c", "event": "action", "name": "action_listen"}) == []


@pytest.mark.parametrize("response", ["utter_crisis", "utter_crisis_overdose"])
def test_crisis_response_shown_is_an_escalation(response: str) -> None:
    event = {
        "sender_id": "c",
        "event": "bot",
        "text": "Call 988",
        "timestamp": 5.0,
        "metadata": {"utter_action": response},
    }
    assert [r.kind for r in records_for_event(event)] == ["escalation"]


def test_screening_level_and_risk_slots_with_known_values_only() -> None:
    [level] = records_for_event({"sender_id": "c", "event": "slot", "name": "level", "value": "php"})
    [risk] = records_for_event({"sender_id": "c", "event": "slot", "name": "risk", "value": "high"})
    assert (level.kind, level.level, risk.kind, risk.risk) == (
        "screening_result",
        "php",
        "risk_assessed",
        "high",
    )
    assert records_for_event({"sender_id": "c", "event": "slot", "name": "level", "value": "whatever"}) == []
    assert records_for_event({"sender_id": "c", "event": "slot", "name": "level", "value": None}) == []


def test_session_start_is_a_conversation_start() -> None:
    assert [r.kind for r in records_for_event({"sender_id": "c", "event": "session_started"})] == [
        "conversation_started"
    ]


def test_redelivery_gives_the_same_key_and_a_different_event_another() -> None:
    event = user("crisis")
    again = json.loads(json.dumps(event))
    assert records_for_event(event)[0].event_key == records_for_event(again)[0].event_key
    later = user("crisis", timestamp=1_700_000_001.0)
    assert records_for_event(later)[0].event_key != records_for_event(event)[0].event_key
    assert event_key(event, "handoff") != event_key(event, "crisis_signal")


def test_missing_timestamp_falls_back_to_the_epoch() -> None:
    [record] = records_for_event({"sender_id": "c", "event": "session_started", "timestamp": "soon"})
    assert record.occurred_at == datetime.fromtimestamp(0, tz=timezone.utc)


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"event": "user"}',
        b'{"sender_id": "", "event": "user"}',
        json.dumps({"sender_id": "x" * 300, "event": "user"}).encode(),
        b'{"sender_id": "c"}',
    ],
)
def test_messages_that_are_not_rasa_events_are_refused(body: bytes) -> None:
    with pytest.raises(EventFormatError):
        parse_event(body)


def test_a_published_event_parses() -> None:
    assert parse_event(json.dumps(user("greet")).encode())["sender_id"] == "conv-1"
