"""The web widget's socket.io channel, with two fixes over Rasa 3.6's own.

1. With `session_persistence`, Rasa 3.6.21 calls `sio.enter_room()` without awaiting it (python-socketio
   5.x made it a coroutine), so the browser never joins its conversation's room and never receives a
   reply. `session_request` is re-registered here with the call awaited.
2. Every message passes through the crisis safety net (channels/safety_net.py).

credentials.yml names it `channels.socketio.SocketIOInput`; its name and URLs stay `socketio`.
"""

from __future__ import annotations

import uuid
from typing import Any, Awaitable, Callable, Dict

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput as RasaSocketIOInput
from sanic import Blueprint

from channels.safety_net import with_crisis_safety_net


class SocketIOInput(RasaSocketIOInput):
    """Rasa's socket.io input with rooms joined correctly and the crisis safety net."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint, then our `session_request` handler in place of Rasa's."""
        blueprint = super().blueprint(with_crisis_safety_net(on_new_message))
        sio = self.sio
        assert sio is not None

        # python-socketio has no type information, so its `on` decorator is untyped
        @sio.on("session_request", namespace=self.namespace)  # type: ignore[untyped-decorator]
        async def session_request(sid: str, data: Dict[str, Any] | None) -> None:
            data = dict(data or {})
            if not data.get("session_id"):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, data["session_id"], namespace=self.namespace)
            await sio.emit("session_confirm", data["session_id"], room=sid, namespace=self.namespace)

        return blueprint
