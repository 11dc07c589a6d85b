"""Scale-out against the real servers: two Rasa instances sharing PostgreSQL, Redis locks and RabbitMQ.

- a bounded load (20 conversations x 10 turns, each turn on the other instance): every user message and
  bot reply is in the tracker store exactly once and in order, with no lock errors;
- the same load on one instance, for the throughput comparison (written to test-artifacts/scale-out.json);
- a broker restart during load: every escalation in the tracker store reaches the analytics table once;
- a conversation continues on the second instance after the first one is stopped.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from collections import defaultdict
from pathlib import Path
from typing import Any, Callable, Iterator

import httpx
import pika
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from bot.events import records_for_event
from tests.integration.scale import ScaledStack, start_scaled_stack
from tests.services import RABBITMQ_URL, REDIS_URL, rabbitmqctl, require, scratch_postgres, wait_listening

pytestmark = [pytest.mark.model, pytest.mark.services]

TURNS = [
    "hi",
    "what is an intensive outpatient program?",
    "how many hours a week is it?",
    "how much does it cost?",
    "does insurance cover it?",
    "can I do it online?",
    "how is it different from PHP?",
    "are you a bot?",
    "thanks",
    "bye",
]
CRISIS_TURNS = ["hi", "I want to kill myself", "how much does IOP cost?", "thanks", "bye"]
INJECTED = "crisis resources (test)"
RESULTS: dict[str, Any] = {}
ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "scale-out.json"

Transcript = list[tuple[str, str]]  # (user text, the bot's replies joined)


@pytest.fixture(scope="module")
def scaled(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScaledStack]:
    """The production stack on a scratch database and a private queue and exchange."""
    require(6379, "Redis")
    require(5672, "RabbitMQ")
    name = f"iop_test_{secrets.token_hex(4)}"
    with scratch_postgres() as url:
        stack: ScaledStack | None = None
        try:
            stack = start_scaled_stack(
                trained_model,
                tmp_path_factory.mktemp("scaled"),
                url,
                {
                    "REDIS_URL": REDIS_URL,
                    "RABBITMQ_URL": RABBITMQ_URL,
                    "RABBITMQ_QUEUE": name,
                    "RABBITMQ_EXCHANGE": name,
                },
            )
            yield stack
        finally:
            if stack is not None:
                stack.stop()
            connection = pika.BlockingConnection(pika.URLParameters(RABBITMQ_URL))
            channel = connection.channel()
            channel.queue_delete(name)
            channel.exchange_delete(name)
            connection.close()
            if RESULTS:
                ARTIFACT.parent.mkdir(exist_ok=True)
                ARTIFACT.write_text(json.dumps(RESULTS, indent=2))
                print(f"\nscale-out results: {json.dumps(RESULTS)}")


def joined(texts: list[str | None]) -> str:
    """Bot texts as one string (the REST channel splits a text at blank lines)."""
    return "\n\n".join(t.strip() for t in texts if t)


async def converse(
    client: httpx.AsyncClient, urls: list[str], sender: str, turns: list[str], route: Callable[[int], int]
) -> Transcript:
    """Send `turns` one after another, turn i to urls[route(i)]; return what the bot answered."""
    transcript: Transcript = []
    for i, message in enumerate(turns):
        response = await client.post(
            f"{urls[route(i)]}/webhooks/rest/webhook", json={"sender": sender, "message": message}
        )
        response.raise_for_status()
        transcript.append((message, joined([m.get("text") for m in response.json()])))
    return transcript


async def load(
    urls: list[str], prefix: str, conversations: int, turns: list[str], route: Callable[[int, int], int]
) -> tuple[dict[str, Transcript], float]:
    """Run `conversations` concurrent conversations; return their transcripts and the wall time."""
    started = time.monotonic()
    async with httpx.AsyncClient(timeout=120) as client:
        senders = [f"{prefix}-{c}" for c in range(conversations)]
        transcripts = await asyncio.gather(
            *(converse(client, urls, s, turns, lambda i, c=c: route(c, i)) for c, s in enumerate(senders))
        )
    return dict(zip(senders, transcripts, strict=True)), time.monotonic() - started


def stored_events(database_url: str, prefix: str) -> dict[str, list[dict[str, Any]]]:
    """Rasa's tracker store rows for conversations starting with `prefix`, in insertion order."""
    engine = create_engine(database_url, future=True, poolclass=NullPool)
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT sender_id, data FROM events WHERE sender_id LIKE :p ORDER BY id"),
            {"p": f"{prefix}-%"},
        )
        events: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for sender, data in rows:
            events[sender].append({"sender_id": sender, **json.loads(data)})
    engine.dispose()
    return events


