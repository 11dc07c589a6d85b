"""Data retention: delete what is older than `RETENTION_DAYS` (default 90).

`python -m ops.retention purge [--days N] [--dry-run]` deletes expired rows of the app tables
(escalations, screenings, callback and handoff requests, the console's queue state and notes),
expired staff sessions and old login failures, and, when Rasa's tracker store is SQL (var/rasa.db
for SQLite, or the DATABASE_URL database), every conversation whose latest event is older than the
cutoff. The audit log is kept (it is the record of who saw what). Run it daily, e.g. from cron.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping, Sequence

from sqlalchemy import Table, column, delete, func, inspect, or_, select, table
from sqlalchemy.engine import Connection, Engine

from bot.config import ConfigError, setting
from bot.db import Base, get_engine

DEFAULT_RETENTION_DAYS = 90
RETAINED_TABLES: dict[str, tuple[str, ...]] = {
    "escalations": ("created_at", "at"),
    "screenings": ("created_at", "completed_at", "at"),
    "callback_requests": ("created_at",),
    "handoff_requests": ("created_at",),
    "queue_state": ("updated_at",),
    "queue_notes": ("at",),
}
"""Table -> candidate time columns (the first that exists is used); a table not built yet is skipped."""


@dataclass
class PurgeReport:
    """How many rows were (or, in a dry run, would be) deleted, per table."""

    cutoff: datetime
    deleted: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def retention_days(env: Mapping[str, str] | None = None) -> int:
    """`RETENTION_DAYS` as a positive whole number of days (default 90)."""
    raw = setting("RETENTION_DAYS", env)
    if not raw:
        return DEFAULT_RETENTION_DAYS
    if not raw.isdigit() or int(raw) < 1:
        raise ConfigError(f"RETENTION_DAYS must be a whole number of days >= 1, got {raw!r}")
    return int(raw)


def cutoff_for(now: datetime, days: int) -> datetime:
    """The moment before which data is expired."""
    return now - timedelta(days=days)


def tracker_store_url(database_url: str) -> str | None:
    """SQLAlchemy URL of Rasa's SQL tracker store for this deployment (None if not SQL)."""
    from ops.rasa_endpoints import tracker_store_config

    try:
        config = tracker_store_config(database_url)
    except ConfigError:
        return None
    if config.get("dialect") == "sqlite":
        return f"sqlite:///{config['db']}"
    return database_url


def _purge_app_tables(
    engine: Engine, cutoff: datetime, now: datetime, report: PurgeReport, dry: bool
) -> None:
    import bot.models  # noqa: F401  (registers every table on Base)
    from bot.triage.users import FAILURE_WINDOW, SESSION_IDLE, SESSION_MAX, LoginFailure, StaffSession

    existing = set(inspect(engine).get_table_names())
    with engine.begin() as connection:
        # Dependents before the tables they point to.
        for app_table in reversed(Base.metadata.sorted_tables):
            name = app_table.name
            if name not in RETAINED_TABLES:
                continue
            when = next((app_table.c[c] for c in RETAINED_TABLES[name] if c in app_table.c), None)
            if name not in existing or when is None:
                report.skipped.append(name)
                continue
            report.deleted[name] = _delete(connection, app_table, when < _db_time(engine, cutoff), dry)
        sessions = StaffSession.__table__
        expired = or_(
            sessions.c.last_seen_at < _db_time(engine, now - SESSION_IDLE),
            sessions.c.created_at < _db_time(engine, now - SESSION_MAX),
            sessions.c.created_at < _db_time(engine, cutoff),
        )
        report.deleted["staff_sessions"] = _delete(connection, sessions, expired, dry)
        failures = LoginFailure.__table__
        report.deleted["login_failures"] = _delete(
            connection, failures, failures.c.at < _db_time(engine, now - FAILURE_WINDOW), dry
        )
    for name in RETAINED_TABLES:
        if name not in report.deleted and name not in report.skipped:
            report.skipped.append(name)


def _db_time(engine: Engine, moment: datetime) -> datetime:
    """SQLite stores naive UTC; compare with naive UTC there."""
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


def _delete(connection: Connection, target: Table, condition: Any, dry: bool) -> int:
    if dry:
        return int(connection.execute(select(func.count()).select_from(target).where(condition)).scalar_one())
    return int(connection.execute(delete(target).where(condition)).rowcount or 0)


def _purge_tracker(engine: Engine, cutoff: datetime, report: PurgeReport, dry: bool) -> None:
    if "events" not in inspect(engine).get_table_names():
        report.skipped.append("events")
        return
    events = table("events", column("sender_id"), column("timestamp"))
    expired = (
        select(events.c.sender_id)
        .group_by(events.c.sender_id)
        .having(func.max(events.c.timestamp) < cutoff.timestamp())
    )
    with engine.begin() as connection:
        report.deleted["events"] = _delete(connection, events, events.c.sender_id.in_(expired), dry)


def purge(
    database_url: str,
    *,
    days: int = DEFAULT_RETENTION_DAYS,
    tracker_url: str | None = None,
    now: datetime | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    """Delete data older than `days` from the app database and, if given, Rasa's SQL tracker store."""
    now = now or datetime.now(timezone.utc)
    report = PurgeReport(cutoff=cutoff_for(now, days))
    _purge_app_tables(get_engine(database_url), report.cutoff, now, report, dry_run)
    if tracker_url:
        _purge_tracker(get_engine(tracker_url), report.cutoff, report, dry_run)
    return report


def main(argv: Sequence[str] | None = None) -> int:
    """The `python -m ops.retention` command line."""
    from bot.db import database_url, init_db

    parser = argparse.ArgumentParser(prog="python -m ops.retention", description="Delete expired data.")
    commands = parser.add_subparsers(dest="command", required=True)
    purge_cmd = commands.add_parser("purge", help="delete data older than RETENTION_DAYS")
    purge_cmd.add_argument("--days", type=int, help="override RETENTION_DAYS")
    purge_cmd.add_argument("--dry-run", action="store_true", help="count, do not delete")
    args = parser.parse_args(argv)
    try:
        days = args.days if args.days is not None else retention_days()
        if days < 1:
            raise ConfigError("--days must be >= 1")
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    url = database_url()
    init_db(url)
    report = purge(url, days=days, tracker_url=tracker_store_url(url), dry_run=args.dry_run)
    verb = "would delete" if args.dry_run else "deleted"
    print(f"cutoff {report.cutoff.isoformat()} ({days} days)")
    for name, count in sorted(report.deleted.items()):
        print(f"{verb} {count} rows from {name}")
    for name in report.skipped:
        print(f"skipped {name} (no such table)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
