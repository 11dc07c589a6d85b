"""The channel safety net: unanswered crisis messages still get the crisis resources."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.db import get_engine, init_db, session_scope
from bot.referral.store import HandoffRequest, open_handoff_request
from bot.safety.detector import CATEGORIES, SafetyFinding
from bot.safety.net import RESOURCES_PATH, _message, crisis_reply
from bot.safety.resources import DETAILS, LANGUAGES, render_crisis_responses

CRISIS = "I took a whole bottle of pills and I feel really strange"
ORDINARY = "how many hours a week is IOP?"


def test_crisis_reply_gives_the_category_message() -> None:
    reply = crisis_reply(CRISIS, "US")
    assert reply is not None
    text, category = reply
    assert category == "overdose"
    assert "911" in text


def test_ordinary_messages_get_no_crisis_reply() -> None:
    assert crisis_reply(ORDINARY, "US") is None


def test_the_finding_has_no_detail_and_english_until_the_detector_says_otherwise() -> None:
    finding = SafetyFinding("suicide", "want to die", "suicide.direct")
    assert (finding.detail, finding.language) == ("none", "en")


@pytest.mark.parametrize("country", ["US", "CA"])
def test_the_net_sends_exactly_what_rasa_would_for_every_situation(country: str) -> None:
    rendered = render_crisis_responses(RESOURCES_PATH, country)["utter_crisis"]
    by_slots = {tuple(c["value"] for c in v["condition"]): v["text"] for v in rendered if "condition" in v}
    for category, detail, language in itertools.product(CATEGORIES, DETAILS, LANGUAGES):
        assert _message(category, country, detail, language) == by_slots[(category, detail, language)]
    assert _message(None, country) == next(v["text"] for v in rendered if "condition" not in v)


def test_crisis_reply_follows_the_findings_detail_and_language(monkeypatch: pytest.MonkeyPatch) -> None:
    reply = crisis_reply("mi padrastro me pega y soy una niña", "US")
    assert reply is not None
    text, category = reply
    assert category == "abuse"
    assert text == _message("abuse", "US", "child_abuse", "es")
    assert "1-800-422-4453" in text and "llama al 911" in text


def test_a_broken_detector_fails_safe(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_text: str) -> None:
        raise RuntimeError("spaCy is gone")

    monkeypatch.setattr("bot.safety.net.analyse", broken)
    reply = crisis_reply(ORDINARY, "US")
    assert reply is not None and "988" in reply[0] and reply[1] is None


@pytest.fixture()
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("STAFF_WEBHOOK_URL", "")
    get_engine.cache_clear()
    init_db(url)
    return url


def _handoffs(url: str) -> list[tuple[str, bool, str | None]]:
    with session_scope(url) as session:
        rows = session.scalars(select(HandoffRequest).order_by(HandoffRequest.id))
        return [(r.conversation_id, bool(r.urgent), r.crisis_category) for r in rows]


def test_flag_urgent_handoff_marks_only_an_open_handoff(database: str) -> None:
    from channels.safety_net import flag_urgent_handoff

    with session_scope(database) as session:
        open_handoff_request(session, "person-1", "rest")
    assert flag_urgent_handoff("person-2", "suicide", database) is False
    assert flag_urgent_handoff("person-1", "suicide", database) is True
    assert _handoffs(database) == [("person-1", True, "suicide")]


def test_flag_urgent_handoff_never_raises_when_the_database_is_down(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from channels.safety_net import flag_urgent_handoff

    (tmp_path / "app.db").mkdir()  # a directory: SQLite cannot open it
    assert flag_urgent_handoff("person-1", "suicide", f"sqlite:///{tmp_path / 'app.db'}") is None
    assert "not marked urgent" in caplog.text and "person-1" not in caplog.text


def _escalations(url: str) -> list[Any]:
    from bot.safety.store import Escalation

    with session_scope(url) as session:
        return list(session.scalars(select(Escalation)))


@pytest.mark.rasa
class TestHandlerWrapper:
    """Rasa's handler wrapped: paused (silent), answering, and failing."""

    async def _run(self, text: str, behaviour: str) -> tuple[list[dict[str, Any]], Exception | None]:
        from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

        from channels.safety_net import with_crisis_safety_net

        async def rasa_handler(message: UserMessage) -> None:
            if behaviour == "answers":
                await message.output_channel.send_response(message.sender_id, {"text": "bot reply"})
            elif behaviour == "fails":
                raise RuntimeError("action server exploded")

        collector = CollectingOutputChannel()
        message = UserMessage(text, collector, "person-1", input_channel="rest")
        try:
            await with_crisis_safety_net(rasa_handler)(message)
        except RuntimeError as exc:
            return collector.messages, exc
        return collector.messages, None

    async def test_paused_conversation_crisis_gets_resources_and_an_escalation(self, database: str) -> None:
        messages, error = await self._run(CRISIS, "silent")
        assert error is None
        assert len(messages) == 1 and "911" in messages[0]["text"]
        rows = _escalations(database)
        assert [(r.category, r.channel) for r in rows] == [("overdose", "rest")]

    async def test_paused_hand_off_crisis_marks_the_hand_off_urgent(self, database: str) -> None:
        with session_scope(database) as session:
            open_handoff_request(session, "person-1", "rest")
        messages, error = await self._run(CRISIS, "silent")
        assert error is None
        assert [m["text"] for m in messages] == [crisis_reply(CRISIS, "US")[0]]  # type: ignore[index]
        assert [(r.category, r.sender_id) for r in _escalations(database)] == [("overdose", "person-1")]
        assert _handoffs(database) == [("person-1", True, "overdose")]

    async def test_crisis_resources_go_out_with_the_database_down(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
    ) -> None:
        (tmp_path / "app.db").mkdir()  # a directory: SQLite cannot open it
        monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
        monkeypatch.setenv("STAFF_WEBHOOK_URL", "")
        get_engine.cache_clear()
        messages, error = await self._run(CRISIS, "silent")
        assert error is None
        assert len(messages) == 1 and "911" in messages[0]["text"]
        assert "person-1" not in caplog.text and CRISIS not in caplog.text

    async def test_answered_crisis_is_not_answered_twice(self, database: str) -> None:
        messages, _ = await self._run(CRISIS, "answers")
        assert [m["text"] for m in messages] == ["bot reply"]
        assert _escalations(database) == []

    async def test_failing_rasa_still_sends_crisis_resources(self, database: str) -> None:
        messages, error = await self._run(CRISIS, "fails")
        assert error is None
        assert "911" in messages[0]["text"]

    async def test_failing_rasa_on_an_ordinary_message_still_raises(self, database: str) -> None:
        messages, error = await self._run(ORDINARY, "fails")
        assert isinstance(error, RuntimeError) and messages == []

    async def test_paused_conversation_ordinary_message_stays_silent(self, database: str) -> None:
        messages, error = await self._run(ORDINARY, "silent")
        assert error is None and messages == []


def test_the_net_decides_with_the_loaded_semantic_layer_and_the_conversations_risk() -> None:

    from bot.safety import semantic

    class Layer:
        threshold, cue_threshold = 0.8, 0.5

        def score_texts(self, texts: list[str]) -> list[semantic.SemanticScore]:
            return [semantic.SemanticScore(0.9 if "heavy" in t else 0.6, "self_harm") for t in texts]

    semantic._ACTIVE[:] = [Layer()]  # type: ignore[list-item]
    try:
        assert crisis_reply("everything is heavy and i keep picturing it", "US") is not None
        assert crisis_reply("it's all i think about", "US") is None  # ambiguous alone
        reply = crisis_reply("it's all i think about", "US", risk_on_record=True)
        assert reply is not None and reply[1] == "self_harm"
    finally:
        semantic._ACTIVE.clear()
