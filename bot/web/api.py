"""The staff console's JSON API under /api/console (signed-in staff only; CSRF on every POST).

GET  /api/console/queue                                   open items in queue order
POST /api/console/queue/<key>/claim | resolve | notes     act on an item ("crisis:12", ...); a crisis
                                                          item is a conversation, and any of its
                                                          escalation ids names it
GET  /api/console/conversations/<id>/transcript           lines from Rasa's tracker (audited)
POST /api/console/conversations/<id>/messages             {"text": ...} into the person's chat
POST /api/console/conversations/<id>/hand-back            resume the assistant, close the handoff
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, json
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.rasa_client import MAX_STAFF_MESSAGE, RasaClient, RasaError, is_paused, transcript
from bot.triage import audit, queue, state, view
from bot.triage.items import QueueError
from bot.web import auth
from bot.web.db import run_blocking

POLL_SECONDS = 4
TRANSCRIPT_POLL_SECONDS = 3

bp = Blueprint("console_api", url_prefix="/api/console")


def rasa_client(request: Request) -> RasaClient:
    """A client for the configured Rasa server (tests may put another on app.ctx.rasa_client)."""
    override: RasaClient | None = getattr(request.app.ctx, "rasa_client", None)
    if override is not None:
        return override
    settings: Settings = request.app.ctx.settings
    return RasaClient(settings.rasa_url, settings.rasa_auth_token)


def _json_body(request: Request) -> dict[str, Any]:
    try:
        body = request.json
    except Exception:  # sanic raises InvalidUsage for malformed JSON
        return {}
    return body if isinstance(body, dict) else {}


@bp.get("/queue")
async def get_queue(request: Request) -> HTTPResponse:
    """Open items, highest priority first."""
    items = await run_blocking(request, view.queue_view)
    return json({"items": items, "now": datetime.now(timezone.utc).isoformat(), "poll_seconds": POLL_SECONDS})


def _act(db: Session, action: str, key: str, username: str, body: dict[str, Any]) -> str:
    """Claim, resolve or annotate the item `key` names, audited; returns the key acted on."""
    if action == "claim":
        key = state.claim(db, key, username, take_over=bool(body.get("take_over")))
    elif action == "resolve":
        key = state.resolve(db, key, username)
    else:
        key = state.annotate(db, key, username, str(body.get("text") or ""))
    audit.record(db, "note" if action == "notes" else action, actor=username, target=key)
    return key


@bp.post("/queue/<key:str>/<action:(claim|resolve|notes)>")
async def act_on_item(request: Request, key: str, action: str) -> HTTPResponse:
    """Claim, resolve or annotate a queue item."""
    key = unquote(key)
    user = auth.current_user(request)
    body = _json_body(request)
    try:
        key = await run_blocking(request, _act, action, key, user.username, body)
    except QueueError as exc:
        return json({"error": str(exc)}, status=409 if "claimed" in str(exc) else 400)
    return json({"ok": True, "key": key, "action": action})


@bp.get("/conversations/<conversation_id:str>/transcript")
async def get_transcript(request: Request, conversation_id: str) -> HTTPResponse:
    """The conversation as lines (the view is audited once per viewer per few minutes)."""
    conversation_id = unquote(conversation_id)
    user = auth.current_user(request)
    await run_blocking(request, audit.record_view, user.username, conversation_id, dedupe=True)
    try:
        tracker = await rasa_client(request).tracker(conversation_id)
    except RasaError as exc:
        return json({"error": str(exc)}, status=502)
    return json(
        {"lines": [line.to_dict() for line in transcript(tracker)], "paused": is_paused(tracker)}
    )


def _staff_message_sent(db: Session, conversation_id: str, username: str) -> None:
    queue.join_handoffs(db, conversation_id, username)
    audit.record(db, "staff_message", actor=username, target=conversation_id)


def _handed_back(db: Session, conversation_id: str, username: str) -> list[str]:
    closed = queue.close_handoffs(db, conversation_id, username)
    audit.record(db, "hand_back", actor=username, target=conversation_id)
    return closed


@bp.post("/conversations/<conversation_id:str>/messages")
async def send_message(request: Request, conversation_id: str) -> HTTPResponse:
    """Send a staff message into the person's chat; open handoffs become joined and claimed."""
    conversation_id = unquote(conversation_id)
    user = auth.current_user(request)
    text = str(_json_body(request).get("text") or "").strip()
    if not text or len(text) > MAX_STAFF_MESSAGE:
        return json({"error": f"the message must be 1 to {MAX_STAFF_MESSAGE} characters"}, status=400)
    try:
        await rasa_client(request).send_staff_message(conversation_id, text)
    except RasaError as exc:
        return json({"error": str(exc)}, status=502)
    await run_blocking(request, _staff_message_sent, conversation_id, user.username)
    return json({"ok": True})


@bp.post("/conversations/<conversation_id:str>/hand-back")
async def hand_back(request: Request, conversation_id: str) -> HTTPResponse:
    """Resume the assistant and close the conversation's open handoffs."""
    conversation_id = unquote(conversation_id)
    user = auth.current_user(request)
    try:
        await rasa_client(request).hand_back(conversation_id)
    except RasaError as exc:
        return json({"error": str(exc)}, status=502)
    closed = await run_blocking(request, _handed_back, conversation_id, user.username)
    return json({"ok": True, "closed": closed})
