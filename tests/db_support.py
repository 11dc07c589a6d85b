"""Database builders shared by unit and integration tests."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.pool import NullPool


def table_names(url: str) -> set[str]:
    """The tables in the database at `url`."""
    engine = create_engine(url, future=True, poolclass=NullPool)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def fresh_sqlite(directory: Path, name: str = "app.db") -> str:
    """The URL of a new SQLite file in `directory` holding every app table (`init_db`)."""
    from bot.db import init_db

    url = f"sqlite:///{directory / name}"
    init_db(url)
    return url
