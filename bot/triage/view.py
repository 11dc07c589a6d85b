"""What the console shows: a queue item as JSON, its summary, and one conversation's details.

The conversation view carries contact details (callbacks), so it is for signed-in staff only; the
queue's JSON carries no contact details and no message text.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Iterable, Mapping

from sqlalchemy.orm import Session

from bot.referral import store as referral_store
from bot.safety import store as safety_store
from bot.screening import store as screening_store
from bot.screening.disclosure import attention, describe_change
from bot.triage.items import QueueItem, aware
from bot.triage.queue import open_items

SCREENING_STATUS_WORDS = {"in_progress": "not finished (in progress or left)", "abandoned": "stopped"}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def summary(item: QueueItem) -> list[str]:
    """Short phrases the console shows in the item's details (the API carries them too)."""
    parts: list[str] = []
    if item.kind == "crisis":
        parts.append(_plural(item.messages, "danger message"))
        if item.other_categories:
            parts.append("also " + ", ".join(item.other_categories))
        parts.append("why: " + (", ".join(item.sources) if item.sources else "not recorded"))
    parts.extend(item.attention)
    return parts


def item_dict(item: QueueItem) -> dict[str, Any]:
    """The JSON shape the console polls (no contact details, no message text)."""
    return {
        "key": item.key,
        "kind": item.kind,
        "id": item.id,
        "conversation_id": item.conversation_id,
        "created_at": aware(item.created_at).isoformat(),
        "channel": item.channel,
        "category": item.category,
        "level": item.level,
        "risk": item.risk,
        "urgent": item.urgent,
        "status": item.status,
        "claimed_by": item.claimed_by,
        "notes": len(item.notes),
        "latest_at": aware(item.latest_at).isoformat() if item.latest_at else None,
        "messages": item.messages,
        "other_categories": list(item.other_categories),
        "sources": list(item.sources),
        "attention": list(item.attention),
        "summary": summary(item),
    }


def queue_view(session: Session) -> list[dict[str, Any]]:
    """The open queue as the console shows it, in order."""
    return [item_dict(i) for i in open_items(session)]


def reasons_for(rule_ids: Iterable[str]) -> list[str]:
    """The engine's plain-language reasons for the rule ids a screening stored."""
    from bot.screening.engine import FLAG_RULES, LEVEL_RULES

    by_id = {r.id: r.reason for r in (*LEVEL_RULES, *FLAG_RULES)}
    return [by_id[i] for i in rule_ids if i in by_id]


def iso_time(moment: datetime | None) -> str:
    """An ISO 8601 UTC timestamp ("" for None)."""
    return aware(moment).isoformat() if moment is not None else ""


def _screenings(session: Session, conversation_id: str) -> list[dict[str, Any]]:
    screenings = []
    for row in screening_store.screenings_for(session, conversation_id):
        answers, changes = dict(row.answers or {}), row.answer_changes()
        screenings.append(
            {
                "id": row.id,
                "at": iso_time(row.created_at),
                "updated_at": iso_time(row.updated_at),
                "status": row.status,
                "status_text": SCREENING_STATUS_WORDS.get(row.status, row.status),
                "level": row.level,
                "risk": row.risk,
                "flags": list(row.flags or []),
                "answers": answers,
                "declined": list(row.declined or []),
                "reasons": reasons_for(row.rules or []),
                "changes": [
                    {**raw, "text": describe_change(change)}
                    for raw, change in zip(row.changes or [], changes, strict=True)
                ],
                "attention": list(attention(row.status, answers, row.declined or [], changes, row.risk)),
            }
        )
    return screenings


def conversation_details(session: Session, conversation_id: str) -> dict[str, Any]:
    """Screenings (answers, result, reasons), callback and handoff requests and open queue items."""
    details: dict[str, Any] = {"screenings": _screenings(session, conversation_id)}
    details["callbacks"] = [
        {
            "id": row.id,
            "at": iso_time(row.created_at),
            "name": row.name,
            "contact_kind": row.contact_kind,
            "contact": row.contact,
            "best_time": row.best_time,
            "consent_text": row.consent_text,
            "consent_at": iso_time(row.consent_at),
            "program": referral_store.program_name(session, row.program_id),
            "status": row.status,
        }
        for row in referral_store.callbacks_for(session, conversation_id)
    ]
    details["handoffs"] = [
        {
            "id": row.id,
            "at": iso_time(row.created_at),
            "channel": row.channel,
            "status": row.status,
            "urgent": bool(row.urgent),
            "category": row.crisis_category,
        }
        for row in referral_store.handoffs_for(session, conversation_id)
    ]
    details["escalations"] = [
        {
            "id": row.id,
            "at": iso_time(row.created_at),
            "category": row.category,
            "channel": row.channel,
            "status": row.status,
            "severity": row.severity,
            "source": row.source,
        }
        for row in safety_store.escalations_for(session, conversation_id)
    ]
    details["items"] = [item_dict(i) for i in open_items(session) if i.conversation_id == conversation_id]
    details["timeline"] = timeline(details)
    return details


def timeline(details: Mapping[str, Any]) -> list[dict[str, str]]:
    """Escalations, handoffs, callbacks and screenings of one conversation as dated lines, oldest first."""
    entries = []
    for e in details.get("escalations", []):
        why = ", ".join(str(x) for x in (e.get("severity"), e.get("source")) if x)
        text = f"Crisis escalation: {e.get('category') or 'unspecified'}" + (f" ({why})" if why else "")
        entries.append({"at": e["at"], "kind": "crisis", "text": text})
    for h in details.get("handoffs", []):
        urgent = f" (urgent: {h.get('category') or 'crisis language'})" if h.get("urgent") else ""
        entries.append(
            {"at": h["at"], "kind": "handoff", "text": f"Asked for a person{urgent}; now {h['status']}"}
        )
    for c in details.get("callbacks", []):
        entries.append({"at": c["at"], "kind": "callback", "text": f"Callback requested; now {c['status']}"})
    for s in details.get("screenings", []):
        status = SCREENING_STATUS_WORDS.get(s["status"], s["status"])
        level = f": suggested {s['level']}, risk {s['risk']}" if s.get("level") else ""
        risk = f": risk so far {s['risk']}" if not s.get("level") and s.get("risk") else ""
        entries.append({"at": s["at"], "kind": "screening", "text": f"Screening {status}{level}{risk}"})
        for change in s.get("changes", []):
            entries.append({"at": change.get("at") or s["at"], "kind": "screening", "text": change["text"]})
    return sorted(entries, key=lambda e: e["at"])

