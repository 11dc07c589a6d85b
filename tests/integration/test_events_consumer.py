"""The web app's RabbitMQ consumer against the real broker: acks, idempotence, poison messages, restarts."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from pathlib import Path
from typing import Any, AsyncIterator

import aio_pika
import pytest
from sqlalchemy import select

from bot.analytics_store import AnalyticsEvent
from bot.db import init_db, session_scope
from bot.web.events_consumer import EventsConsumer
from tests.services import RABBITMQ_URL, rabbitmqctl, require, wait_listening

CRISIS_REPLY = {
    "sender_id": "a",
    "event": "bot",
    "timestamp": 1.0,
    "metadata": {"utter_action": "utter_crisis"},
}
HANDOFF = {
    "sender_id": "b",
    "event": "user",
    "timestamp": 2.0,
    "parse_data": {"intent": {"name": "human_handoff"}},
}
GREETING = {"sender_id": "c", "event": "user", "timestamp": 3.0, "parse_data": {"intent": {"name": "greet"}}}


async def eventually(condition: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.1)


async def publish(exchange_name: str, *bodies: bytes) -> None:
    """Publish like Rasa's PikaEventBroker: persistent messages on its fanout exchange."""
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        exchange = await channel.declare_exchange(exchange_name, aio_pika.ExchangeType.FANOUT)
        for body in bodies:
            await exchange.publish(aio_pika.Message(body, delivery_mode=aio_pika.DeliveryMode.PERSISTENT), "")


def kinds(url: str) -> list[str]:
    with session_scope(url) as session:
        return sorted(session.execute(select(AnalyticsEvent.kind)).scalars())


@pytest.fixture
async def consumer(tmp_path: Path) -> AsyncIterator[EventsConsumer]:
    require(5672, "RabbitMQ")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    init_db(url)
    name = f"iop_test_{secrets.token_hex(4)}"
    running = EventsConsumer(RABBITMQ_URL, url, queue=name, exchange=name, prefetch=4)
    task = asyncio.ensure_future(running.run())
    await asyncio.wait_for(running.connected.wait(), timeout=20)
    yield running
    running.stop()
    await asyncio.wait_for(task, timeout=20)
    connection = await aio_pika.connect(RABBITMQ_URL)
    async with connection:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, durable=True, passive=True)
        assert queue.declaration_result.message_count == 0, "every message was acked or rejected"
        await channel.queue_delete(name)
        await channel.exchange_delete(name)


@pytest.mark.services
async def test_events_are_stored_once_and_poison_messages_dropped(consumer: EventsConsumer) -> None:
    bodies = [json.dumps(e).encode() for e in (CRISIS_REPLY, HANDOFF, GREETING, CRISIS_REPLY)] + [b"garbage"]
    await publish(consumer.exchange, *bodies)
    # Deliveries are handled concurrently (prefetch 4): wait until all five are settled, not just received.
    await eventually(lambda: consumer.stats.acked + consumer.stats.rejected == 5, 20, "five settled messages")
    assert kinds(consumer.database_url) == ["escalation", "handoff"]
    assert (consumer.stats.stored, consumer.stats.duplicates, consumer.stats.rejected) == (2, 1, 1)


@pytest.mark.services
async def test_consumer_reconnects_after_the_broker_restarts(consumer: EventsConsumer) -> None:
    await publish(consumer.exchange, json.dumps(CRISIS_REPLY).encode())
    await eventually(lambda: consumer.stats.stored == 1, 20, "the first event")
    try:
        rabbitmqctl("stop_app")
        await eventually(lambda: not consumer.connected.is_set(), 20, "the consumer to notice")
    finally:
        rabbitmqctl("start_app")
    wait_listening(5672)
    await asyncio.wait_for(consumer.connected.wait(), timeout=60)
    assert consumer.stats.connections == 2
    await publish(consumer.exchange, json.dumps(HANDOFF).encode())
    await eventually(lambda: consumer.stats.stored == 2, 20, "the event after the restart")
    assert kinds(consumer.database_url) == ["escalation", "handoff"]
