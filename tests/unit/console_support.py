"""Helpers for the staff console tests: the real app over ASGI (no port), accounts, sign-in, seed rows."""

from __future__ import annotations

import asyncio
import re
from contextlib import asynccontextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, AsyncIterator

import httpx
from sanic import Sanic

from bot.config import Settings
from bot.db import session_scope
from bot.triage.users import add_user
from bot.web.app import create_app

PASSWORD = "correct horse battery"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)


def make_app(tmp_path: Path, **overrides: Any) -> Sanic:
    """The real web app on a fresh SQLite database under tmp_path."""
    settings = Settings(
        **{"database_url": f"sqlite:///{tmp_path / 'app.db'}", "cookie_secure": False, **overrides}
    )
    Sanic.test_mode = True  # as sanic-testing does: lets one process start many apps (touch-up)
    return create_app(settings)


async def _lifespan(app: Sanic, event: str) -> None:
    """Send one ASGI lifespan event (Sanic 21.12 then wrongly serves the scope as a request: ignored)."""
    done = asyncio.Event()

    async def receive() -> dict[str, str]:
        return {"type": f"lifespan.{event}"}

    async def send(_message: dict[str, Any]) -> None:
        done.set()

    try:
        await app({"type": "lifespan", "asgi": {"version": "3.0"}}, receive, send)
    except AttributeError:
        pass
    assert done.is_set(), f"lifespan {event} did not complete"


@asynccontextmanager
async def client_for(app: Sanic, ip: str = "127.0.0.1") -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client speaking ASGI to `app`, after the app's lifespan startup."""
    if not getattr(app.ctx, "test_started", False):
        await _lifespan(app, "startup")
        app.ctx.test_started = True
    transport = httpx.ASGITransport(app=app, client=(ip, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="https://console.test") as client:
        yield client


def create_user(app: Sanic, name: str, role: str = "staff", password: str = PASSWORD) -> None:
    """Add an account directly in the app's database."""
    with session_scope(app.ctx.settings.database_url) as db:
        add_user(db, name, password, role)


async def login_csrf(client: httpx.AsyncClient) -> str:
    """Fetch the sign-in page (sets the login CSRF cookie) and return its form token."""
    page = await client.get("/console/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, "the sign-in form has no CSRF token"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    """Submit the sign-in form."""
    token = await login_csrf(client)
    return await client.post(
        "/console/login", data={"username": name, "password": password, "csrf_token": token}
    )


async def session_csrf(client: httpx.AsyncClient) -> str:
    """The signed-in session's CSRF token, read from the console page's meta tag."""
    page = await client.get("/console")
    match = re.search(r'<meta name="csrf-token" content="([^"]+)"', page.text)
    assert match, f"no CSRF meta tag (status {page.status_code})"
    return match.group(1)


def seed_queue(app: Sanic, now: datetime = NOW) -> dict[str, int]:
    """One crisis escalation, callback, handoff, urgent handoff and screening, at known ages."""
    from bot.referral.store import HandoffRequest, save_callback_request
    from bot.safety.store import Escalation
    from bot.screening.engine import screen
    from bot.screening.store import record_screening
    from tests.unit.screening_support import calm_answers

    answers = calm_answers(functioning="significant")
    with session_scope(app.ctx.settings.database_url) as db:
        ids = {
            "callback": save_callback_request(
                db, conversation_id="conv-callback", name="Alex Example", contact_kind="phone",
                contact="+12125550199", best_time="mornings", consent_text="call me about IOP",
                now=now - timedelta(hours=3),
            ),
        }  # fmt: skip
        handoff = HandoffRequest(
            conversation_id="conv-handoff", channel="socketio", created_at=now - timedelta(hours=1)
        )
        urgent = HandoffRequest(
            conversation_id="conv-urgent", channel="socketio", created_at=now - timedelta(minutes=5),
            urgent=True, crisis_category="suicide",
        )  # fmt: skip
        crisis = Escalation(
            created_at=now - timedelta(minutes=10), category="overdose", channel="socketio",
            sender_id="conv-crisis",
        )  # fmt: skip
        db.add_all([handoff, urgent, crisis])
        db.flush()
        ids["handoff"], ids["urgent"], ids["crisis"] = handoff.id, urgent.id, crisis.id
        ids["screening"] = record_screening(
            db, "conv-screening", "completed", answers, result=screen(answers)
        )
    return ids
