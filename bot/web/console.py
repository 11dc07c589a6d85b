"""The staff console's pages: sign-in, queue, conversation view, assisted screening, admin.

Server-rendered Jinja2 templates (autoescaped); the queue and transcript refresh themselves by polling
the JSON API (`bot.web.api`). Deny-by-default sign-in comes from `bot.web.auth` (`create_app`
installs it); only the sign-in page and the console's static files are public. Database work runs off
the event loop on the request's session (`bot.web.db.run_blocking`).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, Sanic
from sanic.exceptions import NotFound
from sanic.request import Request
from sanic.response import HTTPResponse, file, html, redirect
from sqlalchemy.orm import Session

from bot.assisted import CONDITIONAL, DECLINED, PHONE_QUESTIONS, answer_label, assisted_screening
from bot.config import Settings
from bot.referral.programs import cached_programs
from bot.referral.vocab import INSURANCE
from bot.safety.net import helpline_text
from bot.screening.engine import ScreeningInputError
from bot.screening.flow import QUESTION_ORDER
from bot.screening.messages import DISCLAIMER, LEVEL_NAMES
from bot.triage import audit, view
from bot.triage.users import (
    FIRST_ACCOUNT_COMMAND,
    ROLES,
    UserError,
    add_user,
    authenticate,
    count_active_users,
    csrf_matches,
    end_session,
    list_users,
    set_active,
    start_session,
)
from bot.web import api, auth
from bot.web.auth import public
from bot.web.db import run_blocking

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static" / "console"
LOGIN_CSRF_COOKIE = "iop_login_csrf"
STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}

bp = Blueprint("console", url_prefix="/console")


def install_templates(app: Sanic) -> None:
    """The console's template environment (autoescaped), on `app.ctx.console_templates`."""
    templates = Environment(
        loader=FileSystemLoader(str(TEMPLATES_DIR)),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    templates.filters["when"] = readable_time
    templates.globals["answer_label"] = answer_label
    app.ctx.console_templates = templates


def readable_time(iso: str) -> str:
    """"2024-05-01T12:00:00.123+00:00" -> "2024-05-01 12:00 UTC" (unparseable text is returned as is)."""
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def render(request: Request, name: str, status: int = 200, **context: Any) -> HTTPResponse:
    """Render a console template with the signed-in user and CSRF token available."""
    env: Environment = request.app.ctx.console_templates
    user = getattr(request.ctx, "user", None)
    body = env.get_template(f"console/{name}").render(
        user=user, csrf_token=user.csrf_token if user else "", **context
    )
    return html(body, status=status)


# -- sign-in --------------------------------------------------------------------------------------

async def _needs_first_account(request: Request) -> bool:
    """True on a new installation: no account can sign in yet, so the page says how to create one."""
    return await run_blocking(request, count_active_users) == 0


async def _login_page(request: Request, error: str = "", status: int = 200) -> HTTPResponse:
    login_csrf = secrets.token_urlsafe(32)
    first_account = await _needs_first_account(request)
    response = render(
        request,
        "login.html",
        status=status,
        error=error,
        login_csrf=login_csrf,
        next=auth.safe_next(request.args.get("next")),
        first_account_command=FIRST_ACCOUNT_COMMAND if first_account else "",
    )
    response.cookies[LOGIN_CSRF_COOKIE] = login_csrf
    cookie = response.cookies[LOGIN_CSRF_COOKIE]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["secure"] = request.app.ctx.settings.cookie_secure
    cookie["path"] = auth.LOGIN_PATH
    return response


@bp.get("/login")
@public
async def login_form(request: Request) -> HTTPResponse:
    """The sign-in form (with a double-submit CSRF token)."""
    return await _login_page(request)


def _sign_in(db: Session, username: str, password: str, ip: str) -> tuple[str, str | None]:
    """(outcome, session token) of a sign-in attempt, audited either way."""
    result = authenticate(db, username, password, ip)
    if result.outcome == "locked":
        audit.record(db, "sign_in_locked", actor=username.lower() or None, ip=ip)
    elif result.outcome == "bad" or result.user is None:
        audit.record(db, "sign_in_failed", actor=username.lower() or None, ip=ip)
    else:
        token, _csrf = start_session(db, result.user)
        audit.record(db, "sign_in", actor=result.user.username, ip=ip)
        return result.outcome, token
    return result.outcome, None


@bp.post("/login")
@public
async def login_submit(request: Request) -> HTTPResponse:
    """Check the password (rate limited per username+address), start a session, audit either way."""
    settings: Settings = request.app.ctx.settings
    form = request.form
    if not csrf_matches(request.cookies.get(LOGIN_CSRF_COOKIE, ""), form.get("csrf_token")):
        return await _login_page(request, "Your sign-in form expired. Please try again.", status=403)
    username = str(form.get("username") or "").strip()[:64]
    password = str(form.get("password") or "")
    ip = auth.client_ip(request)
    outcome, token = await run_blocking(request, _sign_in, username, password, ip)
    if outcome == "locked":
        return await _login_page(request, "Too many failed attempts. Try again in 15 minutes.", status=429)
    if outcome != "ok" or token is None:
        return await _login_page(request, "Wrong username or password.", status=401)
    response = redirect(auth.safe_next(str(form.get("next") or "")))
    auth.set_session_cookie(response, token, settings)
    response.cookies[LOGIN_CSRF_COOKIE] = ""
    response.cookies[LOGIN_CSRF_COOKIE]["max-age"] = 0
    response.cookies[LOGIN_CSRF_COOKIE]["path"] = auth.LOGIN_PATH
    return response


def _sign_out(db: Session, token: str, username: str, ip: str) -> None:
    end_session(db, token)
    audit.record(db, "sign_out", actor=username, ip=ip)


@bp.post("/logout")
async def logout(request: Request) -> HTTPResponse:
    """End the session (CSRF-checked by the middleware)."""
    settings: Settings = request.app.ctx.settings
    user = auth.current_user(request)
    token = request.cookies.get(auth.SESSION_COOKIE, "")
    await run_blocking(request, _sign_out, token, user.username, auth.client_ip(request))
    response = redirect(auth.LOGIN_PATH)
    auth.clear_session_cookie(response, settings)
    return response


# -- queue and conversations ------------------------------------------------------------------------

@bp.get("")
async def queue_page(request: Request) -> HTTPResponse:
    """The triage queue (rendered now, refreshed by polling /api/console/queue)."""
    items = await run_blocking(request, view.queue_view)
    return render(request, "queue.html", items=items, poll_ms=api.POLL_SECONDS * 1000)


def _viewed_details(db: Session, conversation_id: str, username: str) -> dict[str, Any]:
    """One conversation's details; the view is audited."""
    details = view.conversation_details(db, conversation_id)
    audit.record_view(db, username, conversation_id)
    return details


@bp.get("/conversations/<conversation_id:str>")
async def conversation_page(request: Request, conversation_id: str) -> HTTPResponse:
    """One conversation: timeline, screening result, callback details, transcript, live reply."""
    conversation_id = unquote(conversation_id)
    user = auth.current_user(request)
    details = await run_blocking(request, _viewed_details, conversation_id, user.username)
    return render(
        request,
        "conversation.html",
        conversation_id=conversation_id,
        details=details,
        level_names=LEVEL_NAMES,
        questions=PHONE_QUESTIONS,
        poll_ms=api.TRANSCRIPT_POLL_SECONDS * 1000,
    )


# -- assisted screening -------------------------------------------------------------------------------

def _screening_form(
    request: Request, values: dict[str, str], error: str = "", field: str = ""
) -> HTTPResponse:
    return render(
        request,
        "screening.html",
        status=400 if error else 200,
        order=QUESTION_ORDER,
        questions=PHONE_QUESTIONS,
        conditional=CONDITIONAL,
        declined=DECLINED,
        insurance=INSURANCE,
        values=values,
        error=error,
        error_field=field,
        crisis_protocol=helpline_text("console_protocol"),
    )


@bp.get("/screening")
async def screening_form(request: Request) -> HTTPResponse:
    """The screening questions for a phone call."""
    return _screening_form(request, {})


@bp.post("/screening")
async def screening_result(request: Request) -> HTTPResponse:
    """Run the chat's screening engine on the phone answers; show result, reasons and programs."""
    values = {name: str(request.form.get(name) or "") for name in (*QUESTION_ORDER, "zip_code", "insurance")}
    try:
        outcome = assisted_screening(
            values, cached_programs(), zip_code=values["zip_code"], insurance=values["insurance"]
        )
    except ScreeningInputError as exc:
        label = PHONE_QUESTIONS[exc.field][0] if exc.field in PHONE_QUESTIONS else exc.field
        return _screening_form(request, values, f"Please answer: {label}", exc.field)
    await run_blocking(request, audit.record, "assisted_screening", actor=auth.current_user(request).username)
    return render(
        request,
        "screening_result.html",
        outcome=outcome,
        level_name=LEVEL_NAMES[outcome.result.level],
        questions=PHONE_QUESTIONS,
        order=QUESTION_ORDER,
        disclaimer=DISCLAIMER,
        crisis_urgent=helpline_text("console_urgent"),
    )


# -- admin ------------------------------------------------------------------------------------------

def _user_rows(db: Session) -> list[tuple[str, str, bool]]:
    return [(u.username, u.role, u.active) for u in list_users(db)]


def _add_user(db: Session, username: str, password: str, role: str, actor: str) -> None:
    user = add_user(db, username, password, role)
    audit.record(db, "user_added", actor=actor, target=user.username)


def _set_active(db: Session, username: str, enable: bool, actor: str) -> None:
    set_active(db, username, enable)
    audit.record(db, "user_enabled" if enable else "user_disabled", actor=actor, target=username)


@bp.get("/admin/users")
@auth.admin_only
async def users_page(request: Request) -> HTTPResponse:
    """Staff accounts (admins only)."""
    users = await run_blocking(request, _user_rows)
    return render(request, "users.html", users=users, roles=ROLES, message=request.args.get("msg", ""))


@bp.post("/admin/users")
@auth.admin_only
async def users_add(request: Request) -> HTTPResponse:
    """Create an account (admins only)."""
    form = request.form
    actor = auth.current_user(request).username
    username, password = str(form.get("username") or ""), str(form.get("password") or "")
    try:
        await run_blocking(request, _add_user, username, password, str(form.get("role") or "staff"), actor)
    except UserError as exc:
        users = await run_blocking(request, _user_rows)
        return render(request, "users.html", status=400, users=users, roles=ROLES, message=str(exc))
    return redirect("/console/admin/users?msg=added")


@bp.post("/admin/users/<username:str>/<action:(disable|enable)>")
@auth.admin_only
async def users_toggle(request: Request, username: str, action: str) -> HTTPResponse:
    """Disable (ending its sessions) or enable an account (admins only)."""
    actor = auth.current_user(request).username
    if action == "disable" and username == actor:
        return redirect("/console/admin/users?msg=you+cannot+disable+yourself")
    try:
        await run_blocking(request, _set_active, username, action == "enable", actor)
    except UserError:
        raise NotFound("no such user") from None
    return redirect(f"/console/admin/users?msg={action}d")


def _audit_rows(db: Session, before_id: int | None) -> list[tuple[Any, ...]]:
    entries = audit.recent(db, 200, before_id)
    return [(e.id, view.iso_time(e.at), e.actor, e.action, e.target, e.ip) for e in entries]


@bp.get("/admin/audit")
@auth.admin_only
async def audit_page(request: Request) -> HTTPResponse:
    """The newest audit entries (admins only)."""
    before = request.args.get("before", "")
    rows = await run_blocking(request, _audit_rows, int(before) if before.isdigit() else None)
    return render(request, "audit.html", rows=rows)


# -- static ---------------------------------------------------------------------------------------------

@bp.get("/static/<name:str>")
@public
async def static_file(request: Request, name: str) -> HTTPResponse:
    """The console's CSS and JavaScript (public: no data in them)."""
    path = (STATIC_DIR / name).resolve()
    if path.parent != STATIC_DIR.resolve() or path.suffix not in STATIC_TYPES or not path.is_file():
        raise NotFound("no such file")
    return await file(path, mime_type=STATIC_TYPES[path.suffix])