def stored_transcript(events: list[dict[str, Any]]) -> Transcript:
    """(user text, bot replies joined) per user message, as the tracker store has them."""
    transcript: list[tuple[str, list[str | None]]] = []
    for event in events:
        if event["event"] == "user":
            transcript.append((event.get("text") or "", []))
        elif event["event"] == "bot" and transcript:
            transcript[-1][1].append(event.get("text"))
    return [(user, joined(bot)) for user, bot in transcript]


def assert_exactly_once_in_order(stack: ScaledStack, prefix: str, sent: dict[str, Transcript]) -> None:
    stored = stored_events(stack.database_url, prefix)
    assert sorted(stored) == sorted(sent), "every conversation is in the tracker store"
    for sender, transcript in sent.items():
        assert stored_transcript(stored[sender]) == transcript, sender
    logs = stack.logs()
    assert "LockError" not in logs and "Could not acquire lock" not in logs


def test_two_instances_keep_every_message_exactly_once_and_in_order(scaled: ScaledStack) -> None:
    prefix = f"two-{secrets.token_hex(3)}"
    sent, seconds = asyncio.run(load(scaled.rasa_urls, prefix, 20, TURNS, lambda c, i: (c + i) % 2))
    assert_exactly_once_in_order(scaled, prefix, sent)
    RESULTS["two_instances"] = {
        "messages": 200,
        "seconds": round(seconds, 1),
        "per_second": round(200 / seconds, 2),
    }


def test_one_instance_baseline(scaled: ScaledStack) -> None:
    prefix = f"one-{secrets.token_hex(3)}"
    sent, seconds = asyncio.run(load(scaled.rasa_urls, prefix, 20, TURNS, lambda c, i: 0))
    assert_exactly_once_in_order(scaled, prefix, sent)
    RESULTS["one_instance"] = {
        "messages": 200,
        "seconds": round(seconds, 1),
        "per_second": round(200 / seconds, 2),
    }


def test_concurrent_messages_of_one_conversation_on_both_instances_are_serialised(
    scaled: ScaledStack,
) -> None:
    """Both instances receive a message for the same conversation at once: the Redis lock serialises them."""
    sender = f"lock-{secrets.token_hex(3)}"

    messages = ["hi", "what is IOP?", "thanks", "bye"]

    async def all_at_once() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=120) as client:
            return await asyncio.gather(
                *(
                    client.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message})
                    for url, message in zip(scaled.rasa_urls * 2, messages, strict=True)
                )
            )

    responses = asyncio.run(all_at_once())
    assert [r.status_code for r in responses] == [200] * 4
    stored = stored_transcript(stored_events(scaled.database_url, "lock")[sender])
    answered = [
        (m, joined([x.get("text") for x in r.json()])) for m, r in zip(messages, responses, strict=True)
    ]
    # Some order, but each message directly followed by exactly its own replies: nothing interleaved.
    assert sorted(stored) == sorted(answered)


def escalation_keys(events: dict[str, list[dict[str, Any]]]) -> set[str]:
    return {
        record.event_key
        for conversation in events.values()
        for event in conversation
        for record in records_for_event(event)
        if record.kind == "escalation"
    }


