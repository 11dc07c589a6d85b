"""Alembic migrations: the migrated schema equals bot.models (a forgotten migration fails CI)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from ops import migrate
from ops.migrate import alembic_config, schema_differences, target_metadata, upgrade
from tests.db_support import table_names


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'app.db'}"


def execute(url: str, sql: str) -> None:
    engine = create_engine(url, future=True, poolclass=NullPool)
    with engine.begin() as connection:
        connection.execute(text(sql))
    engine.dispose()


def test_the_migrations_form_one_line_of_history() -> None:
    heads = ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads()
    assert len(heads) == 1, f"several heads {heads}: merge them (alembic merge heads)"


def test_migrated_sqlite_schema_equals_the_models(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    assert table_names(url) == set(target_metadata().tables) | {"alembic_version"}
    assert schema_differences(url) == []


def test_a_table_missing_from_the_migrations_is_reported(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    execute(url, "DROP TABLE analytics_events")  # as if its migration had been forgotten
    differences = schema_differences(url)
    assert differences and any("analytics_events" in str(d) for d in differences)


def test_rasa_tracker_store_table_in_the_same_database_is_ignored(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    execute(url, "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255))")
    execute(url, "CREATE INDEX ix_events_sender_id ON events (sender_id)")
    assert schema_differences(url) == []


def test_downgrade_to_nothing_and_back(tmp_path: Path) -> None:
    from alembic import command

    url = sqlite_url(tmp_path)
    upgrade(url)
    command.downgrade(alembic_config(url), "base")
    assert table_names(url) == {"alembic_version"}
    upgrade(url)
    assert schema_differences(url) == []


def test_check_command_exit_codes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    url = sqlite_url(tmp_path)
    monkeypatch.setenv("DATABASE_URL", url)
    assert migrate.main(["check"]) == 1  # empty database: every table is missing
    assert migrate.main([]) == 0
    assert migrate.main(["check"]) == 0
    assert "schema matches bot.models" in capsys.readouterr().out
