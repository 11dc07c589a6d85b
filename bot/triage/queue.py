"""The open queue: every part's open items with the console's states applied, in queue order.

Also the actions on all of one conversation's open handoffs (a staff message joins them, handing
back to the assistant resolves them).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.triage import state
from bot.triage.items import QueueItem, merge
from bot.triage.sources import derived_items


def open_items(session: Session) -> list[QueueItem]:
    """The open queue, in order."""
    return merge(derived_items(session), state.load_states(session))


def _open_handoff_keys(session: Session, conversation_id: str) -> list[str]:
    items = open_items(session)
    return [i.key for i in items if i.kind == "handoff" and i.conversation_id == conversation_id]


def join_handoffs(session: Session, conversation_id: str, username: str) -> list[str]:
    """Staff joined the chat: open handoffs of the conversation become `joined` and claimed by them."""
    keys = _open_handoff_keys(session, conversation_id)
    for key in keys:
        state.join(session, key, username)
    session.flush()
    return keys


def close_handoffs(session: Session, conversation_id: str, username: str) -> list[str]:
    """Handed back to the assistant: the conversation's open handoffs are resolved (and closed)."""
    keys = _open_handoff_keys(session, conversation_id)
    for key in keys:
        state.resolve(session, key, username)
    return keys