def analytics_escalation_keys(database_url: str, prefix: str) -> set[str]:
    engine = create_engine(database_url, future=True, poolclass=NullPool)
    with engine.connect() as connection:
        keys = connection.execute(
            text(
                "SELECT event_key FROM analytics_events WHERE kind = 'escalation' AND conversation_id LIKE :p"
            ),
            {"p": f"{prefix}-%"},
        ).scalars()
        result = set(keys)
    engine.dispose()
    return result


def test_every_escalation_reaches_the_staff_queue_across_a_broker_restart(scaled: ScaledStack) -> None:
    prefix = f"mq-{secrets.token_hex(3)}"
    conversations = 10

    async def inject_escalation(client: httpx.AsyncClient, sender: str, url: str) -> None:
        """An escalation as the crisis response writes it, appended through Rasa's API (model-independent)."""
        event = {
            "event": "bot",
            "text": INJECTED,
            "timestamp": time.time(),
            "metadata": {"utter_action": "utter_crisis"},
        }
        response = await client.post(
            f"{url}/conversations/{sender}/tracker/events", params={"token": scaled.token}, json=[event]
        )
        response.raise_for_status()

    async def restart_broker() -> None:
        await asyncio.sleep(2)
        try:
            await asyncio.to_thread(rabbitmqctl, "stop_app")
            await asyncio.sleep(3)
        finally:
            await asyncio.to_thread(rabbitmqctl, "start_app")
        await asyncio.to_thread(wait_listening, 5672)

    async def scenario() -> dict[str, Transcript]:
        async with httpx.AsyncClient(timeout=120) as client:
            talk = load(scaled.rasa_urls, prefix, conversations, CRISIS_TURNS, lambda c, i: (c + i) % 2)
            (sent, _), _ = await asyncio.gather(talk, restart_broker())
            for c in range(conversations):  # after the restart, through both instances
                await inject_escalation(client, f"{prefix}-{c}", scaled.rasa_urls[c % 2])
            return sent

    sent = asyncio.run(scenario())
    stored = stored_events(scaled.database_url, prefix)
    for sender, transcript in sent.items():
        assert stored_transcript([e for e in stored[sender] if e.get("text") != INJECTED]) == transcript
    expected = escalation_keys(stored)
    assert len(expected) >= conversations
    deadline = time.monotonic() + 90
    while (received := analytics_escalation_keys(scaled.database_url, prefix)) != expected:
        assert received <= expected, "only real escalations, each once"
        if time.monotonic() > deadline:
            pytest.fail(
                f"{len(expected - received)} of {len(expected)} escalations never reached the staff queue"
            )
        time.sleep(1)
    RESULTS["broker_restart"] = {"escalations": len(expected), "delivered": len(received)}


def test_conversation_continues_on_the_other_instance_after_one_stops(scaled: ScaledStack) -> None:
    sender = f"persist-{secrets.token_hex(3)}"
    first, second = TURNS[:3], TURNS[3:5]
    with httpx.Client(timeout=120) as client:
        for message in first:
            response = client.post(
                f"{scaled.rasa_urls[0]}/webhooks/rest/webhook", json={"sender": sender, "message": message}
            )
            assert response.status_code == 200
        scaled.stop_service("Rasa server 1")
        with pytest.raises(httpx.TransportError):
            client.get(f"{scaled.rasa_urls[0]}/", timeout=5)
        for message in second:
            response = client.post(
                f"{scaled.rasa_urls[1]}/webhooks/rest/webhook", json={"sender": sender, "message": message}
            )
            assert response.status_code == 200 and response.json(), "the second instance answers"
    tracker = scaled.tracker(sender, instance=1)
    users = [e.get("text") for e in tracker["events"] if e["event"] == "user"]
    assert users == first + second
    assert sum(e["event"] == "session_started" for e in tracker["events"]) == 1, "the same session went on"
