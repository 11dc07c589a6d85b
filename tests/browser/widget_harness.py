"""Test harness for the chat widget: a fake Rasa socket.io server, the real web app, headless Chromium.

`python -m tests.browser.widget_harness fake-rasa --port N --log FILE` runs a socket.io server that answers
like Rasa 3.6's socketio channel (session_request -> session_confirm, user_uttered -> bot_uttered) and
appends every event it receives to FILE as a JSON line; `... rasa-channel --port N --log FILE` runs Rasa's
own socket.io channel code (as credentials.yml configures it) with a scripted bot.
`... serve-web --port N --rasa-url URL --db URL` serves `create_app(Settings(...))` with the widget
pointed at URL.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "widget"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BUNDLE = PROJECT_ROOT / "bot" / "web" / "static" / "dist" / "widget.js"

# What the fake assistant says. Keys are matched against the user's message (payload or text).
GREETING = {
    "text": "Hi! What would you like to know?",
    "quick_replies": [
        {"content_type": "text", "title": "What is IOP?", "payload": "/faq_what_is_iop"},
        {"content_type": "text", "title": "Talk to a person", "payload": "/human_handoff"},
    ],
}
IOP_ANSWER = {
    "text": "IOP is structured treatment for several hours a week.\n"
    "You go home after each session.\nRead more at https://example.org/iop."
}
CRISIS_REPLY = {
    "text": "I'm really glad you told me. You can call or text 988 right now to reach the Suicide "
    "and Crisis Lifeline, any time. If you are in immediate danger, call 911."
}
# What bot/rasa_client.py's staff_event delivers through Rasa's socket.io output (a custom payload).
STAFF_REPLY = {"text": "Hi, this is Sam from the intake team.", "metadata": {"sender": "staff"}}


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def replies_for(message: str) -> list[dict[str, Any]]:
    """The fake assistant's answers to one user message."""
    lowered = message.lower()
    if message == "/faq_what_is_iop":
        return [IOP_ANSWER]
    if message == "/human_handoff" or "staff" in lowered:
        return [STAFF_REPLY]
    if "hurt myself" in lowered or message == "/crisis":
        return [CRISIS_REPLY]
    if lowered in {"hello", "hi", "/greet"}:
        return [GREETING]
    if len(message) > 200:
        return [{"text": f"Received {len(message)} characters."}]
    return [{"text": f"You said: {message}"}]


def _run_fake_rasa(port: int, log_path: Path) -> None:
    import socketio
    from aiohttp import web

    # Like Rasa: no CORS handling at all, so only the WebSocket transport works across origins.
    sio = socketio.AsyncServer(async_mode="aiohttp", cors_allowed_origins=[])
    app = web.Application()
    sio.attach(app, socketio_path="/socket.io")

    def record(event: dict[str, Any]) -> None:
        with log_path.open("a", encoding="utf-8") as log:
            log.write(json.dumps(event) + "\n")

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app.router.add_get("/health", health)

    @sio.on("session_request")
    async def session_request(sid: str, data: dict[str, Any] | None) -> None:
        session_id = (data or {}).get("session_id") or uuid.uuid4().hex
        await sio.enter_room(sid, session_id)
        record(
            {
                "event": "session_request",
                "requested": (data or {}).get("session_id"),
                "session_id": session_id,
            }
        )
        await sio.emit("session_confirm", session_id, room=sid)

    @sio.on("user_uttered")
    async def user_uttered(sid: str, data: dict[str, Any]) -> None:
        message = str(data.get("message", ""))
        record({"event": "user_uttered", "session_id": data.get("session_id"), "message": message})
        await asyncio.sleep(0.4)  # long enough to see the typing indicator
        for reply in replies_for(message):
            await sio.emit("bot_uttered", reply, room=data.get("session_id"))

    web.run_app(app, host="127.0.0.1", port=port, print=None, handle_signals=True)


def socketio_channel_class() -> Any:
    """The socket.io channel class and options credentials.yml configures (Rasa's own, or a subclass).

    WIDGET_TEST_CREDENTIALS names another credentials file (e.g. the runtime one under var/).
    """
    import yaml
    from rasa.core.channels.socketio import SocketIOInput

    path = Path(os.environ.get("WIDGET_TEST_CREDENTIALS") or PROJECT_ROOT / "credentials.yml")
    credentials = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for key in credentials:
        if key == "socketio":
            return SocketIOInput, credentials[key]
        if "." in key:
            module_name, _, class_name = key.rpartition(".")
            candidate = getattr(importlib.import_module(module_name), class_name, None)
            if isinstance(candidate, type) and issubclass(candidate, SocketIOInput):
                return candidate, credentials[key]
    raise RuntimeError("credentials.yml configures no socket.io channel")


