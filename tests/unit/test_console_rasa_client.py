"""The Rasa HTTP client against a fake Rasa on loopback, transcript parsing, and the live-handoff API."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.rasa_client import RasaClient, RasaError, staff_event, transcript
from tests.unit.console_support import client_for, create_user, make_app, seed_queue, session_csrf, sign_in

TOKEN = "s3cret-token"


class FakeRasa:
    """Records requests; answers tracker GETs with `tracker` and event POSTs with {}."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.tracker: dict[str, Any] = {"sender_id": "abc", "latest_input_channel": "socketio", "events": []}
        self.status = 200

    def handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(fake.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _record(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length)) if length else None
                fake.requests.append(
                    {"method": self.command, "path": parts.path, "query": parse_qs(parts.query), "body": body}
                )

            def do_GET(self) -> None:
                self._record()
                self._answer(fake.tracker)

            def do_POST(self) -> None:
                self._record()
                self._answer(fake.tracker)

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


@pytest.fixture
def fake_rasa() -> Iterator[tuple[FakeRasa, str]]:
    fake = FakeRasa()
    server = ThreadingHTTPServer(("127.0.0.1", 0), fake.handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield fake, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


async def test_staff_message_goes_to_the_latest_channel_as_a_staff_payload(fake_rasa):
    fake, url = fake_rasa
    await RasaClient(url, TOKEN).send_staff_message("conv/1 x", "  Hi, this is Sam.  ")
    get, post = fake.requests
    assert get["method"] == "GET" and get["path"] == "/conversations/conv%2F1%20x/tracker"
    assert post["path"] == "/conversations/conv%2F1%20x/tracker/events"
    assert post["query"]["token"] == [TOKEN] and get["query"]["token"] == [TOKEN]
    assert post["query"]["output_channel"] == ["latest"] and post["query"]["execute_side_effects"] == ["true"]
    [event] = post["body"]
    assert event["event"] == "bot" and event["metadata"] == {"source": "staff"}
    assert event["data"]["custom"]["data"] == {"text": "Hi, this is Sam.", "metadata": {"sender": "staff"}}


def test_other_channels_get_plain_text():
    assert staff_event("Hello", "rest") == {"event": "bot", "text": "Hello", "metadata": {"source": "staff"}}


async def test_hand_back_appends_resume(fake_rasa):
    fake, url = fake_rasa
    await RasaClient(url, TOKEN).hand_back("abc")
    assert fake.requests[0]["body"] == [{"event": "resume"}]
    assert "output_channel" not in fake.requests[0]["query"]


async def test_errors_and_unreachable_rasa_raise_rasa_error(fake_rasa):
    fake, url = fake_rasa
    fake.status = 401
    with pytest.raises(RasaError, match="401"):
        await RasaClient(url, "wrong").tracker("abc")
    with pytest.raises(RasaError, match="unreachable"):
        await RasaClient("http://127.0.0.1:9", TOKEN).tracker("abc")
    with pytest.raises(ValueError):
        await RasaClient(url, TOKEN).send_staff_message("abc", "   ")


def test_transcript_labels_person_assistant_staff_and_handoff_events():
    tracker = {
        "events": [
            {"event": "action", "name": "action_listen", "timestamp": 1},
            {
                "event": "user",
                "text": "I need a person",
                "timestamp": 2,
                "parse_data": {"intent": {"name": "human_handoff"}},
            },
            {
                "event": "bot",
                "text": "Connecting you.",
                "timestamp": 3,
                "metadata": {"utter_action": "utter_handoff"},
            },
            {"event": "pause", "timestamp": 4},
            staff_event("Hi, Sam here.", "socketio") | {"timestamp": 5},
            staff_event("Plain", "rest") | {"timestamp": 6},
            {"event": "resume", "timestamp": 7},
        ]
    }
    lines = transcript(tracker)
    assert [(line.speaker, line.text) for line in lines] == [
        ("person", "I need a person"),
        ("assistant", "Connecting you."),
        ("event", "conversation paused for a person"),
        ("staff", "Hi, Sam here."),
        ("staff", "Plain"),
        ("event", "handed back to the assistant"),
    ]
    assert lines[0].detail == "human_handoff"


async def test_reply_and_hand_back_through_the_console_api(tmp_path, fake_rasa):
    fake, url = fake_rasa
    app = make_app(tmp_path, rasa_url=url, rasa_auth_token=TOKEN)
    ids = seed_queue(app)
    create_user(app, "sam")
    async with client_for(app) as client:
        await sign_in(client, "sam")
        csrf = await session_csrf(client)
        headers = {"X-CSRF-Token": csrf}
        sent = await client.post(
            "/api/console/conversations/conv-handoff/messages", json={"text": "Hello"}, headers=headers
        )
        assert sent.status_code == 200
        assert fake.requests[-1]["body"][0]["data"]["custom"]["data"]["text"] == "Hello"
        items = {i["key"]: i for i in (await client.get("/api/console/queue")).json()["items"]}
        assert items[f"handoff:{ids['handoff']}"]["claimed_by"] == "sam"
        back = await client.post("/api/console/conversations/conv-handoff/hand-back", headers=headers)
        assert back.json() == {"ok": True, "closed": [f"handoff:{ids['handoff']}"]}
        assert fake.requests[-1]["body"] == [{"event": "resume"}]
        empty = await client.post(
            "/api/console/conversations/conv-handoff/messages", json={"text": " "}, headers=headers
        )
        assert empty.status_code == 400
        fake.tracker = {"events": [{"event": "user", "text": "hi", "timestamp": 1}], "paused": True}
        lines = (await client.get("/api/console/conversations/conv-handoff/transcript")).json()
        assert lines["paused"] is True and lines["lines"][0]["text"] == "hi"
