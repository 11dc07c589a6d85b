"""Rasa tracker events (as published on the event broker) to analytics records: pure, no Rasa imports.

Rasa publishes every new tracker event as JSON: `{"sender_id": ..., "event": "user" | "bot" | "slot" |
..., "timestamp": ..., ...}`. `records_for_event` keeps only what staff and analytics need, never the
message text:

| record kind | from | fields |
|---|---|---|
| `escalation` | a bot message from a crisis response (`utter_crisis*`), whatever triggered it | - |
| `crisis_signal` | a user message flagged as a crisis (`crisis` intent or `crisis_category`) | category |
| `handoff` | a user message with intent `human_handoff` | - |
| `callback` | a user message with intent `request_callback` | - |
| `screening_started` | a user message with intent `start_screening` | - |
| `screening_result` | a slot event setting the suggested level of care | level |
| `risk_assessed` | a slot event setting the screening's risk | risk |
| `conversation_started` | `session_started` | - |

Each record has an `event_key` (SHA-256 of the kind and the canonical event JSON): redelivering the
same event yields the same key, so storage is idempotent.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal, Mapping

from bot.contracts import (
    CRISIS,
    CRISIS_CATEGORY,
    HUMAN_HANDOFF,
    REQUEST_CALLBACK,
    SCREENING_LEVEL,
    START_SCREENING,
    UTTER_CRISIS,
)

RecordKind = Literal[
    "escalation",
    "crisis_signal",
    "handoff",
    "callback",
    "screening_started",
    "screening_result",
    "risk_assessed",
    "conversation_started",
]

CRISIS_RESPONSE_PREFIX = UTTER_CRISIS
CRISIS_INTENT = CRISIS
CRISIS_ENTITY = CRISIS_CATEGORY
CRISIS_CATEGORIES = frozenset({"suicide", "self_harm", "overdose", "withdrawal", "harm_to_others", "abuse"})
INTENT_KINDS: dict[str, RecordKind] = {
    HUMAN_HANDOFF: "handoff",
    REQUEST_CALLBACK: "callback",
    START_SCREENING: "screening_started",
}
LEVEL_SLOTS = frozenset({"level", SCREENING_LEVEL})
RISK_SLOTS = frozenset({"risk", "screening_risk"})
LEVELS = frozenset({"emergency", "inpatient_residential", "php", "iop", "outpatient"})
RISKS = frozenset({"high", "moderate", "low", "none"})
MAX_ID_LENGTH = 255
MAX_CHANNEL_LENGTH = 64


class EventFormatError(ValueError):
    """A broker message that is not a Rasa event (the message is dropped, never retried)."""


@dataclass(frozen=True)
class EventRecord:
    """One analytics row derived from one Rasa event; enumerated values only."""

    event_key: str
    conversation_id: str
    kind: RecordKind
    occurred_at: datetime
    channel: str | None = None
    category: str | None = None
    level: str | None = None
    risk: str | None = None


def parse_event(body: bytes) -> dict[str, Any]:
    """Decode one broker message into an event dict with a sender and a type."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise EventFormatError("not JSON") from None
    if not isinstance(event, dict):
        raise EventFormatError("not a JSON object")
    sender, kind = event.get("sender_id"), event.get("event")
    if not isinstance(sender, str) or not sender or len(sender) > MAX_ID_LENGTH:
        raise EventFormatError("no usable sender_id")
    if not isinstance(kind, str):
        raise EventFormatError("no event type")
    return event


def event_key(event: Mapping[str, Any], kind: str) -> str:
    """A stable key for (event, record kind): equal for redeliveries of the same event."""
    canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    return hashlib.sha256(f"{kind}\n{canonical}".encode()).hexdigest()


def event_time(event: Mapping[str, Any]) -> datetime:
    """The event's timestamp as an aware UTC datetime (the epoch when missing or invalid)."""
    raw = event.get("timestamp")
    try:
        return datetime.fromtimestamp(float(raw), tz=timezone.utc)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError, OSError):
        return datetime.fromtimestamp(0, tz=timezone.utc)


def _intent(event: Mapping[str, Any]) -> str | None:
    parse_data = event.get("parse_data")
    if not isinstance(parse_data, dict):
        return None
    intent = parse_data.get("intent")
    name = intent.get("name") if isinstance(intent, dict) else None
    return name if isinstance(name, str) else None


def crisis_category(event: Mapping[str, Any]) -> str | None:
    """The first known `crisis_category` entity value of a user event, if any."""
    parse_data = event.get("parse_data")
    entities = parse_data.get("entities") if isinstance(parse_data, dict) else None
    for entity in entities if isinstance(entities, list) else []:
        if isinstance(entity, dict) and entity.get("entity") == CRISIS_ENTITY:
            value = entity.get("value")
            if value in CRISIS_CATEGORIES:
                return str(value)
    return None


def _has_crisis_entity(event: Mapping[str, Any]) -> bool:
    parse_data = event.get("parse_data")
    entities = parse_data.get("entities") if isinstance(parse_data, dict) else None
    return any(
        isinstance(e, dict) and e.get("entity") == CRISIS_ENTITY
        for e in (entities if isinstance(entities, list) else [])
    )


def _user_kinds(event: Mapping[str, Any]) -> list[tuple[RecordKind, str | None]]:
    intent = _intent(event)
    kinds: list[tuple[RecordKind, str | None]] = []
    if intent == CRISIS_INTENT or _has_crisis_entity(event):
        kinds.append(("crisis_signal", crisis_category(event)))
    if intent in INTENT_KINDS:
        kinds.append((INTENT_KINDS[intent], None))
    return kinds


def is_escalation(event: Mapping[str, Any]) -> bool:
    """True for a bot message rendered from a crisis response (`utter_crisis`, `utter_crisis_*`)."""
    if event.get("event") != "bot":
        return False
    metadata = event.get("metadata")
    action = metadata.get("utter_action") if isinstance(metadata, dict) else None
    return isinstance(action, str) and action.startswith(CRISIS_RESPONSE_PREFIX)


def _channel(event: Mapping[str, Any]) -> str | None:
    channel = event.get("input_channel")
    return channel[:MAX_CHANNEL_LENGTH] if isinstance(channel, str) and channel else None


def records_for_event(event: Mapping[str, Any]) -> list[EventRecord]:
    """The analytics records for one parsed event (usually none)."""
    sender = str(event["sender_id"])
    when = event_time(event)
    kind = event.get("event")
    records: list[EventRecord] = []

    def add(record_kind: RecordKind, **fields: Any) -> None:
        records.append(EventRecord(event_key(event, record_kind), sender, record_kind, when, **fields))

    if kind == "user":
        for record_kind, category in _user_kinds(event):
            add(record_kind, channel=_channel(event), category=category)
    elif is_escalation(event):
        add("escalation")
    elif kind == "slot":
        name, value = event.get("name"), event.get("value")
        if name in LEVEL_SLOTS and value in LEVELS:
            add("screening_result", level=str(value))
        elif name in RISK_SLOTS and value in RISKS:
            add("risk_assessed", risk=str(value))
    elif kind == "session_started":
        add("conversation_started")
    return records
