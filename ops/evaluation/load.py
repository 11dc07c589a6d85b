"""Closed-loop load on a Rasa REST channel.

Each virtual user sends its next message when the reply to the previous one arrives.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

import httpx

from ops.evaluation.stats import latency_summary

SCRIPT: tuple[str, ...] = (
    "hello",
    "what is an intensive outpatient program",
    "how much does it cost",
    "thank you",
    "goodbye",
)
"""One conversation, sent to both assistants (each answers it in its own way)."""


@dataclass
class LevelResult:
    """Latencies of one concurrency level."""

    users: int
    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed_s: float = 0.0

    def summary(self) -> dict[str, Any]:
        """The level's latency and throughput figures."""
        return {"users": self.users, **latency_summary(self.latencies_s, self.elapsed_s, self.errors)}


async def _user(
    client: httpx.AsyncClient,
    url: str,
    script: Sequence[str],
    result: LevelResult,
    budget: list[int],
    deadline: float,
    tick: Callable[[], None],
) -> None:
    while True:
        sender = f"load-{uuid.uuid4().hex[:12]}"
        for text in script:
            if budget[0] <= 0 or time.monotonic() >= deadline:
                return
            budget[0] -= 1
            started = time.perf_counter()
            try:
                response = await client.post(url, json={"sender": sender, "message": text})
                response.raise_for_status()
                result.latencies_s.append(time.perf_counter() - started)
            except httpx.HTTPError:
                result.errors += 1
            tick()


async def run_level(
    base_url: str,
    users: int,
    max_messages: int,
    max_seconds: float,
    script: Sequence[str] = SCRIPT,
    tick: Callable[[], None] = lambda: None,
) -> LevelResult:
    """`users` concurrent conversations until `max_messages` are sent or `max_seconds` pass."""
    result = LevelResult(users)
    budget = [max_messages]
    url = f"{base_url}/webhooks/rest/webhook"
    limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        started = time.monotonic()
        deadline = started + max_seconds
        await asyncio.gather(
            *(_user(client, url, script, result, budget, deadline, tick) for _ in range(users))
        )
        result.elapsed_s = time.monotonic() - started
    return result


def warm_up(base_url: str, messages: int = 5, script: Sequence[str] = SCRIPT) -> None:
    """Send a few messages first so lazy initialisation is not measured."""
    sender = f"warmup-{uuid.uuid4().hex[:8]}"
    with httpx.Client(timeout=60) as client:
        for text in list(script) * (messages // len(script) + 1):
            if messages <= 0:
                return
            client.post(f"{base_url}/webhooks/rest/webhook", json={"sender": sender, "message": text})
            messages -= 1
