"""The triage queue: pure ordering and merging, derivation from the other parts' tables, and its API."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import queue
from bot.db import session_scope
from bot.queue import QueueItem, StateView, merge, order
from bot.referral.store import CallbackRequest, HandoffRequest
from tests.unit.console_support import (
    NOW,
    client_for,
    create_user,
    make_app,
    seed_queue,
    session_csrf,
    sign_in,
)


def item(kind, minutes_ago, id=1, **extra) -> QueueItem:
    return QueueItem(
        kind=kind, id=id, conversation_id=f"c{id}", created_at=NOW - timedelta(minutes=minutes_ago), **extra
    )


def test_order_is_crisis_then_handoff_callback_screening_then_oldest_first():
    items = [
        item("screening", 500, id=1),
        item("callback", 10, id=2),
        item("handoff", 5, id=3),
        item("crisis", 1, id=4),
        item("callback", 30, id=5),
    ]
    assert [(i.kind, i.id) for i in order(items)] == [
        ("crisis", 4),
        ("handoff", 3),
        ("callback", 5),
        ("callback", 2),
        ("screening", 1),
    ]


def test_urgent_handoff_ranks_with_crisis_and_risk_orders_within_a_tier():
    items = [
        item("crisis", 60, id=1, risk="moderate"),
        item("handoff", 1, id=2, urgent=True, risk="high"),
        item("screening", 5, id=3, risk="low"),
        item("screening", 1, id=4, risk="high"),
    ]
    assert [i.id for i in order(items)] == [2, 1, 4, 3]


def test_merge_applies_claims_and_notes_and_drops_resolved_items():
    items = [item("callback", 10, id=1), item("callback", 5, id=2), item("handoff", 1, id=3)]
    states = {
        "callback:1": StateView("resolved", "sam"),
        "handoff:3": StateView("claimed", "kim", ("called",)),
    }
    merged = merge(items, states)
    assert [i.key for i in merged] == ["handoff:3", "callback:2"]
    assert merged[0].claimed_by == "kim" and merged[0].notes == ("called",) and merged[1].status == "open"


@pytest.mark.parametrize("key", ["crisis", "nope:1", "callback:x", "callback:-1", ""])
def test_parse_key_refuses_anything_but_kind_and_number(key):
    with pytest.raises(queue.QueueError):
        queue.parse_key(key)


def test_open_items_are_derived_from_the_other_tables(tmp_path):
    app = make_app(tmp_path)
    ids = seed_queue(app)
    with session_scope(app.ctx.settings.database_url) as db:
        items = queue.open_items(db)
    assert [i.key for i in items] == [
        f"crisis:{ids['crisis']}",  # tier 0, oldest first: the escalation is 10 min old
        f"handoff:{ids['urgent']}",  # crisis language while waiting: also tier 0
        f"handoff:{ids['handoff']}",
        f"callback:{ids['callback']}",
        f"screening:{ids['screening']}",
    ]
    assert items[0].category == "overdose" and items[0].conversation_id == "conv-crisis"
    assert items[1].urgent and items[1].category == "suicide"
    assert items[4].level == "iop" and items[4].risk == "none"
    assert "contact" not in items[3].to_dict() and "+1212" not in str(items[3].to_dict())


def test_claim_conflict_resolve_and_source_statuses(tmp_path):
    app = make_app(tmp_path)
    ids = seed_queue(app)
    url = app.ctx.settings.database_url
    callback, handoff = f"callback:{ids['callback']}", f"handoff:{ids['handoff']}"
    with session_scope(url) as db:
        queue.claim(db, callback, "sam")
        with pytest.raises(queue.QueueError, match="claimed by sam"):
            queue.claim(db, callback, "kim")
        queue.claim(db, callback, "kim", take_over=True)
        queue.annotate(db, callback, "kim", "  left a voicemail  ")
        queue.resolve(db, callback, "kim")
        assert queue.join_handoffs(db, "conv-handoff", "sam") == [handoff]
        assert db.get(HandoffRequest, ids["handoff"]).status == "joined"
        assert queue.close_handoffs(db, "conv-handoff", "sam") == [handoff]
    with session_scope(url) as db:
        keys = [i.key for i in queue.open_items(db)]
        assert callback not in keys and handoff not in keys
        assert db.get(CallbackRequest, ids["callback"]).status == "done"
        assert db.get(HandoffRequest, ids["handoff"]).status == "closed"
        details = queue.conversation_details(db, "conv-callback")
    assert details["callbacks"][0]["contact"] == "+12125550199"
    assert [e["kind"] for e in details["timeline"]] == ["callback"]


def test_screening_details_carry_the_engine_reasons(tmp_path):
    app = make_app(tmp_path)
    seed_queue(app)
    with session_scope(app.ctx.settings.database_url) as db:
        details = queue.conversation_details(db, "conv-screening")
    [screening] = details["screenings"]
    assert screening["level"] == "iop"
    assert screening["reasons"] == [queue.reasons_for(["L6"])[0]] and "work" in screening["reasons"][0]
    assert details["items"][0]["kind"] == "screening"


async def test_queue_api_lists_in_order_and_claims(tmp_path):
    app = make_app(tmp_path)
    ids = seed_queue(app)
    create_user(app, "sam")
    async with client_for(app) as client:
        await sign_in(client, "sam")
        csrf = await session_csrf(client)
        listed = (await client.get("/api/console/queue")).json()["items"]
        assert [i["kind"] for i in listed] == ["crisis", "handoff", "handoff", "callback", "screening"]
        key = f"callback:{ids['callback']}"
        claimed = await client.post(f"/api/console/queue/{key}/claim", headers={"X-CSRF-Token": csrf})
        assert claimed.status_code == 200
        after = {i["key"]: i for i in (await client.get("/api/console/queue")).json()["items"]}
        assert after[key]["status"] == "claimed" and after[key]["claimed_by"] == "sam"
        resolved = await client.post(f"/api/console/queue/{key}/resolve", headers={"X-CSRF-Token": csrf})
        assert resolved.status_code == 200
        assert key not in {i["key"] for i in (await client.get("/api/console/queue")).json()["items"]}
        page = await client.get("/console/conversations/conv-callback")
        assert "+12125550199" in page.text and "Alex Example" in page.text


def test_claiming_and_resolving_an_escalation_moves_its_status(tmp_path):
    from bot.safety.store import Escalation

    app = make_app(tmp_path)
    ids = seed_queue(app)
    key = f"crisis:{ids['crisis']}"
    with session_scope(app.ctx.settings.database_url) as db:
        queue.claim(db, key, "sam")
        assert db.get(Escalation, ids["crisis"]).status == "acknowledged"
        details = queue.conversation_details(db, "conv-crisis")
        assert details["timeline"][0]["text"] == "Crisis escalation: overdose"
        queue.resolve(db, key, "sam")
        assert db.get(Escalation, ids["crisis"]).status == "closed"
        assert key not in [i.key for i in queue.open_items(db)]
