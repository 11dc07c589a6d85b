"""The request a message closes with. Pure; no Rasa imports.

People give the background first and ask last: "just got out of detox, trying to figure out whats
next. can u check what level of care i need", or "my son is 16 and struggling w anxiety, are there
programs for teens". Read as a whole, such a message takes its intent from the background (a question
about detox, a fallback); its last sentence is what the person asks for. The intent classifier
(components/intent_classifier.py) reads that sentence too, and a confident request there wins.
"""

from __future__ import annotations

import re
from typing import Final

from bot.contracts import CRISIS, FIND_PROGRAM, HUMAN_HANDOFF, REQUEST_CALLBACK, START_SCREENING

# Intents that ask the assistant to do something; only these take over from the whole message.
REQUEST_INTENTS: Final = frozenset({START_SCREENING, FIND_PROGRAM, REQUEST_CALLBACK, HUMAN_HANDOFF})
REQUEST_CONFIDENCE: Final = 0.9
MIN_REQUEST_WORDS: Final = 3
_QUESTION_WORDS: Final = (
    r"what|whats|what's|how|does|do|is|are|can|could|will|would|where|which|should|i want|i need|"
    r"i'd like|id like|please"
)
_BREAK: Final = re.compile(rf"(?<=[.!?])\s+|\n+|,\s+(?=(?:{_QUESTION_WORDS})\b)", re.IGNORECASE)


def closing_sentence(text: str) -> str | None:
    """The last sentence of a message of several, when it is long enough to be a request."""
    parts = [part.strip() for part in _BREAK.split(text.strip()) if part.strip()]
    if len(parts) < 2:
        return None
    last = parts[-1]
    return last if len(last.split()) >= MIN_REQUEST_WORDS else None


def closing_request_wins(whole: str | None, closing: str | None, confidence: float) -> bool:
    """Whether the closing sentence's intent replaces the whole message's.

    Only a confident request does, and never over a crisis reading. The same request as the whole
    message's still wins: its confidence keeps an ambiguous whole reading from becoming a fallback.
    """
    return whole != CRISIS and closing in REQUEST_INTENTS and confidence >= REQUEST_CONFIDENCE
