"""The events consumer's reconnect backoff (bot/web/events_consumer.py); with a broker: tests/integration."""

from __future__ import annotations

from bot.web.events_consumer import backoff_delay


def test_backoff_doubles_up_to_the_cap() -> None:
    assert [backoff_delay(n) for n in range(8)] == [0.5, 1, 2, 4, 8, 16, 30, 30]
    assert backoff_delay(10_000) == 30
