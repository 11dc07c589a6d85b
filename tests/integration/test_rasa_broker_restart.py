"""Rasa's own PikaEventBroker (from our settings) through a RabbitMQ restart: no escalation is lost."""

from __future__ import annotations

import asyncio
import secrets
import time
from pathlib import Path

import aio_pika
import pytest
from sqlalchemy import func, select

from bot.analytics_store import AnalyticsEvent
from bot.db import init_db, session_scope
from bot.web.events_consumer import EventsConsumer
from ops.rasa_endpoints import endpoints_config
from tests.services import RABBITMQ_URL, listening, rabbitmqctl, require, wait_listening

pytestmark = [pytest.mark.rasa, pytest.mark.services]
EVENTS = 60


def stored(url: str) -> int:
    with session_scope(url) as session:
        return int(session.execute(select(func.count()).select_from(AnalyticsEvent)).scalar_one())


async def test_escalations_published_during_a_broker_restart_all_arrive(tmp_path: Path) -> None:
    import rasa.shared.core.events  # noqa: F401  (imported by a running Rasa; the broker needs it)
    from rasa.core.brokers.broker import EventBroker
    from rasa.utils.endpoints import EndpointConfig

    require(5672, "RabbitMQ")
    url = f"sqlite:///{tmp_path / 'app.db'}"
    init_db(url)
    name = f"iop_test_{secrets.token_hex(4)}"
    env = {"RABBITMQ_URL": RABBITMQ_URL, "RABBITMQ_QUEUE": name, "RABBITMQ_EXCHANGE": name}
    settings = endpoints_config(env, url, 5055)["event_broker"]
    broker = await EventBroker.create(EndpointConfig(**{**settings, "retry_delay_in_seconds": 1}))
    consumer = EventsConsumer(RABBITMQ_URL, url, queue=name, exchange=name)
    task = asyncio.ensure_future(consumer.run())
    try:
        await asyncio.wait_for(consumer.connected.wait(), timeout=20)
        for i in range(EVENTS):
            broker.publish(
                {
                    "sender_id": f"c{i % 7}",
                    "event": "bot",
                    "timestamp": 1000.0 + i,
                    "metadata": {"utter_action": "utter_crisis"},
                }
            )
            if i == EVENTS // 3:
                await asyncio.to_thread(rabbitmqctl, "stop_app")
            if i == 2 * EVENTS // 3:
                await asyncio.to_thread(rabbitmqctl, "start_app")
                await asyncio.to_thread(wait_listening, 5672)
            await asyncio.sleep(0.05)
        deadline = time.monotonic() + 60
        while stored(url) < EVENTS and time.monotonic() < deadline:
            await asyncio.sleep(0.5)
        assert stored(url) == EVENTS, f"{EVENTS - stored(url)} of {EVENTS} escalations lost"
    finally:
        if not listening(5672):  # leave the broker running, whatever happened
            await asyncio.to_thread(rabbitmqctl, "start_app")
            await asyncio.to_thread(wait_listening, 5672)
        consumer.stop()
        await asyncio.wait_for(task, timeout=20)
        await broker.close()
        connection = await aio_pika.connect(RABBITMQ_URL)
        async with connection:
            channel = await connection.channel()
            await channel.queue_delete(name)
            await channel.exchange_delete(name)


async def test_an_event_published_while_the_queue_is_unbound_arrives_once_it_is_bound_again() -> None:
    """The window after a restart: the exchange is declared again, its queue not yet bound to it.

    RabbitMQ returns a message published then as unroutable; Rasa's broker counted that as sent.
    """
    from rasa.core.brokers.broker import EventBroker
    from rasa.utils.endpoints import EndpointConfig

    require(5672, "RabbitMQ")
    name = f"iop_test_{secrets.token_hex(4)}"
    env = {"RABBITMQ_URL": RABBITMQ_URL, "RABBITMQ_QUEUE": name, "RABBITMQ_EXCHANGE": name}
    settings = endpoints_config(env, "sqlite://", 5055)["event_broker"]
    broker = await EventBroker.create(EndpointConfig(**settings))
    connection = await aio_pika.connect(RABBITMQ_URL)
    try:
        channel = await connection.channel()
        queue = await channel.declare_queue(name, durable=True)
        await queue.unbind(name, "")
        broker.publish({"sender_id": "unbound", "event": "bot", "timestamp": 1.0, "metadata": {}})
        await asyncio.sleep(1.0)  # long enough for the broker to have returned it
        assert await queue.get(fail=False) is None, "nothing routed while unbound"
        await queue.bind(name, "")
        deadline = time.monotonic() + 30
        message = None
        while message is None and time.monotonic() < deadline:
            message = await queue.get(no_ack=True, fail=False)
            await asyncio.sleep(0.2)
        assert message is not None, "the returned event was never sent again"
        assert b'"sender_id": "unbound"' in message.body
    finally:
        await broker.close()
        channel = await connection.channel()
        await channel.queue_delete(name)
        await channel.exchange_delete(name)
        await connection.close()
