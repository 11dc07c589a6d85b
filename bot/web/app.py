"""The Sanic application factory."""

from __future__ import annotations

import importlib
import itertools
import logging
from typing import Any

from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json
from sqlalchemy import text

from bot.config import Settings
from bot.db import get_engine, init_db

logger = logging.getLogger(__name__)

# Blueprint modules, each exposing `bp`; a part not built yet is skipped, so the app always starts.
BLUEPRINT_MODULES = ("bot.web.widget", "bot.web.console", "bot.web.api")
PUBLIC_ROUTES_CTX = "public_routes"
_app_numbers = itertools.count(1)


def public(handler: Any) -> Any:
    """Mark a route handler as reachable without signing in (everything else is deny-by-default)."""
    handler.__public__ = True
    return handler


def _database_ok(url: str) -> bool:
    try:
        with get_engine(url).connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means "not healthy"; the reason is logged, not returned
        logger.warning("health check: database unreachable")
        return False


def create_app(settings: Settings | None = None, *, create_tables: bool = True) -> Sanic:
    """Build the web app for `settings` (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = Sanic(f"iop_web_{next(_app_numbers)}")
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.config.REQUEST_MAX_SIZE = 1_000_000
    app.ctx.settings = settings
    if create_tables:
        init_db(settings.database_url)

    @app.get("/health")
    @public
    async def health(_request: Request) -> HTTPResponse:
        database = _database_ok(settings.database_url)
        return json(
            {"status": "ok" if database else "degraded", "database": database},
            status=200 if database else 503,
        )

    for module_name in BLUEPRINT_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        register = getattr(module, "register", None)
        if register is not None:
            register(app, settings)
        else:
            app.blueprint(module.bp)
    if settings.rabbitmq_url:  # Rasa's events feed the analytics table (bot/web/events_consumer.py)
        from bot.web.events_consumer import attach

        attach(app, settings)
    return app
