"""Consume Rasa's events from RabbitMQ into `analytics_events` (create_app starts it if RABBITMQ_URL is set).

A durable queue bound to Rasa's fanout exchange, manual acks after the database write, a prefetch
window, and reconnection with capped exponential backoff after the broker goes away. Writes are
idempotent (bot/analytics_store.py), so redelivered messages are harmless. Logs never carry message
content.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from typing import Any

import aio_pika
from aio_pika.abc import AbstractIncomingMessage
from sanic import Sanic
from sqlalchemy.exc import SQLAlchemyError

from bot.analytics_store import store_records
from bot.backoff import backoff_delay
from bot.config import Settings
from bot.db import session_scope
from bot.events import EventFormatError, EventRecord, parse_event, records_for_event

logger = logging.getLogger(__name__)

PREFETCH = 64
CONNECT_TIMEOUT_S = 10.0


@dataclass
class ConsumerStats:
    """Counters for health checks and tests (no content)."""

    received: int = 0
    acked: int = 0
    stored: int = 0
    duplicates: int = 0
    rejected: int = 0
    requeued: int = 0
    connections: int = 0


@dataclass
class EventsConsumer:
    """Reads Rasa events from `queue` and stores the derived records in `database_url`."""

    amqp_url: str
    database_url: str
    queue: str = Settings.events_queue
    exchange: str = Settings.events_exchange
    prefetch: int = PREFETCH
    stats: ConsumerStats = field(default_factory=ConsumerStats)
    connected: asyncio.Event = field(default_factory=asyncio.Event)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def _store(self, records: list[EventRecord]) -> int:
        with session_scope(self.database_url) as session:
            return store_records(session, records)

    async def handle(self, message: AbstractIncomingMessage) -> None:
        """Store one message's records, then ack; drop malformed ones; requeue on database errors."""
        self.stats.received += 1
        try:
            records = records_for_event(parse_event(message.body))
        except EventFormatError as exc:
            self.stats.rejected += 1
            logger.warning("events: dropped a message that is not a Rasa event (%s)", exc)
            await message.reject(requeue=False)
            return
        if records:
            try:
                new = await asyncio.get_running_loop().run_in_executor(None, self._store, records)
            except SQLAlchemyError as exc:
                self.stats.requeued += 1
                logger.warning("events: database write failed (%s); message requeued", type(exc).__name__)
                await asyncio.sleep(1.0)  # do not spin on a database outage
                await message.nack(requeue=True)
                return
            self.stats.stored += new
            self.stats.duplicates += len(records) - new
        await message.ack()
        self.stats.acked += 1

    async def _consume_once(self) -> None:
        """Connect, declare the topology, consume until the connection closes or stop() is called."""
        connection = await aio_pika.connect(self.amqp_url, timeout=CONNECT_TIMEOUT_S)
        closed = asyncio.Event()
        connection.close_callbacks.add(lambda *_: closed.set())
        async with connection:
            channel = await connection.channel()
            await channel.set_qos(prefetch_count=self.prefetch)
            # Same arguments as Rasa's PikaEventBroker, so whichever side starts first declares them.
            exchange = await channel.declare_exchange(self.exchange, aio_pika.ExchangeType.FANOUT)
            queue = await channel.declare_queue(self.queue, durable=True)
            await queue.bind(exchange, "")
            await queue.consume(self.handle)
            self.stats.connections += 1
            self.connected.set()
            logger.info("events: consuming queue %s", self.queue)
            waiters = [asyncio.ensure_future(closed.wait()), asyncio.ensure_future(self._stopping.wait())]
            try:
                await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
            finally:
                self.connected.clear()
                for waiter in waiters:
                    waiter.cancel()

    async def run(self) -> None:
        """Consume until stop(), reconnecting with backoff whenever the broker is unreachable."""
        attempt = 0
        while not self._stopping.is_set():
            try:
                await self._consume_once()
                attempt = 0  # it was connected: start the backoff afresh
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # any broker or network error: wait, then reconnect
                logger.warning("events: broker connection failed (%s)", type(exc).__name__)
            if self._stopping.is_set():
                break
            delay = backoff_delay(attempt)
            attempt += 1
            logger.info("events: reconnecting in %.1f s", delay)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), timeout=delay)

    def stop(self) -> None:
        """Ask run() to finish after the current connection closes."""
        self._stopping.set()


def attach(app: Sanic, settings: Settings) -> None:
    """Run an EventsConsumer for the app's lifetime (create_app calls this when RABBITMQ_URL is set)."""
    app.ctx.events_consumer = EventsConsumer(
        settings.rabbitmq_url, settings.database_url, settings.events_queue, settings.events_exchange
    )

    async def start(app_: Sanic, _loop: Any) -> None:
        app_.ctx.events_task = asyncio.ensure_future(app_.ctx.events_consumer.run())

    async def stop(app_: Sanic, _loop: Any) -> None:
        consumer: EventsConsumer = app_.ctx.events_consumer
        consumer.stop()
        try:
            await asyncio.wait_for(app_.ctx.events_task, timeout=15)
        except asyncio.TimeoutError:
            app_.ctx.events_task.cancel()

    app.register_listener(start, "after_server_start")
    app.register_listener(stop, "before_server_stop")
