"""Retention: RETENTION_DAYS, the purge of app tables, sessions and Rasa's SQL tracker store."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text

from bot.config import ConfigError
from bot.db import session_scope
from bot.referral.store import CallbackRequest, HandoffRequest
from bot.screening.store import ScreeningRow
from bot.triage.users import StaffSession, add_user, start_session
from ops.retention import purge, retention_days, tracker_store_url
from tests.unit.console_support import NOW, make_app, seed_queue


def test_retention_days_defaults_to_90_and_rejects_nonsense():
    assert retention_days({}) == 90
    assert retention_days({"RETENTION_DAYS": "30"}) == 30
    for bad in ("0", "-1", "ninety", "1.5"):
        with pytest.raises(ConfigError, match="RETENTION_DAYS"):
            retention_days({"RETENTION_DAYS": bad})


def test_tracker_store_url_follows_the_rasa_endpoints():
    from ops.rasa_endpoints import tracker_store_config

    sqlite = tracker_store_url("sqlite:///x/app.db")
    assert sqlite == f"sqlite:///{tracker_store_config('sqlite:///x/app.db')['db']}" and sqlite.endswith(
        "rasa.db"
    )
    assert tracker_store_url("postgresql://u:p@db/iop") == "postgresql://u:p@db/iop"
    assert tracker_store_url("mysql://db/iop") is None


def count(url, model) -> int:
    with session_scope(url) as db:
        return int(db.execute(select(func.count()).select_from(model)).scalar_one())


def test_purge_deletes_only_expired_rows_and_conversations(tmp_path):
    app = make_app(tmp_path)
    url = app.ctx.settings.database_url
    seed_queue(app, now=NOW - timedelta(days=100))  # old callback and handoffs
    seed_queue(app, now=NOW - timedelta(days=1))  # recent ones
    with session_scope(url) as db:
        old = db.execute(select(ScreeningRow)).scalars().first()
        old.created_at = NOW - timedelta(days=120)
        user = add_user(db, "sam", "correct horse battery")
        start_session(db, user, now=NOW - timedelta(days=2))  # long expired
        start_session(db, user, now=NOW - timedelta(minutes=5))  # live
    tracker_url = f"sqlite:///{tmp_path / 'rasa.db'}"
    engine = create_engine(tracker_url)
    with engine.begin() as connection:
        connection.execute(
            text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id TEXT, timestamp REAL)")
        )
        old_ts, new_ts = (NOW - timedelta(days=95)).timestamp(), (NOW - timedelta(days=2)).timestamp()
        rows = [("gone", old_ts), ("gone", old_ts + 1), ("kept", old_ts), ("kept", new_ts)]
        for sender, ts in rows:
            connection.execute(
                text("INSERT INTO events (sender_id, timestamp) VALUES (:s, :t)"), {"s": sender, "t": ts}
            )

    dry = purge(url, days=90, tracker_url=tracker_url, now=NOW, dry_run=True)
    assert dry.deleted["callback_requests"] == 1 and dry.deleted["events"] == 2
    assert count(url, CallbackRequest) == 2  # a dry run deletes nothing

    report = purge(url, days=90, tracker_url=tracker_url, now=NOW)
    assert report.deleted["callback_requests"] == 1
    assert report.deleted["handoff_requests"] == 2
    assert report.deleted["screenings"] == 1
    assert report.deleted["escalations"] == 1
    assert report.deleted["staff_sessions"] == 1
    assert report.deleted["events"] == 2  # the whole expired conversation, nothing of the live one
    assert (
        count(url, CallbackRequest) == 1 and count(url, HandoffRequest) == 2 and count(url, StaffSession) == 1
    )
    with engine.connect() as connection:
        left = connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars().all()
    assert left == ["kept"]


def test_purge_cli_reports_counts(tmp_path, monkeypatch, capsys):
    from ops.retention import main

    app = make_app(tmp_path)
    monkeypatch.setenv("DATABASE_URL", app.ctx.settings.database_url)
    monkeypatch.setenv("RETENTION_DAYS", "7")
    monkeypatch.setattr("ops.retention.tracker_store_url", lambda _url: None)
    assert main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "(7 days)" in out and "would delete 0 rows from callback_requests" in out
    monkeypatch.setenv("RETENTION_DAYS", "zero")
    assert main(["purge"]) == 2
