"""Sign-in, deny-by-default, CSRF, rate limiting, roles, sign-out and the audit of sign-ins and views."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.triage.audit import AuditEntry
from bot.triage.users import MAX_FAILURES, StaffSession
from bot.web.auth import LOGIN_PATH, SESSION_COOKIE, is_public
from tests.unit.console_support import (
    PASSWORD,
    client_for,
    create_user,
    make_app,
    session_csrf,
    sign_in,
)

PARAM = re.compile(r"<([^>:]+)(?::([^>]+))?>")


def concrete(path: str) -> str:
    """A request path for a route pattern: `<x:str>` -> "x1", `<a:(b|c)>` -> "b"."""

    def fill(match: re.Match[str]) -> str:
        kind = match.group(2) or "str"
        if kind.startswith("("):
            return kind.strip("()").split("|")[0]
        if kind in ("int", "number"):
            return "1"
        return "x1"

    return "/" + PARAM.sub(fill, path).lstrip("/")


def audit_actions(app) -> list[tuple[str | None, str, str | None]]:
    with session_scope(app.ctx.settings.database_url) as db:
        rows = db.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
        return [(r.actor, r.action, r.target) for r in rows]


async def test_every_non_public_route_refuses_anonymous_access(tmp_path):
    app = make_app(tmp_path)
    checked: set[tuple[str, str]] = set()
    async with client_for(app) as client:
        for route in app.router.routes:
            if is_public(route.handler):
                continue
            path = concrete(route.path)
            for method in route.methods:
                if method in ("HEAD", "OPTIONS"):
                    continue
                response = await client.request(method, path)
                checked.add((method, path))
                if path.startswith("/api/"):
                    assert response.status_code == 401, (method, path)
                    assert response.json() == {"error": "sign in required"}
                else:
                    assert response.status_code == 302, (method, path)
                    assert response.headers["location"].startswith(LOGIN_PATH + "?next="), path
    # the walk really covered the console, its API and the admin pages
    assert {("GET", "/console"), ("GET", "/api/console/queue"), ("POST", "/console/admin/users")} <= checked
    assert len(checked) >= 14


async def test_only_sign_in_and_static_console_routes_are_public(tmp_path):
    app = make_app(tmp_path)
    public_console = {
        (r.path, m)
        for r in app.router.routes
        if is_public(r.handler) and "console" in r.path
        for m in r.methods
    }
    assert public_console == {
        ("console/login", "GET"),
        ("console/login", "POST"),
        ("console/static/<name:str>", "GET"),
    }


async def test_sign_in_sets_a_strict_httponly_session_cookie_and_audits(tmp_path):
    app = make_app(tmp_path, cookie_secure=True)
    create_user(app, "sam")
    async with client_for(app) as client:
        response = await sign_in(client, "sam")
        assert response.status_code == 302 and response.headers["location"] == "/console"
        cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie
    token = cookie.split(";")[0].split("=", 1)[1]
    with session_scope(app.ctx.settings.database_url) as db:
        stored = [s.id for s in db.execute(select(StaffSession)).scalars()]
    assert len(stored) == 1 and token not in stored  # only a digest is stored
    assert ("sam", "sign_in", None) in audit_actions(app)


async def test_cookie_is_not_secure_when_settings_say_plain_http(tmp_path):
    app = make_app(tmp_path, cookie_secure=False)
    create_user(app, "sam")
    async with client_for(app) as client:
        response = await sign_in(client, "sam")
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(SESSION_COOKIE))
    assert "Secure" not in cookie and "HttpOnly" in cookie


async def test_wrong_password_is_refused_and_audited(tmp_path):
    app = make_app(tmp_path)
    create_user(app, "sam")
    async with client_for(app) as client:
        response = await sign_in(client, "sam", "wrong password!!")
        assert response.status_code == 401
        assert "Wrong username or password" in response.text
        assert (await client.get("/console")).status_code == 302
    assert ("sam", "sign_in_failed", None) in audit_actions(app)


async def test_sign_in_form_without_its_csrf_token_is_refused(tmp_path):
    app = make_app(tmp_path)
    create_user(app, "sam")
    async with client_for(app) as client:
        await client.get("/console/login")
        response = await client.post("/console/login", data={"username": "sam", "password": PASSWORD})
        assert response.status_code == 403
        assert SESSION_COOKIE not in response.headers.get("set-cookie", "")


async def test_rate_limit_locks_username_and_address_after_five_failures(tmp_path):
    app = make_app(tmp_path)
    create_user(app, "sam")
    async with client_for(app, ip="10.0.0.7") as client:
        for _ in range(MAX_FAILURES):
            assert (await sign_in(client, "sam", "wrong password!!")).status_code == 401
        locked = await sign_in(client, "sam")  # even the right password
        assert locked.status_code == 429
    async with client_for(app, ip="10.0.0.8") as other:  # another address is not locked out
        assert (await sign_in(other, "sam")).status_code == 302
    assert ("sam", "sign_in_locked", None) in audit_actions(app)


async def test_state_changing_requests_need_the_session_csrf_token(tmp_path):
    app = make_app(tmp_path)
    create_user(app, "sam")
    async with client_for(app) as client:
        await sign_in(client, "sam")
        csrf = await session_csrf(client)
        url = "/api/console/queue/callback:1/notes"
        assert (await client.post(url, json={"text": "x"})).status_code == 403
        bad = await client.post(url, json={"text": "x"}, headers={"X-CSRF-Token": "forged"})
        assert bad.status_code == 403
        good = await client.post(url, json={"text": "called back"}, headers={"X-CSRF-Token": csrf})
        assert good.status_code == 200, good.text
        assert (await client.post("/console/logout", data={})).status_code == 403
        assert (await client.get("/console")).status_code == 200  # still signed in


async def test_sign_out_ends_the_session(tmp_path):
    app = make_app(tmp_path)
    create_user(app, "sam")
    async with client_for(app) as client:
        await sign_in(client, "sam")
        csrf = await session_csrf(client)
        old = client.cookies.get(SESSION_COOKIE)
        response = await client.post("/console/logout", data={"csrf_token": csrf})
        assert response.status_code == 302 and response.headers["location"] == LOGIN_PATH
        client.cookies.set(SESSION_COOKIE, old)  # a replayed cookie no longer works
        assert (await client.get("/api/console/queue")).status_code == 401
    assert ("sam", "sign_out", None) in audit_actions(app)


@pytest.mark.parametrize("path", ["/console/admin/users", "/console/admin/audit"])
async def test_admin_pages_are_for_admins_only(tmp_path, path):
    app = make_app(tmp_path)
    create_user(app, "sam")
    create_user(app, "ada", role="admin")
    async with client_for(app) as staff:
        await sign_in(staff, "sam")
        assert (await staff.get(path)).status_code == 403
    async with client_for(app) as admin:
        await sign_in(admin, "ada")
        page = await admin.get(path)
        assert page.status_code == 200
    if path.endswith("audit"):
        assert "sign_in" in page.text and "sam" in page.text


async def test_admin_disabling_an_account_ends_its_sessions(tmp_path):
    app = make_app(tmp_path)
    create_user(app, "sam")
    create_user(app, "ada", role="admin")
    async with client_for(app) as staff, client_for(app) as admin:
        await sign_in(staff, "sam")
        assert (await staff.get("/api/console/queue")).status_code == 200
        await sign_in(admin, "ada")
        csrf = await session_csrf(admin)
        response = await admin.post("/console/admin/users/sam/disable", data={"csrf_token": csrf})
        assert response.status_code == 302
        assert (await staff.get("/api/console/queue")).status_code == 401
        assert (await sign_in(staff, "sam")).status_code == 401
    assert ("ada", "user_disabled", "sam") in audit_actions(app)


async def test_viewing_a_conversation_is_audited_and_polling_is_deduplicated(tmp_path):
    app = make_app(tmp_path, rasa_url="http://127.0.0.1:9")  # nothing listens: transcript is a 502
    create_user(app, "sam")
    async with client_for(app) as client:
        await sign_in(client, "sam")
        assert (await client.get("/console/conversations/conv-42")).status_code == 200
        for _ in range(3):
            assert (await client.get("/api/console/conversations/conv-42/transcript")).status_code == 502
    views = [a for a in audit_actions(app) if a[1] == "view_conversation"]
    assert views == [("sam", "view_conversation", "conv-42")]  # page view; polls within 5 min deduped


async def test_console_pages_send_security_headers(tmp_path):
    app = make_app(tmp_path)
    async with client_for(app) as client:
        page = await client.get("/console/login")
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-store"


async def test_a_new_installation_says_how_to_create_the_first_account(tmp_path):
    app = make_app(tmp_path)
    async with client_for(app) as client:
        page = (await client.get(LOGIN_PATH)).text
        assert "No staff account exists yet" in page
        assert ".venv/bin/python -m bot.users add NAME --role admin" in page
        create_user(app, "sam", role="admin")
        page = (await client.get(LOGIN_PATH)).text
        assert "No staff account exists yet" not in page and "bot.users add" not in page


def test_make_run_prints_the_first_account_command_until_one_exists(tmp_path):
    from bot.db import init_db
    from bot.triage.users import add_user
    from ops.stack import first_account_note

    url = f"sqlite:///{tmp_path / 'app.db'}"
    init_db(url)
    assert ".venv/bin/python -m bot.users add NAME --role admin" in first_account_note(url)
    with session_scope(url) as db:
        add_user(db, "kim", PASSWORD, "admin")
    assert first_account_note(url) == ""
