"""The Sanic application factory."""

from __future__ import annotations

import asyncio
import itertools
import logging

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json
from sqlalchemy import text

from bot.config import Settings
from bot.db import get_engine, init_db, session_scope
from bot.web import api, auth, console, widget
from bot.web import db as request_db
from bot.web.auth import public

logger = logging.getLogger(__name__)

_app_numbers = itertools.count(1)


def _database_ok(url: str) -> bool:
    try:
        with get_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not healthy"; the reason is logged, not returned
        logger.warning("health check: database unreachable")
        return False


def _load_program_directory(url: str) -> None:
    from bot.referral.programs import cached_programs
    from bot.referral.store import load_programs_into_db

    with session_scope(url) as session:
        count = load_programs_into_db(session, cached_programs())
    logger.info("program directory: %d programs loaded", count)


def create_app(settings: Settings | None = None, *, create_tables: bool = True) -> Sanic:
    """Build the web app for `settings` (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = Sanic(f"iop_web_{next(_app_numbers)}")
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.REQUEST_MAX_SIZE = 1_000_000
    app.ctx.settings = settings
    if create_tables:
        init_db(settings.database_url)

    auth.install(app, settings)  # deny-by-default sign-in for every route not marked `public`
    request_db.install(app)  # after auth: its closing step runs first among the response middleware
    console.install_templates(app)

    @app.get("/health")
    @public
    async def health(_request: Request) -> HTTPResponse:
        database = await asyncio.to_thread(_database_ok, settings.database_url)
        return json(
            {"status": "ok" if database else "degraded", "database": database},
            status=200 if database else 503,
        )

    for blueprint in (widget.bp, console.bp, api.bp):
        app.blueprint(blueprint)

    @app.before_server_start
    async def load_program_directory(_app: Sanic, _loop: object) -> None:
        """Keep the programs table in step with content/programs.yml (idempotent)."""
        await asyncio.to_thread(_load_program_directory, settings.database_url)

    if settings.rabbitmq_url:  # Rasa's events feed the analytics table (bot/web/events_consumer.py)
        from bot.web.events_consumer import attach

        attach(app, settings)
    return app
