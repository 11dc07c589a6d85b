"""The app's database: one engine per URL, one short session per request or action.

SQLAlchemy 1.4 in 2.0 style (`future=True`, `select()`). Tables live next to the logic that owns them
(`bot/safety/store.py`, `bot/screening/store.py`, ...) and share `bot.orm.Base`; they never import
this module. `init_db` registers them all through `bot.models`, so the graph runs one way:
`bot.db` -> `bot.models` -> table modules -> `bot.orm`.
"""

from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot import config
from bot.orm import Base

__all__ = ["Base", "database_url", "get_engine", "init_db", "new_session", "session_scope"]


def database_url() -> str:
    """`DATABASE_URL`, or the embedded SQLite default."""
    return config.database_url()


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


@lru_cache(maxsize=8)
def get_engine(url: str | None = None) -> Engine:
    """The engine for `url` (default: `database_url()`), created once per process and URL."""
    url = url or database_url()
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url, future=True, connect_args={"check_same_thread": False, "timeout": 15}
        )
        event.listen(engine, "connect", _enable_sqlite_foreign_keys)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True)


def new_session(url: str | None = None) -> Session:
    """A new session on the engine for `url`; the caller commits and closes it."""
    factory = sessionmaker(bind=get_engine(url), future=True, expire_on_commit=False)
    return factory()


@contextmanager
def session_scope(url: str | None = None) -> Iterator[Session]:
    """A session for one unit of work: committed on success, rolled back on error, always closed."""
    session = new_session(url)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def init_db(url: str | None = None) -> None:
    """Create the app's tables (embedded SQLite and tests; production uses Alembic migrations)."""
    import bot.models  # noqa: F401  (registers every table on Base)

    Base.metadata.create_all(get_engine(url))
