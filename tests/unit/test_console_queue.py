"""The triage queue: pure ordering and merging, derivation from the other parts' tables, and its API."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from functools import partial

import pytest

from bot.db import session_scope
from bot.referral.store import CallbackRequest, HandoffRequest
from bot.screening.engine import FOLLOW_UP_FIELDS
from bot.triage import queue, sources, state, view
from bot.triage.items import QueueError, QueueItem, StateView, merge, order, parse_key
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
    with pytest.raises(QueueError):
        parse_key(key)


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
    assert "contact" not in view.item_dict(items[3]) and "+1212" not in str(view.item_dict(items[3]))


def test_claim_conflict_resolve_and_source_statuses(tmp_path):
    app = make_app(tmp_path)
    ids = seed_queue(app)
    url = app.ctx.settings.database_url
    callback, handoff = f"callback:{ids['callback']}", f"handoff:{ids['handoff']}"
    with session_scope(url) as db:
        state.claim(db, callback, "sam")
        with pytest.raises(QueueError, match="claimed by sam"):
            state.claim(db, callback, "kim")
        state.claim(db, callback, "kim", take_over=True)
        state.annotate(db, callback, "kim", "  left a voicemail  ")
        state.resolve(db, callback, "kim")
        assert queue.join_handoffs(db, "conv-handoff", "sam") == [handoff]
        assert db.get(HandoffRequest, ids["handoff"]).status == "joined"
        assert queue.close_handoffs(db, "conv-handoff", "sam") == [handoff]
    with session_scope(url) as db:
        keys = [i.key for i in queue.open_items(db)]
        assert callback not in keys and handoff not in keys
        assert db.get(CallbackRequest, ids["callback"]).status == "done"
        assert db.get(HandoffRequest, ids["handoff"]).status == "closed"
        details = view.conversation_details(db, "conv-callback")
    assert details["callbacks"][0]["contact"] == "+12125550199"
    assert [e["kind"] for e in details["timeline"]] == ["callback"]


def test_screening_details_carry_the_engine_reasons(tmp_path):
    app = make_app(tmp_path)
    seed_queue(app)
    with session_scope(app.ctx.settings.database_url) as db:
        details = view.conversation_details(db, "conv-screening")
    [screening] = details["screenings"]
    assert screening["level"] == "iop"
    assert screening["reasons"] == [view.reasons_for(["L6"])[0]] and "work" in screening["reasons"][0]
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
        state.claim(db, key, "sam")
        assert db.get(Escalation, ids["crisis"]).status == "acknowledged"
        details = view.conversation_details(db, "conv-crisis")
        assert details["timeline"][0]["text"] == "Crisis escalation: overdose"
        state.resolve(db, key, "sam")
        assert db.get(Escalation, ids["crisis"]).status == "closed"
        assert key not in [i.key for i in queue.open_items(db)]


# ---------------------------------------------------------------------------------------------
# Crisis escalations: one row per conversation.


def esc(id, minutes_ago, conversation="conv-x", category="suicide", severity=None, source=None,
        status="new", channel="socketio") -> sources.EscalationView:  # fmt: skip
    return sources.EscalationView(
        id=id, conversation_id=conversation, created_at=NOW - timedelta(minutes=minutes_ago),
        category=category, channel=channel, status=status, severity=severity, source=source,
    )  # fmt: skip


def test_one_crisis_item_per_conversation_with_its_highest_risk_and_counts():
    items = sources.crisis_items(
        [
            esc(3, 50, category="self_harm", severity="moderate", source="semantic", status="closed"),
            esc(7, 30, category="self_harm", severity="moderate", source="context"),
            esc(8, 20, category="suicide", severity="high", source="rules"),
            esc(9, 10, category="overdose", severity="moderate", source="rules", channel="telegram"),
            esc(11, 5, category="abuse", severity="high", source="rules"),
            esc(12, 1, conversation="conv-y", category="withdrawal", severity="moderate"),
        ]
    )
    by_conversation = {i.conversation_id: i for i in items}
    assert set(by_conversation) == {"conv-x", "conv-y"}
    x = by_conversation["conv-x"]
    assert x.key == "crisis:3"  # the conversation's first escalation, closed or not: a stable key
    assert (x.risk, x.category) == ("high", "abuse")  # highest risk; of two high ones the latest
    assert x.other_categories == ("self_harm", "suicide", "overdose")
    assert x.messages == 4  # the closed one was resolved earlier
    assert x.created_at == NOW - timedelta(minutes=30) and x.latest_at == NOW - timedelta(minutes=5)
    assert x.sources == ("context", "rules") and x.channel == "socketio"
    assert view.summary(x) == [
        "4 danger messages", "also self_harm, suicide, overdose", "why: context, rules",
    ]  # fmt: skip
    y = by_conversation["conv-y"]
    assert (y.risk, y.messages, y.other_categories, view.summary(y)[-1]) == (
        "moderate", 1, (), "why: not recorded",
    )  # fmt: skip


def test_unknown_severity_counts_as_high_and_closed_conversations_have_no_item():
    items = sources.crisis_items(
        [
            esc(1, 9, severity="moderate"),
            esc(2, 8, category="overdose"),  # recorded before severities existed: high
            esc(3, 7, conversation="done", status="closed"),
        ]
    )
    assert [(i.conversation_id, i.risk, i.category) for i in items] == [("conv-x", "high", "overdose")]


def test_crisis_conversations_are_ordered_by_risk_then_longest_waiting():
    items = sources.crisis_items(
        [
            esc(1, 90, conversation="moderate-old", severity="moderate"),
            esc(2, 60, conversation="high-new", severity="high"),
            esc(3, 5, conversation="high-old", severity="moderate"),
            esc(4, 1, conversation="high-old", severity="high"),  # waiting since 120 min below
            esc(5, 120, conversation="high-old", severity="moderate"),
        ]
    )
    assert [i.conversation_id for i in order(items)] == ["high-old", "high-new", "moderate-old"]


def test_a_resolved_crisis_item_with_new_danger_is_shown_open_again_with_its_notes():
    [item] = sources.crisis_items([esc(4, 1)])
    states = {"crisis:4": StateView("resolved", "kim", ("called her",))}
    [merged] = merge([item], states)
    assert (merged.status, merged.claimed_by, merged.notes) == ("open", None, ("called her",))
    assert merge([replace(item, reopens=False)], states) == []  # an ordinary item stays resolved


def add_escalations(url: str, conversation: str, *specs: tuple) -> list[int]:
    """(minutes ago, category, severity, source) per danger message; returns their ids."""
    from bot.safety.store import Escalation

    with session_scope(url) as db:
        rows = [
            Escalation(created_at=NOW - timedelta(minutes=m), category=c, channel="socketio",
                       sender_id=conversation, severity=s, source=src)
            for m, c, s, src in specs
        ]  # fmt: skip
        db.add_all(rows)
        db.flush()
        return [r.id for r in rows]


def test_claim_resolve_and_reopen_act_on_the_whole_conversation(tmp_path):
    from bot.safety.escalation import record_escalation
    from bot.safety.store import Escalation

    app = make_app(tmp_path)
    url = app.ctx.settings.database_url
    sessions = partial(session_scope, url)
    ids = add_escalations(
        url, "conv-many",
        (40, "suicide", "high", "rules"), (30, "suicide", None, None),
        (20, "self_harm", "moderate", "context"), (10, "suicide", "high", "rules"),
        (5, "overdose", "moderate", "semantic"),
    )  # fmt: skip
    key = f"crisis:{ids[0]}"
    with session_scope(url) as db:
        [item] = queue.open_items(db)
        assert (item.key, item.messages, item.risk, item.category) == (key, 5, "high", "suicide")
        # Any of the conversation's escalation ids names the conversation's row.
        assert state.claim(db, f"crisis:{ids[3]}", "sam") == key
        assert {r.status for r in db.query(Escalation)} == {"acknowledged"}
        with pytest.raises(QueueError, match="claimed by sam"):
            state.claim(db, key, "kim")
        assert state.annotate(db, f"crisis:{ids[4]}", "sam", "spoke to them, safe for now") == key
    # A danger message while claimed: still one row, still claimed, counted, latest time moves.
    record_escalation(
        "abuse", "socketio", "conv-many", severity="high", source="rules", sessions=sessions, webhook_url=""
    )
    with session_scope(url) as db:
        [item] = queue.open_items(db)
        assert (item.key, item.status, item.claimed_by, item.messages) == (key, "claimed", "sam", 6)
        assert view.item_dict(item)["latest_at"] > NOW.isoformat() and len(item.notes) == 1
        assert state.resolve(db, key, "sam") == key
    with session_scope(url) as db:
        assert queue.open_items(db) == []
        assert {r.status for r in db.query(Escalation)} == {"closed"}
    # After the resolution a new danger message opens the same row again, with the new time.
    record_escalation(
        "suicide", "socketio", "conv-many", severity="moderate", source="context", sessions=sessions,
        webhook_url="",
    )
    with session_scope(url) as db:
        [item] = queue.open_items(db)
        newest = db.query(Escalation).order_by(Escalation.id.desc()).first()
        assert (item.key, item.status, item.claimed_by) == (key, "open", None)
        assert (item.messages, item.risk, item.category) == (1, "moderate", "suicide")
        assert item.created_at == item.latest_at == newest.created_at
        assert item.notes == ("spoke to them, safe for now",)
        details = view.conversation_details(db, "conv-many")
    assert len(details["escalations"]) == 7 and [i["key"] for i in details["items"]] == [key]
    assert details["timeline"][0]["text"] == "Crisis escalation: suicide (high, rules)"
    assert details["timeline"][1]["text"] == "Crisis escalation: suicide"


def test_unknown_crisis_key_is_refused(tmp_path):
    app = make_app(tmp_path)
    with session_scope(app.ctx.settings.database_url) as db, pytest.raises(QueueError, match="unknown"):
        state.claim(db, "crisis:999", "sam")


async def test_queue_api_and_page_show_one_crisis_row_per_conversation(tmp_path):
    app = make_app(tmp_path)
    url = app.ctx.settings.database_url
    seed_queue(app)
    ids = add_escalations(
        url, "conv-many",
        (40, "self_harm", "moderate", "context"), (30, "suicide", "high", "rules"),
        (20, "suicide", "high", "semantic"), (2, "overdose", "moderate", "rules"),
    )  # fmt: skip
    create_user(app, "sam")
    async with client_for(app) as client:
        await sign_in(client, "sam")
        csrf = await session_csrf(client)
        listed = (await client.get("/api/console/queue")).json()["items"]
        crisis = [i for i in listed if i["kind"] == "crisis"]
        assert [i["conversation_id"] for i in crisis] == ["conv-many", "conv-crisis"]  # 40 min before 10
        many = crisis[0]
        assert many["key"] == f"crisis:{ids[0]}" and many["messages"] == 4
        assert (many["risk"], many["category"], many["other_categories"]) == (
            "high", "suicide", ["self_harm", "overdose"],
        )  # fmt: skip
        assert many["latest_at"] == (NOW - timedelta(minutes=2)).isoformat()
        assert many["sources"] == ["context", "rules", "semantic"]
        assert many["summary"] == [
            "4 danger messages", "also self_harm, overdose", "why: context, rules, semantic",
        ]  # fmt: skip
        page = await client.get("/console")
        assert page.text.count('class="kind-crisis') == 2
        assert "4 danger messages · also self_harm, overdose · why: context, rules, semantic" in page.text
        acted = await client.post(
            f"/api/console/queue/crisis:{ids[2]}/resolve", headers={"X-CSRF-Token": csrf}
        )
        assert acted.json() == {"ok": True, "key": f"crisis:{ids[0]}", "action": "resolve"}
        after = (await client.get("/api/console/queue")).json()["items"]
        assert [i["conversation_id"] for i in after if i["kind"] == "crisis"] == ["conv-crisis"]
        view = await client.get("/console/conversations/conv-many")
        assert "Crisis escalation: suicide (high, semantic)" in view.text


# ---------------------------------------------------------------------------------------------
# Screenings: what they disclosed reaches staff.


def test_a_resolved_item_whose_source_moved_on_is_open_again():
    resolved_at = NOW - timedelta(minutes=10)
    states = {"screening:1": StateView("resolved", "kim", (), resolved_at)}
    before = item("screening", 30, id=1, latest_at=NOW - timedelta(minutes=20))
    after = item("screening", 30, id=1, latest_at=NOW - timedelta(minutes=1))
    assert merge([before], states) == []
    assert [(i.status, i.claimed_by) for i in merge([after], states)] == [("open", None)]


async def queued(client) -> dict:
    """The API's queue by conversation id."""
    return {i["conversation_id"]: i for i in (await client.get("/api/console/queue")).json()["items"]}


