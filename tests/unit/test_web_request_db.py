"""bot.web.db: one database session per request, its work off the event loop, closed at the end."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sanic import Sanic
from sanic.request import Request
from sanic.response import HTTPResponse, json
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.triage import audit
from bot.web import db as request_db
from bot.web.auth import public
from bot.web.db import RequestSession, run_blocking
from tests.unit.console_support import client_for, create_user, make_app, sign_in


class Spy:
    """Records every session the web layer opens and whether it was closed."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sessions: list[Session] = []
        self.closed: list[Session] = []
        real = request_db.new_session

        def opened(url: str | None = None) -> Session:
            session = real(url)
            close = session.close

            def closing() -> None:
                self.closed.append(session)
                close()

            session.close = closing  # type: ignore[method-assign]
            self.sessions.append(session)
            return session

        monkeypatch.setattr(request_db, "new_session", opened)


def _with_test_routes(app: Sanic) -> Sanic:
    @app.get("/test/threads")
    @public
    async def threads(request: Request) -> HTTPResponse:
        worker = await run_blocking(request, lambda db: threading.get_ident())
        again = await run_blocking(request, lambda db: db.execute(text("SELECT 1")).scalar_one())
        return json({"loop": threading.get_ident(), "worker": worker, "select": again})

    @app.get("/test/fails")
    @public
    async def fails(request: Request) -> HTTPResponse:
        await run_blocking(request, lambda db: db.execute(text("SELECT 1")))
        raise RuntimeError("handler failed after database work")

    @app.get("/test/rollback")
    @public
    async def rollback(request: Request) -> HTTPResponse:
        def broken(db: Session) -> None:
            audit.record(db, "sign_out", actor="sam")
            raise ValueError("unit failed")

        with pytest.raises(ValueError):
            await run_blocking(request, broken)
        await run_blocking(request, audit.record, "sign_in", actor="kim")
        rows = await run_blocking(request, lambda db: [(e.actor, e.action) for e in audit.recent(db)])
        return json({"audit": rows})

    return app


async def test_each_request_gets_its_own_session_closed_at_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    app = _with_test_routes(make_app(tmp_path))
    async with client_for(app) as client:
        first = (await client.get("/test/threads")).json()
        second = (await client.get("/test/threads")).json()
    assert first["select"] == second["select"] == 1
    assert first["worker"] != first["loop"] and second["worker"] != second["loop"]  # off the event loop
    assert len(spy.sessions) == 2 and spy.sessions[0] is not spy.sessions[1]  # two units, one session each
    assert spy.closed == spy.sessions


async def test_the_session_is_closed_when_the_handler_fails_or_sign_in_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    app = _with_test_routes(make_app(tmp_path))
    async with client_for(app) as client:
        assert (await client.get("/test/fails")).status_code == 500
        client.cookies.set("iop_staff_session", "not-a-session")
        refused = await client.get("/console", follow_redirects=False)
    assert refused.status_code == 302  # the sign-in check ran on a request session, then denied
    assert len(spy.sessions) == 2 and spy.closed == spy.sessions


async def test_a_failed_unit_is_rolled_back_and_the_request_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    app = _with_test_routes(make_app(tmp_path))
    async with client_for(app) as client:
        response = await client.get("/test/rollback")
    assert response.status_code == 200 and response.json() == {"audit": [["kim", "sign_in"]]}
    assert len(spy.sessions) == 1 and spy.closed == spy.sessions


async def test_pages_without_database_work_open_no_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spy = Spy(monkeypatch)
    app = make_app(tmp_path)
    async with client_for(app) as client:
        assert (await client.get("/widget/demo.css")).status_code == 200
    assert spy.sessions == []


async def test_a_signed_in_page_uses_one_session_for_sign_in_and_its_own_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app(tmp_path)
    create_user(app, "sam")
    async with client_for(app) as client:
        await sign_in(client, "sam")
        spy = Spy(monkeypatch)
        page = await client.get("/console")
    assert page.status_code == 200
    assert len(spy.sessions) == 1 and spy.closed == spy.sessions


async def test_a_closed_request_session_refuses_more_work(tmp_path: Path) -> None:
    current = RequestSession(f"sqlite:///{tmp_path / 'app.db'}")
    assert await current.run(lambda db, n: db.execute(text("SELECT :n"), {"n": n}).scalar_one(), 7) == 7
    await current.close()
    await current.close()  # idempotent
    assert current.session is None
    with pytest.raises(RuntimeError, match="closed"):
        await current.run(lambda db: None)


def test_request_sessions_need_the_closing_middleware() -> None:
    class Ctx:
        pass

    class FakeRequest:
        app: Any = type("App", (), {"ctx": Ctx()})()
        ctx = Ctx()

    with pytest.raises(RuntimeError, match="install"):
        request_db.request_session(FakeRequest())  # type: ignore[arg-type]


def test_no_handler_in_the_web_layer_opens_its_own_session() -> None:
    import ast

    from tests.import_graph import project_modules

    offenders = []
    for name, path in project_modules().items():
        if not name.startswith("bot.web"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.AsyncFunctionDef):
                calls = [c for c in ast.walk(node) if isinstance(c, ast.Call)]
                names = {c.func.id for c in calls if isinstance(c.func, ast.Name)}
                if names & {"session_scope", "new_session", "get_engine"}:
                    offenders.append(f"{name}.{node.name}")
    assert offenders == []
