"""The REST channel with the crisis safety net; name and URL stay `rest`, /webhooks/rest/webhook."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint

from channels.safety_net import with_crisis_safety_net


class RestInput(RasaRestInput):
    """Rasa's REST input; unanswered crisis messages still get the crisis resources."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's blueprint around the safety-net handler."""
        return super().blueprint(with_crisis_safety_net(on_new_message))