def _note(url: str, conversation: str, answers: dict, field: str, declined: tuple = ()) -> None:
    from bot.screening.store import note_answer

    with session_scope(url) as db:
        note_answer(db, conversation, answers, list(declined), field)


async def test_screening_disclosures_and_changes_show_in_the_api_and_the_console(tmp_path):
    from bot.screening.store import finish_screening

    app = make_app(tmp_path)
    url = app.ctx.settings.database_url
    create_user(app, "sam")
    _note(url, "conv-left", {"functioning": "mild", "wish_dead": True}, "wish_dead")
    _note(url, "conv-changed", {"wish_dead": True, "suicidal_thoughts": True, "suicide_method": True},
          "suicide_method")  # fmt: skip
    q2_no = {"wish_dead": True, "suicidal_thoughts": False, **dict.fromkeys(FOLLOW_UP_FIELDS)}
    _note(url, "conv-changed", q2_no, "suicidal_thoughts")
    with session_scope(url) as db:
        finish_screening(db, "conv-changed", "abandoned", {"wish_dead": True, "suicidal_thoughts": False})
        finish_screening(db, "conv-calm", "abandoned", {"functioning": "mild"})  # no risk: not queued
    async with client_for(app) as client:
        await sign_in(client, "sam")
        csrf = await session_csrf(client)
        listed = await queued(client)
        assert set(listed) == {"conv-left", "conv-changed"}
        left, changed = listed["conv-left"], listed["conv-changed"]
        assert (left["risk"], left["summary"]) == ("low", [
            "Not finished: still answering, or left the screening", "Suicidal thoughts in the past month",
        ])  # fmt: skip
        assert changed["summary"] == [
            "Stopped before the end",
            "Suicidal thoughts in the past month",
            'Changed "Thoughts of suicide" from yes to no; this cleared the earlier answers '
            '"How you might do it" yes',
        ]
        page = (await client.get("/console")).text
        assert "Not finished: still answering, or left the screening · Suicidal thoughts" in page
        assert "Changed &#34;Thoughts of suicide&#34; from yes to no" in page  # autoescaped
        view = (await client.get("/console/conversations/conv-changed")).text
        assert '<ul class="attention">' in view and "Screening (stopped," in view
        assert "Risk from the answers so far: <strong>low</strong>" in view
        # Staff resolve the unfinished screening; when it moves on, it is back.
        key = left["key"]
        await client.post(f"/api/console/queue/{key}/resolve", headers={"X-CSRF-Token": csrf})
        assert "conv-left" not in await queued(client)
        _note(url, "conv-left", {"functioning": "mild", "wish_dead": False}, "wish_dead")
        again = await queued(client)
        assert again["conv-left"]["key"] == key and again["conv-left"]["status"] == "open"
        assert again["conv-left"]["summary"][-1] == 'Changed "Wishing you were dead" from yes to no'
