"""Rasa's Pika event broker, minus message content in its logs.

Rasa 3.6's PikaEventBroker logs the event (user text included) at ERROR when a publish fails, e.g.
while RabbitMQ restarts. This subclass keeps its behaviour (unpublished events are kept and sent again
on reconnection) and logs only the failure's type. endpoints.yml selects it by module path
(ops/rasa_endpoints.py).
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.brokers.pika import PikaEventBroker

logger = logging.getLogger(__name__)


class ContentFreePikaEventBroker(PikaEventBroker):
    """PikaEventBroker whose logs never carry the event."""

    async def _publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        if self._exchange is None:  # not connected yet: keep it rather than drop it
            self._keep(event)
            return
        try:
            await self._exchange.publish(self._message(event, headers), "")
        except Exception as exc:
            logger.error("event broker: publish failed (%s); event kept to resend", type(exc).__name__)
            self._keep(event)
            if self.raise_on_failure:
                await self.close()
                raise
            return
        # Rasa resends kept events only when a reconnection happens; an event that failed after that
        # moment would wait for the next one, which may never come. Any success drains the backlog.
        if self._unpublished_events:
            self._publish_unpublished_messages()

    def _keep(self, event: dict[str, Any]) -> None:
        if self.should_keep_unpublished_messages:
            self._unpublished_events.append(event)
