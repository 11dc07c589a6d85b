"""Reading the answer to "Are you safe right now?" (pure; the safety guard policy uses it).

Asked right after a crisis reply, the question gets short, loose answers: "yes", "no I'm fine", "not
really", "idk". A general yes/no classifier reads "no I'm fine" as a no; here the reading is specific:
words of being fine or safe win over a leading "no", any doubt counts as not safe, and anything else
is left to the rest of the assistant (None). Never diagnostic: it only chooses which message follows.
"""

from __future__ import annotations

import re
import unicodedata

SAFE = "safe"
NOT_SAFE = "not_safe"
UNSURE = "unsure"

_WORD = re.compile(r"[a-z']+")
_UNSURE = re.compile(
    r"\b(i don'?t know|idk|dunno|not sure|unsure|maybe|kind of|kinda|sort of|i guess|hard to say|"
    r"no se|tal vez|quizas|i think so|i hope so|not really sure)\b"
)
_NEGATED_SAFE = re.compile(
    r"(\bnot|n't|\bno longer|\bnever)\s+(feel(ing)?\s+|really\s+|so\s+|very\s+)?"
    r"(safe|fine|ok|okay|alright|good|great|well)\b"
)
_DANGER = re.compile(
    r"\b(unsafe|in danger|help me|need help|not really|not at all|no estoy bien|scared|afraid)\b"
)
_SAFE_WORDS = frozenset(
    "safe fine ok okay alright good better calm calmer managing yes yeah yep yup ya yea si bien tranquilo "
    "tranquila".split()
)
_NO = frozenset({"no", "nope", "nah", "not", "nop"})
_FAREWELL = frozenset("bye goodbye byebye cya later gtg night goodnight nite adios chao".split())
_STRONG_SAFE = frozenset("safe fine better alright calm calmer managing bien tranquilo tranquila".split())
"""A leave-taking ("ok bye", "night") is no answer that the person is safe unless one of these is said."""
_SHORT_WORDS = 6
"""Doubt said in passing after the safety reply is short; longer messages bring a subject of their own."""
_OTHER_SUBJECT = re.compile(r"\b(how|what|when|where|which|if|whether)\b")
"""After "i dont know", a question word brings a subject of its own ("i dont know what it costs")."""
_DENIAL_OF_DANGER = re.compile(
    r"\b(not|won't|wont|n't|never)\b.{0,20}\b(going to|gonna|do anything|hurt myself|in danger)\b"
)


def _plain(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
    return " ".join("".join(ch for ch in folded if unicodedata.category(ch) != "Mn").split())


def read_safety_answer(text: str) -> str | None:
    """SAFE, NOT_SAFE, UNSURE, or None when the message does not answer the question.

    Doubt first ("I don't know", "maybe"), then being not safe ("not really", "I don't feel safe"),
    then a leave-taking without a word of being safe ("ok bye": unsure, so the resources stay in view),
    then being safe ("yes", "no I'm fine", "I'm not going to do anything"); a bare "no" is not safe.
    """
    plain = _plain(text or "")
    words = _WORD.findall(plain)
    if not words:
        return None
    if _UNSURE.search(plain):
        return UNSURE
    if _NEGATED_SAFE.search(plain) or _DANGER.search(plain):
        return NOT_SAFE
    if _FAREWELL & set(words) and not _STRONG_SAFE & set(words):
        return UNSURE
    if _SAFE_WORDS & set(words) or _DENIAL_OF_DANGER.search(plain):
        return SAFE
    if words[0] in _NO and len(words) <= 3:
        return NOT_SAFE
    return None


def still_doubts_safety(text: str) -> bool:
    """Doubt or danger said in words right after the safety reply ("i dont know", "not really").

    The question has been answered, so only a short message that is all doubt counts: a bare "no"
    (to "we can carry on, or I can connect you with a person"), a leave-taking, or a question of its
    own ("i dont know how much it costs") is left to the rest of the assistant.
    """
    plain = _plain(text or "")
    words = _WORD.findall(plain)
    if not words or len(words) > _SHORT_WORDS or "?" in plain:
        return False
    if _UNSURE.search(plain):
        return not _FAREWELL & set(words) and not _OTHER_SUBJECT.search(plain)
    return bool(_NEGATED_SAFE.search(plain) or _DANGER.search(plain))
