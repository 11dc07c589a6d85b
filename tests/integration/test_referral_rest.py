"""Issue 6 through the REST channel: programs after a screening, callbacks only with consent, hand-off."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.db import session_scope
from tests.integration.conversation import got_crisis_reply, new_sender, run_screening, texts
from tests.integration.stack import RunningStack
from tests.integration.test_conversations import LEVELS

pytestmark = pytest.mark.model


def _callbacks(stack: RunningStack, sender: str) -> list[Any]:
    from bot.referral.store import CallbackRequest

    with session_scope(stack.database_url) as session:
        query = select(CallbackRequest).where(CallbackRequest.conversation_id == sender)
        return list(session.scalars(query))


def test_iop_screening_then_preferences_shows_matching_programs(stack: RunningStack) -> None:
    sender = new_sender("referral")
    run_screening(stack, sender, LEVELS["iop"])
    reply = "\n".join(texts(stack.say(sender, "evening, online, Medicaid")))
    assert "(fictional)" in reply, reply
    assert "Accepts Medicaid" in reply
    assert "evening" in reply.lower() and "virtual" in reply.lower()


def _callback(stack: RunningStack, sender: str, consent: str) -> list[str]:
    transcript = stack.say(sender, "/request_callback")
    for answer in (consent, "Alex Example", "(202) 555-0188", "weekday mornings"):
        if (stack.tracker(sender).get("active_loop") or {}).get("name") != "callback_form":
            break
        transcript += stack.say(sender, answer)
    return texts(transcript)


def test_callback_with_consent_is_stored_normalised(stack: RunningStack) -> None:
    sender = new_sender("callback-yes")
    _callback(stack, sender, "/affirm")
    (row,) = _callbacks(stack, sender)
    assert (row.name, row.contact_kind, row.contact) == ("Alex Example", "phone", "+12025550188")
    assert row.consent_text


def test_callback_without_consent_stores_nothing(stack: RunningStack) -> None:
    sender = new_sender("callback-no")
    _callback(stack, sender, "/deny")
    assert _callbacks(stack, sender) == []
    slots = stack.tracker(sender)["slots"]
    assert slots.get("callback_name") is None and slots.get("callback_contact") is None


def test_handoff_pauses_the_bot_but_a_crisis_still_gets_resources(stack: RunningStack) -> None:
    sender = new_sender("handoff")
    stack.say(sender, "/human_handoff")
    assert stack.tracker(sender)["paused"] is True
    assert stack.say(sender, "hello? is someone there?") == []  # staff answer now, not the bot
    assert got_crisis_reply(stack.say(sender, "I took too many pills an hour ago"))
