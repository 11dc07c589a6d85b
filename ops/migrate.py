"""`python -m ops.migrate`: Alembic migrations for the app's tables (production schema management).

    python -m ops.migrate                    # create the PostgreSQL database if missing, upgrade to head
    python -m ops.migrate check              # exit 1 when bot.models differs from the migrated schema
    python -m ops.migrate revision -m "..."  # autogenerate the next revision against a scratch database

`DATABASE_URL` selects the database (default: the SQLite file under var/). Rasa's SQL tracker store
shares the database; its tables are never touched or compared.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any, Sequence

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from bot.config import PROJECT_ROOT
from bot.db import database_url

RASA_TABLES = frozenset({"events"})  # rasa.core.tracker_store.SQLTrackerStore
MIGRATIONS_DIR = PROJECT_ROOT / "migrations"
URL_ATTRIBUTE = "database_url"


def target_metadata() -> MetaData:
    """The metadata of every app table (imports bot.models)."""
    import bot.models  # noqa: F401  (registers every table on Base)
    from bot.db import Base

    return Base.metadata


def include_object(obj: Any, name: str | None, type_: str, _reflected: bool, _compare_to: Any) -> bool:
    """Alembic filter: leave Rasa's tracker store tables (and their indexes) alone."""
    if type_ == "table":
        return name not in RASA_TABLES
    table = getattr(obj, "table", None)
    return getattr(table, "name", None) not in RASA_TABLES


def alembic_config(url: str) -> Config:
    """An Alembic config for `url`, independent of the working directory."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes[URL_ATTRIBUTE] = url  # not set_main_option: '%' in passwords would break it
    return config


def configured_url(config: Config) -> str:
    """The URL migrations/env.py should use: the one passed in, else DATABASE_URL."""
    return str(config.attributes.get(URL_ATTRIBUTE) or database_url())


def ensure_database(url: str) -> bool:
    """Create the PostgreSQL database named in `url` (or SQLite's folder) if missing; True if created."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database:
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return False
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        return False
    server = create_engine(
        parsed.set(database="postgres"), future=True, poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    try:
        with server.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database}
            ).first()
            if exists:
                return False
            quoted = server.dialect.identifier_preparer.quote(parsed.database)
            connection.execute(text(f"CREATE DATABASE {quoted}"))
            return True
    finally:
        server.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Create the database if needed and apply migrations up to `revision`."""
    ensure_database(url)
    command.upgrade(alembic_config(url), revision)


def schema_differences(url: str) -> list[Any]:
    """Alembic's diff between bot.models and the database at `url` (empty when they agree)."""
    engine = create_engine(url, future=True, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": include_object, "compare_type": True}
            )
            return list(compare_metadata(context, target_metadata()))
    finally:
        engine.dispose()


def new_revision(message: str, scratch_url: str | None = None) -> None:
    """Autogenerate a revision: migrate a scratch database to head, then diff it against bot.models."""
    with tempfile.TemporaryDirectory() as folder:
        url = scratch_url or f"sqlite:///{Path(folder) / 'scratch.db'}"
        upgrade(url)
        command.revision(alembic_config(url), message=message, autogenerate=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m ops.migrate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command")
    up = sub.add_parser("upgrade", help="apply migrations (the default)")
    up.add_argument("revision", nargs="?", default="head")
    sub.add_parser("check", help="exit 1 when the models and the migrated schema differ")
    rev = sub.add_parser("revision", help="autogenerate a new revision")
    rev.add_argument("-m", "--message", required=True)
    rev.add_argument("--scratch-url", help="scratch database to diff against (default: temporary SQLite)")
    args = parser.parse_args(argv)
    url = database_url()
    if args.command == "check":
        differences = schema_differences(url)
        for difference in differences:
            print(difference)
        print("schema matches bot.models" if not differences else f"{len(differences)} difference(s)")
        return 1 if differences else 0
    if args.command == "revision":
        new_revision(args.message, args.scratch_url)
        return 0
    upgrade(url, getattr(args, "revision", "head"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
