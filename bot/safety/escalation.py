"""Record a crisis escalation and tell staff; never raises (the crisis reply must not depend on it).

Privacy: the message text is neither stored nor sent. The staff webhook (`STAFF_WEBHOOK_URL`) gets
the escalation id, time, category, channel, severity and source; the sender id stays in the database,
behind the staff console's login, because on some channels it is a phone number.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, ContextManager, Mapping

import httpx
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from bot.config import ConfigError, setting
from bot.safety.detector import CATEGORIES
from bot.safety.store import MAX_SOURCE_CHARS, SEVERITIES, Escalation

logger = logging.getLogger(__name__)

WEBHOOK_ENV = "STAFF_WEBHOOK_URL"
WEBHOOK_TIMEOUT_SECONDS = 3.0
MAX_ID_CHARS = 255
MAX_CHANNEL_CHARS = 64

Sessions = Callable[[], ContextManager[Session]]
"""Opens one unit of work (commit on success, rollback on error): the caller's storage wiring, e.g.
`functools.partial(bot.db.session_scope, url)`. The domain never opens the database itself."""


@dataclass(frozen=True)
class EscalationRecord:
    """What is kept about one escalation."""

    category: str
    channel: str
    sender_id: str
    created_at: datetime
    severity: str | None = None  # "high" or "moderate"; None when the caller did not say
    source: str | None = None  # the layer that raised it, e.g. "rules", "semantic", "safety_net"


@dataclass(frozen=True)
class EscalationResult:
    """Outcome of `record_escalation` (for logging and tests; the reply never depends on it)."""

    escalation_id: int | None
    stored: bool
    notified: str  # "sent", "failed" or "not_configured"


def clean_severity(severity: str | None) -> str | None:
    """Return "high" or "moderate" (any case and spacing); anything else is None, which staff see as high."""
    value = (severity or "").strip().lower()
    return value if value in SEVERITIES else None


def clean_source(source: str | None) -> str | None:
    """A short lowercase token ("rules", "safety_net"); None when empty."""
    value = re.sub(r"[^a-z0-9]+", "_", (source or "").strip().lower()).strip("_")
    return value[:MAX_SOURCE_CHARS] or None


def build_record(
    category: str | None,
    channel: str | None,
    sender_id: str | None,
    now: datetime | None = None,
    *,
    severity: str | None = None,
    source: str | None = None,
) -> EscalationRecord:
    """A record with a known category (else "unspecified"), bounded identifiers, checked severity."""
    return EscalationRecord(
        category=category if category in CATEGORIES else "unspecified",
        channel=(channel or "unknown").strip()[:MAX_CHANNEL_CHARS] or "unknown",
        sender_id=(sender_id or "unknown")[:MAX_ID_CHARS],
        created_at=now or datetime.now(timezone.utc),
        severity=clean_severity(severity),
        source=clean_source(source),
    )


def webhook_payload(record: EscalationRecord, escalation_id: int | None) -> dict[str, Any]:
    """The staff notification: no message text, no sender id."""
    return {
        "event": "crisis_escalation",
        "escalation_id": escalation_id,
        "category": record.category,
        "channel": record.channel,
        "severity": record.severity,
        "source": record.source,
        "created_at": record.created_at.isoformat(),
    }


def store_record(record: EscalationRecord, sessions: Sessions) -> int:
    """Insert the record in its own unit of work; returns the row id."""
    with sessions() as session:
        row = Escalation(
            created_at=record.created_at,
            category=record.category,
            channel=record.channel,
            sender_id=record.sender_id,
            severity=record.severity,
            source=record.source,
        )
        session.add(row)
        session.flush()
        return int(row.id)


def _mark_notified(escalation_id: int, notified: str, sessions: Sessions) -> None:
    with sessions() as session:
        row = session.get(Escalation, escalation_id)
        if row is not None:
            row.staff_notified = notified


Poster = Callable[[str, dict[str, Any]], None]


def post_json(url: str, payload: dict[str, Any]) -> None:
    """POST `payload` as JSON; raises on a network error or an error status."""
    response = httpx.post(url, json=payload, timeout=WEBHOOK_TIMEOUT_SECONDS)
    response.raise_for_status()


def record_escalation(
    category: str | None,
    channel: str | None,
    sender_id: str | None,
    *,
    sessions: Sessions,
    severity: str | None = None,
    source: str | None = None,
    webhook_url: str | None = None,
    poster: Poster = post_json,
) -> EscalationResult:
    """Store the escalation and notify staff. Logs failures (no message text) and never raises.

    `severity` ("high" or "moderate") and `source` (the layer that raised it: "rules", "semantic",
    "context", "screening", "safety_net", ...) tell staff why; without them the escalation counts as
    high in the queue. `sessions` opens the unit of work that stores it.
    """
    record = build_record(category, channel, sender_id, severity=severity, source=source)
    escalation_id: int | None = None
    try:
        escalation_id = store_record(record, sessions)
    except SQLAlchemyError as exc:
        logger.error("escalation not stored (%s): category=%s", type(exc).__name__, record.category)
    url = webhook_url if webhook_url is not None else setting(WEBHOOK_ENV)
    notified = "not_configured"
    if url:
        try:
            poster(url, webhook_payload(record, escalation_id))
            notified = "sent"
        except (httpx.HTTPError, OSError, ValueError) as exc:
            notified = "failed"
            logger.error("staff webhook failed (%s) for escalation %s", type(exc).__name__, escalation_id)
    if escalation_id is not None and notified != "not_configured":
        try:
            _mark_notified(escalation_id, notified, sessions)
        except SQLAlchemyError as exc:
            logger.error(
                "escalation %s: notification status not saved (%s)", escalation_id, type(exc).__name__
            )
    return EscalationResult(escalation_id, escalation_id is not None, notified)


CHECK_IN_VARIABLE = "SAFETY_CHECK_IN_SECONDS"
DEFAULT_CHECK_IN_SECONDS = 300


def check_in_delay(env: Mapping[str, str] | None = None) -> int:
    """Seconds of silence after a crisis reply before the assistant checks in (0: never)."""
    raw = setting(CHECK_IN_VARIABLE, env)
    if not raw:
        return DEFAULT_CHECK_IN_SECONDS
    if not raw.isdigit():
        raise ConfigError(f"{CHECK_IN_VARIABLE} must be a whole number of seconds, got {raw!r}")
    return int(raw)
