"""The event broker Rasa loads from endpoints.yml: Rasa's Pika broker, no message text in its logs."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from ops.rasa_endpoints import EVENT_BROKER_TYPE

pytestmark = pytest.mark.rasa


def make_broker(exchange: Any = None) -> Any:
    """The broker class endpoints.yml names, on the running loop, with `exchange` as if connected."""
    import rasa.shared.utils.common

    broker_class = rasa.shared.utils.common.class_from_module_path(EVENT_BROKER_TYPE)
    broker = broker_class("127.0.0.1", "guest", "guest", event_loop=asyncio.get_running_loop())
    broker._exchange = exchange
    return broker


async def wait_until_routed(exchange: Any, seconds: float = 2.0) -> None:
    """Poll until the fake exchange has routed something, or `seconds` pass (the test then asserts)."""
    for _ in range(int(seconds / 0.01)):
        if exchange.routed:
            return
        await asyncio.sleep(0.01)


class BrokenExchange:
    async def publish(self, *_: Any) -> None:
        raise ConnectionError("broker gone")


async def test_failed_publish_is_kept_and_logged_without_the_event(
    caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    import rasa.shared.core.events  # noqa: F401  (a running Rasa has imported it)
    from rasa.core.brokers.pika import PikaEventBroker

    broker = make_broker(BrokenExchange())
    assert isinstance(broker, PikaEventBroker)
    event = {"sender_id": "c", "event": "user", "text": "my private words", "timestamp": 1.0}
    with caplog.at_level(logging.DEBUG):
        await broker._publish(event)
    assert list(broker._unpublished_events) == [event], "kept to resend after reconnection"
    logged = caplog.text + "".join(capsys.readouterr())
    assert "publish failed (ConnectionError)" in logged
    assert "private" not in logged


class FlakyExchange:
    """Fails the first publish, then records every message it is given."""

    def __init__(self) -> None:
        self.failures_left = 1
        self.bodies: list[bytes] = []

    async def publish(self, message: Any, *_: Any) -> None:
        if self.failures_left:
            self.failures_left -= 1
            raise ConnectionError("broker restarting")
        self.bodies.append(message.body)


async def test_kept_events_are_sent_with_the_next_successful_publish() -> None:
    broker = make_broker(exchange := FlakyExchange())
    first = {"sender_id": "a", "event": "bot", "timestamp": 1.0}
    second = {"sender_id": "b", "event": "bot", "timestamp": 2.0}
    await broker._publish(first)  # fails: kept, and no reconnection will come to resend it
    await broker._publish(second)  # succeeds: drains the backlog
    await asyncio.gather(*broker._background_tasks)
    assert not broker._unpublished_events
    assert sorted(b'"sender_id": "a"' in body for body in exchange.bodies) == [False, True]


async def test_events_before_the_connection_exists_are_kept_not_dropped() -> None:
    broker = make_broker()
    event = {"sender_id": "early", "event": "user", "timestamp": 1.0}
    await broker._publish(event)
    assert list(broker._unpublished_events) == [event]


class UnboundExchange:
    """Gives the first `returns` messages back as unroutable (no queue bound yet), then acks."""

    def __init__(self, returns: int) -> None:
        self.returns = returns
        self.routed: list[bytes] = []

    async def publish(self, message: Any, *_: Any) -> Any:
        from types import SimpleNamespace

        from pamqp.commands import Basic

        if self.returns:
            self.returns -= 1
            return SimpleNamespace(delivery=Basic.Return(312, "NO_ROUTE", "iop", ""), body=message.body)
        self.routed.append(message.body)
        return Basic.Ack(delivery_tag=1)


async def test_an_event_the_broker_returns_unroutable_is_resent_without_waiting_for_another_event(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """After a RabbitMQ restart the exchange exists before its queue is bound: the event must not vanish."""
    import components.event_broker

    monkeypatch.setattr(components.event_broker, "RETRY_BASE_S", 0.01)
    broker = make_broker(exchange := UnboundExchange(returns=2))
    event = {"sender_id": "c", "event": "bot", "text": "crisis words", "timestamp": 1.0}
    with caplog.at_level(logging.DEBUG):
        await broker._publish(event)  # returned: kept; returned again on the first resend; routed on the next
        await wait_until_routed(exchange)
    assert len(exchange.routed) == 1 and b'"sender_id": "c"' in exchange.routed[0]
    assert not broker._unpublished_events
    assert "no queue is bound" in caplog.text and "crisis words" not in caplog.text
    await broker.close()


class VanishedBrokerExchange:
    """The first publish never gets a confirmation or an error (the broker went away mid-publish)."""

    def __init__(self) -> None:
        self.hangs = 1
        self.routed: list[bytes] = []

    async def publish(self, message: Any, *_: Any) -> Any:
        from pamqp.commands import Basic

        if self.hangs:
            self.hangs -= 1
            await asyncio.Event().wait()  # forever
        self.routed.append(message.body)
        return Basic.Ack(delivery_tag=1)


async def test_a_publish_that_never_hears_back_is_kept_and_resent(monkeypatch: pytest.MonkeyPatch) -> None:
    import components.event_broker

    monkeypatch.setattr(components.event_broker, "PUBLISH_TIMEOUT_S", 0.05)
    monkeypatch.setattr(components.event_broker, "RETRY_BASE_S", 0.01)
    broker = make_broker(exchange := VanishedBrokerExchange())
    await asyncio.wait_for(broker._publish({"sender_id": "c", "event": "bot", "timestamp": 1.0}), timeout=5)
    await wait_until_routed(exchange)
    assert len(exchange.routed) == 1 and b'"sender_id": "c"' in exchange.routed[0]
    assert not broker._unpublished_events
    await broker.close()
