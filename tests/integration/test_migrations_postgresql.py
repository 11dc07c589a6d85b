"""Alembic migrations on the real PostgreSQL (tests marked services; the SQLite ones are unit tests)."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from ops.migrate import ensure_database, schema_differences, upgrade
from tests.db_support import table_names
from tests.services import PG_SERVER, require, scratch_postgres


@pytest.mark.services
def test_migrated_postgresql_schema_equals_the_models() -> None:
    with scratch_postgres() as url:
        upgrade(url)
        assert schema_differences(url) == []
        upgrade(url)  # a second run is a no-op


@pytest.mark.services
def test_missing_postgresql_database_is_created_once() -> None:
    require(5432, "PostgreSQL")
    with scratch_postgres() as scratch:
        url = f"{scratch}_new"
        try:
            assert ensure_database(url) is True
            assert ensure_database(url) is False
            assert table_names(url) == set()
        finally:
            engine = create_engine(
                f"{PG_SERVER}/postgres", future=True, poolclass=NullPool, isolation_level="AUTOCOMMIT"
            )
            with engine.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
            engine.dispose()
