"""Deny-by-default sign-in for the whole web app: sessions, CSRF, roles, security headers.

`install(app, settings)` adds one request middleware. A route whose handler is marked `public`
passes; every other route needs a live staff session (cookie) and, for any
state-changing method, the session's CSRF token (header `X-CSRF-Token` or form field `csrf_token`).
Anonymous requests get 401 JSON under /api and a redirect to the sign-in page elsewhere.
"""

from __future__ import annotations

import functools
from typing import Any, Callable, Coroutine
from urllib.parse import quote

from sanic import Sanic
from sanic.request import Request
from sanic.response import BaseHTTPResponse, HTTPResponse, json, redirect

from bot.config import Settings
from bot.triage.users import SESSION_MAX, SignedIn, csrf_matches, resume_session
from bot.web.db import run_blocking

SESSION_COOKIE = "iop_staff_session"
LOGIN_PATH = "/console/login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
CONSOLE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)

Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


def public(handler: Any) -> Any:
    """Mark a route handler as reachable without signing in (everything else is deny-by-default)."""
    handler.__public__ = True
    return handler


def is_public(handler: Any) -> bool:
    """Whether a route handler was marked with `public`."""
    return bool(getattr(handler, "__public__", False))


def client_ip(request: Request) -> str:
    """The client's address (honours Sanic's proxy settings)."""
    return str(request.remote_addr or request.ip or "unknown")


def current_user(request: Request) -> SignedIn:
    """The signed-in user of a protected request (the middleware guarantees one)."""
    user: SignedIn | None = getattr(request.ctx, "user", None)
    if user is None:  # only reachable if a handler is public yet calls this: a programming error
        raise RuntimeError("current_user() on a request without a session")
    return user


def safe_next(target: str | None) -> str:
    """A same-site path to go to after sign-in (anything else becomes /console)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/console"


def _deny(request: Request) -> HTTPResponse:
    if request.path == "/api" or request.path.startswith("/api/"):
        return json({"error": "sign in required"}, status=401)
    target = request.path + (f"?{request.query_string}" if request.query_string else "")
    return redirect(f"{LOGIN_PATH}?next={quote(target, safe='/')}")


def _submitted_csrf(request: Request) -> str | None:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return str(header)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        value = request.form.get(CSRF_FIELD)
        return str(value) if value is not None else None
    return None


def set_session_cookie(response: HTTPResponse, token: str, settings: Settings) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Secure unless settings.cookie_secure is off."""
    response.cookies[SESSION_COOKIE] = token
    cookie = response.cookies[SESSION_COOKIE]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["secure"] = settings.cookie_secure
    cookie["path"] = "/"
    cookie["max-age"] = int(SESSION_MAX.total_seconds())


def clear_session_cookie(response: HTTPResponse, settings: Settings) -> None:
    """Expire the session cookie in the browser."""
    set_session_cookie(response, "", settings)
    response.cookies[SESSION_COOKIE]["max-age"] = 0


async def _authenticate(request: Request) -> HTTPResponse | None:
    request.ctx.user = None
    route = request.route
    if route is None or is_public(route.handler):
        return None
    token = request.cookies.get(SESSION_COOKIE, "")
    if not token:
        return _deny(request)
    user = await run_blocking(request, resume_session, token)
    if user is None:
        return _deny(request)
    request.ctx.user = user
    if request.method not in SAFE_METHODS and not csrf_matches(user.csrf_token, _submitted_csrf(request)):
        return json({"error": "missing or invalid CSRF token"}, status=403)
    return None


async def _security_headers(request: Request, response: BaseHTTPResponse) -> None:
    if getattr(request.ctx, "user", None) is not None or request.path.startswith("/console"):
        response.headers.setdefault("Cache-Control", "no-store")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "no-referrer")
    if request.path.startswith("/console"):
        response.headers.setdefault("Content-Security-Policy", CONSOLE_CSP)
        response.headers.setdefault("X-Frame-Options", "DENY")


def install(app: Sanic, _settings: Settings) -> None:
    """Add the sign-in middleware and security headers once per app (idempotent)."""
    if getattr(app.ctx, "staff_auth_installed", False):
        return
    app.ctx.staff_auth_installed = True
    app.register_middleware(_authenticate, "request")
    app.register_middleware(_security_headers, "response")


def admin_only(handler: Handler) -> Handler:
    """Refuse (403) a signed-in user who is not an admin."""

    @functools.wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        if not current_user(request).is_admin:
            if request.path.startswith("/api/"):
                return json({"error": "admins only"}, status=403)
            return HTTPResponse("Admins only.", status=403, content_type="text/plain; charset=utf-8")
        return await handler(request, *args, **kwargs)

    return wrapper
