"""Alembic environment: the app's metadata (bot.models) against DATABASE_URL; Rasa's tables are ignored."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool

from ops.migrate import configured_url, include_object, target_metadata

config = context.config
url = configured_url(config)
options = {
    "target_metadata": target_metadata(),
    "include_object": include_object,
    "compare_type": True,
    "render_as_batch": url.startswith("sqlite"),  # SQLite alters tables by copying them
}

if context.is_offline_mode():
    context.configure(url=url, literal_binds=True, **options)
    with context.begin_transaction():
        context.run_migrations()
else:
    engine = create_engine(url, future=True, poolclass=NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, **options)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()
