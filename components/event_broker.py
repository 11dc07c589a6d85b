"""Rasa's Pika event broker that loses no event it could not deliver and never logs message content.

Rasa 3.6's PikaEventBroker has four gaps that lose or leak events around a RabbitMQ restart:

- a publish in flight when the broker goes away can wait for its confirmation forever (aiormq 6.4
  neither confirms nor fails it): the event is neither sent nor kept. The scale-out test lost 4-5
  of 20 escalations this way, every one logged as being published and never as confirmed or failed;
- it logs the event (user text included) at ERROR when a publish fails;
- it counts a message the broker *returned* as published. Rasa's exchange is not durable, so after a
  restart it is declared again before the queue is bound to it again; an event published in that
  window is unroutable, RabbitMQ returns it (`basic.return`), and aio-pika hands back the returned
  message instead of raising. The event is gone, and it may be an escalation for the staff queue;
- it resends kept events only on reconnection, so an event kept after that moment waits for an
  event that may never come.

This subclass bounds each publish by `PUBLISH_TIMEOUT_S` and keeps every event that was not confirmed
as routed (a duplicate is harmless: the consumer stores each event once). It resends the backlog after
any successful publish and, failing that, on a capped backoff timer, and logs only the failure's type.
endpoints.yml selects it by module path (ops/rasa_endpoints.py).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from pamqp.commands import Basic
from rasa.core.brokers.pika import PikaEventBroker

from bot.backoff import backoff_delay

logger = logging.getLogger(__name__)

PUBLISH_TIMEOUT_S = 10.0  # a confirmation takes milliseconds; only a vanished broker takes this long
RETRY_BASE_S = 0.5
RETRY_CAP_S = 15.0


class ContentFreePikaEventBroker(PikaEventBroker):
    """PikaEventBroker that resends what was not routed and whose logs never carry the event."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Rasa's broker, plus the resend timer's state (one broker per process, not per conversation)."""
        super().__init__(*args, **kwargs)
        self._retry_task: asyncio.Task[None] | None = None
        self._retry_attempt = 0

    async def _publish(self, event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        if self._exchange is None:  # not connected yet: keep it rather than drop it
            self._keep_and_retry(event)
            return
        try:
            publishing = self._exchange.publish(self._message(event, headers), "")
            confirmation = await asyncio.wait_for(publishing, PUBLISH_TIMEOUT_S)
        except Exception as exc:
            logger.error("event broker: publish failed (%s); event kept to resend", type(exc).__name__)
            self._keep_and_retry(event)
            if self.raise_on_failure:
                await self.close()
                raise
            return
        if returned(confirmation):
            logger.warning("event broker: no queue is bound to the exchange yet; event kept to resend")
            self._keep_and_retry(event)
            return
        self._retry_attempt = 0
        # Rasa resends kept events only when a reconnection happens; an event that failed after that
        # moment would wait for the next one, which may never come. Any success drains the backlog.
        if self._unpublished_events:
            self._publish_unpublished_messages()

    def _keep_and_retry(self, event: dict[str, Any]) -> None:
        """Keep `event` for a later resend, and make sure a resend is scheduled."""
        if not self.should_keep_unpublished_messages:
            return
        self._unpublished_events.append(event)
        if self._retry_task is None or self._retry_task.done():
            delay = backoff_delay(self._retry_attempt, RETRY_BASE_S, RETRY_CAP_S)
            self._retry_attempt += 1
            self._retry_task = self._loop.create_task(self._resend_after(delay))

    async def _resend_after(self, delay: float) -> None:
        await asyncio.sleep(delay)
        self._publish_unpublished_messages()

    async def close(self) -> None:
        """Stop the resend timer, then close the connection as Rasa does."""
        if self._retry_task is not None and not self._retry_task.done():
            self._retry_task.cancel()
        await super().close()


def returned(confirmation: Any) -> bool:
    """True when RabbitMQ gave a published message back as unroutable instead of acking it."""
    return isinstance(getattr(confirmation, "delivery", None), Basic.Return)
