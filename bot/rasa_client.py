"""The few calls the staff console makes to Rasa's HTTP API (httpx, timeouts, token), plus transcript parsing.

Live handoff mechanism (Rasa 3.6 `rasa/server.py`): `POST /conversations/{id}/tracker/events` with
`?output_channel=latest&execute_side_effects=true` appends a `bot` event *and* sends it through the
channel of the person's latest message (socket.io widget, REST callback, ...), because
`execute_side_effects` runs the processor's `_send_bot_messages`. No domain response, slot or action
is needed, it works while the conversation is paused for the handoff, and the transcript records the
message (metadata `{"source": "staff"}`). Handing back appends `{"event": "resume"}`.

Rasa's socket.io output drops message metadata, so for the widget (latest channel `socketio`) the text
travels as a custom payload `{"data": {"text": ..., "metadata": {"sender": "staff"}}}`, which the socket.io
channel emits as the `bot_uttered` body: the widget then shows it as a staff message. Other channels get
plain text (a custom payload would reach them as JSON).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import quote

import httpx

STAFF_SOURCE = "staff"
MAX_STAFF_MESSAGE = 2000
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=3.0)


class RasaError(RuntimeError):
    """Rasa could not be reached or refused the request (the message carries no conversation content)."""


@dataclass(frozen=True)
class Line:
    """One transcript line: who said it, when, and what."""

    speaker: str  # "person" | "assistant" | "staff" | "event"
    text: str
    at: datetime
    detail: str = ""  # intent for the person, action/event name otherwise

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of a line."""
        return {"speaker": self.speaker, "text": self.text, "at": self.at.isoformat(), "detail": self.detail}


_NOTABLE_EVENTS = {"pause": "conversation paused for a person", "resume": "handed back to the assistant"}


def transcript(tracker: dict[str, Any]) -> list[Line]:
    """The readable lines of a tracker's events: messages plus pause/resume markers."""
    lines: list[Line] = []
    for event in tracker.get("events") or []:
        kind = event.get("event")
        at = datetime.fromtimestamp(float(event.get("timestamp") or 0), tz=timezone.utc)
        if kind == "bot" and not event.get("text"):
            custom = ((event.get("data") or {}).get("custom") or {}).get("data") or {}
            if isinstance(custom, dict) and custom.get("text"):
                event = {**event, "text": custom["text"]}
        if kind == "user":
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name") or ""
            lines.append(Line("person", event.get("text") or "", at, intent))
        elif kind == "bot":
            source = (event.get("metadata") or {}).get("source")
            speaker = "staff" if source == STAFF_SOURCE else "assistant"
            lines.append(Line(speaker, event.get("text") or "", at, (event.get("metadata") or {}).get(
                "utter_action", "")))
        elif kind in _NOTABLE_EVENTS:
            lines.append(Line("event", _NOTABLE_EVENTS[kind], at, kind))
    return lines


def staff_event(text: str, channel: str | None) -> dict[str, Any]:
    """The `bot` event that carries a staff message to `channel` (see the module docstring)."""
    metadata = {"source": STAFF_SOURCE}
    if channel == "socketio":
        payload = {"text": text, "metadata": {"sender": STAFF_SOURCE}}
        return {"event": "bot", "text": None, "data": {"custom": {"data": payload}}, "metadata": metadata}
    return {"event": "bot", "text": text, "metadata": metadata}


def is_paused(tracker: dict[str, Any]) -> bool:
    """Whether the conversation is currently paused (waiting for or talking with a person)."""
    return bool(tracker.get("paused"))


class RasaClient:
    """Talks to one Rasa server with its auth token; one short-lived HTTP client per call."""

    def __init__(self, base_url: str, token: str, timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> None:
        """Address the server at `base_url` (trailing slash dropped); an empty `token` sends none."""
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _url(self, conversation_id: str, suffix: str) -> str:
        return f"{self.base_url}/conversations/{quote(conversation_id, safe='')}/{suffix}"

    async def _request(self, method: str, url: str, params: dict[str, str], body: Any = None) -> Any:
        params = {**params, "token": self.token} if self.token else params
        try:
            async with httpx.AsyncClient(timeout=self.timeout) as client:
                response = await client.request(method, url, params=params, json=body)
        except httpx.HTTPError as exc:
            raise RasaError(f"Rasa unreachable ({type(exc).__name__})") from None
        if response.status_code >= 400:
            raise RasaError(f"Rasa answered HTTP {response.status_code}")
        return response.json()

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        """The conversation's tracker (all events of the current session and before)."""
        result = await self._request(
            "GET", self._url(conversation_id, "tracker"), {"include_events": "ALL"}
        )
        return dict(result)

    async def send_staff_message(self, conversation_id: str, text: str) -> None:
        """Deliver `text` to the person's channel as a message from staff, and record it."""
        clean = text.strip()
        if not clean:
            raise ValueError("the message is empty")
        url = self._url(conversation_id, "tracker")
        tracker = await self._request("GET", url, {"include_events": "NONE"})
        event = staff_event(clean[:MAX_STAFF_MESSAGE], tracker.get("latest_input_channel"))
        await self._request(
            "POST",
            self._url(conversation_id, "tracker/events"),
            {"output_channel": "latest", "execute_side_effects": "true", "include_events": "NONE"},
            [event],
        )

    async def hand_back(self, conversation_id: str) -> None:
        """Resume the assistant for a conversation paused for a handoff."""
        await self._request(
            "POST",
            self._url(conversation_id, "tracker/events"),
            {"include_events": "NONE"},
            [{"event": "resume"}],
        )