def _run_rasa_channel(port: int, log_path: Path) -> None:
    """Rasa's real socket.io channel (as credentials.yml configures it) on Sanic, with a scripted bot."""
    from rasa.core.channels.channel import UserMessage
    from sanic import Sanic
    from sanic.response import json as json_response

    channel_class, options = socketio_channel_class()
    channel = channel_class.from_credentials(options)
    app = Sanic("widget_rasa_channel")

    async def on_new_message(message: UserMessage) -> None:
        text = message.text or ""
        with log_path.open("a", encoding="utf-8") as log:
            log.write(json.dumps({"event": "user_uttered", "session_id": message.sender_id, "message": text}))
            log.write("\n")
        await asyncio.sleep(0.4)
        output = message.output_channel
        for reply in replies_for(text):
            if "metadata" in reply:  # how the staff console delivers a staff message
                await output.send_custom_json(message.sender_id, {"data": dict(reply)})
            elif "quick_replies" in reply:
                await output.send_text_with_buttons(message.sender_id, reply["text"], reply["quick_replies"])
            else:
                await output.send_text_message(message.sender_id, reply["text"])

    @app.get("/health")
    async def health(_request: Any) -> Any:
        return json_response({"status": "ok"})

    app.blueprint(channel.blueprint(on_new_message), url_prefix="/webhooks/socketio")
    app.run(host="127.0.0.1", port=port, access_log=False, motd=False, workers=1)


def _serve_web(port: int, rasa_url: str, database_url: str) -> None:
    from bot.config import Settings
    from bot.web.app import create_app

    settings = Settings(
        web_port=port, database_url=database_url, public_rasa_url=rasa_url, cookie_secure=False
    )
    create_app(settings).run(host="127.0.0.1", port=port, access_log=False, motd=False, workers=1)


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode} before {url} answered")
        try:
            if httpx.get(url, timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def _spawn(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.browser.widget_harness", *args],
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            start_new_session=True,
        )


def _kill(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


@dataclass
class FakeRasa:
    """The fake Rasa socket.io server in a child process; `restart()` drops every connection abruptly."""

    workdir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    command: str = "fake-rasa"  # or "rasa-channel": Rasa's own socket.io channel code

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def events_file(self) -> Path:
        return self.workdir / "fake-rasa-events.jsonl"

    def start(self) -> None:
        self.process = _spawn(
            [self.command, "--port", str(self.port), "--log", str(self.events_file)],
            self.workdir / "fake-rasa.log",
        )
        _wait_http(f"{self.url}/health", self.process, timeout=120)

    def stop(self) -> None:
        _kill(self.process)

    def restart(self) -> None:
        self.stop()
        self.start()

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Everything received so far (optionally only one event kind), oldest first."""
        if not self.events_file.exists():
            return []
        lines = self.events_file.read_text(encoding="utf-8").splitlines()
        events = [json.loads(line) for line in lines if line.strip()]
        return [e for e in events if kind is None or e["event"] == kind]

    def messages(self, session_id: str | None = None) -> list[str]:
        """The user messages received (optionally only those of one session)."""
        return [
            e["message"]
            for e in self.events("user_uttered")
            if session_id is None or e["session_id"] == session_id
        ]


@dataclass
class WebApp:
    """The real web app (create_app) in a child process, its widget pointed at `rasa_url`."""

    workdir: Path
    rasa_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        database = f"sqlite:///{self.workdir / 'web.db'}"
        self.process = _spawn(
            ["serve-web", "--port", str(self.port), "--rasa-url", self.rasa_url, "--db", database],
            self.workdir / "web.log",
        )
        _wait_http(f"{self.url}/health", self.process)

    def stop(self) -> None:
        _kill(self.process)


def launch_chromium(playwright: Any) -> Any:
    """Debian's Chromium, headless (Playwright never downloads a browser here)."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)


def main() -> None:
    """Run the fake Rasa server or the web app in this process."""
    parser = argparse.ArgumentParser(prog="python -m tests.browser.widget_harness")
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("fake-rasa", "rasa-channel"):
        fake = commands.add_parser(name)
        fake.add_argument("--port", type=int, required=True)
        fake.add_argument("--log", type=Path, required=True)
    web = commands.add_parser("serve-web")
    web.add_argument("--port", type=int, required=True)
    web.add_argument("--rasa-url", required=True)
    web.add_argument("--db", required=True)
    args = parser.parse_args()
    if args.command == "fake-rasa":
        _run_fake_rasa(args.port, args.log)
    elif args.command == "rasa-channel":
        _run_rasa_channel(args.port, args.log)
    else:
        _serve_web(args.port, args.rasa_url, args.db)


if __name__ == "__main__":
    main()
