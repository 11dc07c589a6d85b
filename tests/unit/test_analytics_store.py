"""The analytics table: idempotent writes (redelivery never duplicates) on SQLite.

The same exercise on PostgreSQL is tests/integration/test_analytics_store_postgresql.py.
"""

from __future__ import annotations

from pathlib import Path

from tests.analytics_support import exercise


def test_records_are_stored_once_on_sqlite(tmp_path: Path) -> None:
    exercise(f"sqlite:///{tmp_path / 'app.db'}")
