"""One local HTTP server that plays the Telegram Bot API, Twilio, the Slack Web API and the Graph API.

It records every call as the platform would parse it (form, multipart or JSON body; query string)
and answers with the minimal success response each client library accepts. Run it in a thread:

    with FakePlatforms() as fake:
        ...  # point a connector's `api_base_url` at fake.url("telegram")
        fake.calls("telegram", "sendMessage")
"""

from __future__ import annotations

import cgi
import io
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

TELEGRAM_BOT = {"id": 4242, "is_bot": True, "first_name": "IOP assistant", "username": "iop_test_bot"}


@dataclass
class Call:
    """One request a client made to the fake."""

    platform: str
    method: str  # the API method: sendMessage, Messages.json, chat.postMessage, me/messages
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class _State:
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    changed: threading.Condition = field(init=False)

    def __post_init__(self) -> None:
        self.changed = threading.Condition(self.lock)


def _parse_body(content_type: str, raw: bytes) -> dict[str, Any]:
    """The body as the platform reads it: urlencoded form, multipart form or JSON."""
    if not raw:
        return {}
    if content_type.startswith("application/json"):
        return dict(json.loads(raw))
    if content_type.startswith("application/x-www-form-urlencoded"):
        parsed = parse_qs(raw.decode(), keep_blank_values=True)
        return {k: v[0] if len(v) == 1 else v for k, v in parsed.items()}
    if content_type.startswith("multipart/form-data"):
        environ = {"REQUEST_METHOD": "POST", "CONTENT_TYPE": content_type, "CONTENT_LENGTH": str(len(raw))}
        form = cgi.FieldStorage(fp=io.BytesIO(raw), environ=environ, keep_blank_values=True)
        return {key: form.getfirst(key) for key in form.keys()}
    return {"raw": raw.decode(errors="replace")}


def _telegram_result(method: str, body: dict[str, Any]) -> Any:
    if method == "getMe":
        return TELEGRAM_BOT
    if method in ("sendMessage", "sendPhoto"):
        chat_id = int(body.get("chat_id", 0))
        return {
            "message_id": int(time.time() * 1000) % 10**9,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": TELEGRAM_BOT,
            "text": body.get("text", ""),
        }
    return True  # setWebhook, answerCallbackQuery, deleteWebhook, ...


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = _parse_body(self.headers.get("Content-Type", ""), raw)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        platform, method, status, answer = self._route(url.path, body)
        call = Call(platform, method, url.path, query, {k.lower(): v for k, v in self.headers.items()}, body)
        with self.server.state.changed:
            self.server.state.calls.append(call)
            self.server.state.changed.notify_all()
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    @staticmethod
    def _route(path: str, body: dict[str, Any]) -> tuple[str, str, int, Any]:
        if m := re.fullmatch(r"/telegram/bot[^/]+/(\w+)", path):
            return "telegram", m.group(1), 200, {"ok": True, "result": _telegram_result(m.group(1), body)}
        if m := re.fullmatch(r"/twilio/2010-04-01/Accounts/(\w+)/Messages\.json", path):
            sid = f"SM{int(time.time() * 1e6):032d}"[:34]
            message = {
                "sid": sid,
                "account_sid": m.group(1),
                "to": body.get("To"),
                "from": body.get("From"),
                "body": body.get("Body"),
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "uri": f"/2010-04-01/Accounts/{m.group(1)}/Messages/{sid}.json",
            }
            return "twilio", "Messages.json", 201, message
        if m := re.fullmatch(r"/slack/api/([\w.]+)", path):
            return (
                "slack",
                m.group(1),
                200,
                {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"},
            )
        if m := re.fullmatch(r"/graph/v[\d.]+/(me/\w+)", path):
            recipient = (body.get("recipient") or {}).get("id")
            return "facebook", m.group(1), 200, {"recipient_id": recipient, "message_id": "m_fake"}
        return "unknown", path, 404, {"error": "no such fake endpoint"}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: _State


class FakePlatforms:
    """The fake APIs on an ephemeral 127.0.0.1 port; use as a context manager."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.state = _State()
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakePlatforms:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, platform: str) -> str:
        """The `api_base_url` credential for a connector: telegram, twilio, slack or facebook."""
        return {
            "telegram": f"{self.base_url}/telegram",
            "twilio": f"{self.base_url}/twilio",
            "slack": f"{self.base_url}/slack/api/",
            "facebook": f"{self.base_url}/graph",
        }[platform]

    def calls(self, platform: str | None = None, method: str | None = None) -> list[Call]:
        """Recorded calls, optionally for one platform and API method."""
        with self._server.state.lock:
            return [
                c
                for c in self._server.state.calls
                if (platform is None or c.platform == platform) and (method is None or c.method == method)
            ]

    def clear(self) -> None:
        """Forget the recorded calls."""
        with self._server.state.lock:
            self._server.state.calls.clear()

    def wait_for(
        self, platform: str, method: str, count: int = 1, timeout: float = 30.0, **match: Any
    ) -> list[Call]:
        """Block until `count` matching calls arrived (Slack and others answer asynchronously)."""
        deadline = time.monotonic() + timeout
        with self._server.state.changed:
            while True:
                found = [
                    c
                    for c in self._server.state.calls
                    if c.platform == platform
                    and c.method == method
                    and all(c.body.get(k) == v for k, v in match.items())
                ]
                remaining = deadline - time.monotonic()
                if len(found) >= count or remaining <= 0:
                    return found
                self._server.state.changed.wait(remaining)

    async def wait_for_async(
        self, platform: str, method: str, count: int = 1, timeout: float = 30.0, **match: Any
    ) -> list[Call]:
        """`wait_for` without blocking the event loop that must send the calls."""
        import asyncio

        return await asyncio.to_thread(self.wait_for, platform, method, count, timeout, **match)
