"""Escalations are stored for staff, staff are notified without message text, failures never raise."""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.safety.escalation import build_record, record_escalation, webhook_payload
from bot.safety.store import Escalation, open_escalations


def _rows(url: str) -> list[Escalation]:
    with session_scope(url) as session:
        return list(session.scalars(select(Escalation)))


def test_escalation_is_stored_with_category_channel_and_sender(db_url: str) -> None:
    sent: list[tuple[str, dict[str, Any]]] = []
    result = record_escalation(
        "overdose",
        "rest",
        "user-42",
        sessions=partial(session_scope, db_url),
        webhook_url="http://staff.test/hook",
        poster=lambda url, payload: sent.append((url, payload)),
    )
    assert result.stored and result.notified == "sent"
    (row,) = _rows(db_url)
    assert (row.id, row.category, row.channel, row.sender_id, row.status, row.staff_notified) == (
        result.escalation_id,
        "overdose",
        "rest",
        "user-42",
        "new",
        "sent",
    )
    ((url, payload),) = sent
    assert url == "http://staff.test/hook"
    assert payload["escalation_id"] == row.id and payload["category"] == "overdose"
    assert "user-42" not in str(payload) and "text" not in payload


def test_unknown_category_and_missing_ids_are_normalised(db_url: str) -> None:
    record_escalation("something odd", None, None, sessions=partial(session_scope, db_url), webhook_url="")
    (row,) = _rows(db_url)
    assert (row.category, row.channel, row.sender_id, row.staff_notified) == (
        "unspecified",
        "unknown",
        "unknown",
        "not_configured",
    )


def test_webhook_failure_is_recorded_and_does_not_raise(db_url: str) -> None:
    def failing(url: str, payload: dict[str, Any]) -> None:
        raise httpx.ConnectError("down")

    result = record_escalation(
        "abuse",
        "socketio",
        "s1",
        sessions=partial(session_scope, db_url),
        webhook_url="http://x",
        poster=failing,
    )
    assert result.stored and result.notified == "failed"
    assert _rows(db_url)[0].staff_notified == "failed"


def test_database_failure_does_not_raise_and_staff_are_still_notified(tmp_path: Path) -> None:
    sent: list[dict[str, Any]] = []
    missing_tables = f"sqlite:///{tmp_path / 'empty.db'}"  # no init_db: the table does not exist
    result = record_escalation(
        "suicide",
        "rest",
        "s2",
        sessions=partial(session_scope, missing_tables),
        webhook_url="http://x",
        poster=lambda url, payload: sent.append(payload),
    )
    assert not result.stored and result.escalation_id is None
    assert sent and sent[0]["escalation_id"] is None and sent[0]["category"] == "suicide"


def test_logs_never_contain_the_sender_id(db_url: str, caplog: pytest.LogCaptureFixture) -> None:
    def failing(url: str, payload: dict[str, Any]) -> None:
        raise httpx.ConnectError("down")

    record_escalation(
        "suicide",
        "rest",
        "+15551234567",
        sessions=partial(session_scope, db_url),
        webhook_url="http://x",
        poster=failing,
    )
    assert caplog.records and "+15551234567" not in caplog.text


def test_open_escalations_are_newest_first_and_exclude_closed(db_url: str) -> None:
    for sender in ("a", "b", "c"):
        record_escalation("suicide", "rest", sender, sessions=partial(session_scope, db_url), webhook_url="")
    with session_scope(db_url) as session:
        session.scalars(select(Escalation).where(Escalation.sender_id == "b")).one().status = "closed"
    with session_scope(db_url) as session:
        assert [row.sender_id for row in open_escalations(session)] == ["c", "a"]


def test_long_identifiers_are_bounded() -> None:
    record = build_record("suicide", "c" * 500, "s" * 5000)
    assert len(record.channel) == 64 and len(record.sender_id) == 255
    assert webhook_payload(record, 7)["created_at"] == record.created_at.isoformat()


def test_severity_and_source_are_stored_and_sent_to_staff(db_url: str) -> None:
    sent: list[dict[str, Any]] = []
    result = record_escalation(
        "self_harm",
        "socketio",
        "s9",
        severity="moderate",
        source="context",
        sessions=partial(session_scope, db_url),
        webhook_url="http://x",
        poster=lambda url, payload: sent.append(payload),
    )
    (row,) = _rows(db_url)
    assert (row.id, row.severity, row.source) == (result.escalation_id, "moderate", "context")
    assert (sent[0]["severity"], sent[0]["source"]) == ("moderate", "context")
    assert "s9" not in str(sent[0])


def test_callers_that_do_not_say_why_store_nulls(db_url: str) -> None:
    record_escalation("suicide", "rest", "s10", sessions=partial(session_scope, db_url), webhook_url="")
    (row,) = _rows(db_url)
    assert (row.severity, row.source) == (None, None)


@pytest.mark.parametrize(
    ("severity", "source", "stored"),
    [
        ("HIGH ", " Rules", ("high", "rules")),
        ("Moderate", "safety net", ("moderate", "safety_net")),
        ("critical", "", (None, None)),  # unknown severity: null, which the queue ranks as high
        ("", "semantic-model v2", (None, "semantic_model_v2")),
        (None, "x" * 100, (None, "x" * 32)),
    ],
)
def test_severity_and_source_are_normalised(severity: Any, source: Any, stored: tuple[Any, Any]) -> None:
    record = build_record("suicide", "rest", "s", severity=severity, source=source)
    assert (record.severity, record.source) == stored
