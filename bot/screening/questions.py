"""The screening questions' wording, from the one source the chat asks them from (pure, no Rasa imports).

Each field's question is the chat's `utter_ask_<field>` response in data/responses/screening.yml (C-SSRS
wording for the safety questions), with its buttons as (form value, label) options; "I'd rather not say"
is left out (callers offer their own). The staff console reads the same questions to a caller, so the
chat and the phone screening cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.contracts import AFFIRM, DENY, INFORM, PREFER_NOT_SAY, payload
from bot.screening.engine import FIELDS

RESPONSES_PATH = Path(__file__).resolve().parents[2] / "data" / "responses" / "screening.yml"
ASK_PREFIX = "utter_ask_"

Option = tuple[str, str]
"""(form value, label): "true"/"false" for yes/no questions, else the engine value."""


class QuestionError(ValueError):
    """The screening responses lack a field's question or carry a button the form cannot read."""


@dataclass(frozen=True)
class Question:
    """One screening question as worded in the chat, with its answer options."""

    field: str
    text: str
    options: tuple[Option, ...]


def option_value(field: str, button: str) -> str | None:
    """A button payload as the field's form value; None for "I'd rather not say".

    `/affirm` and `/deny` are "true" and "false"; `/inform{"<field>": "<value>"}` is the value.
    Raises QuestionError for any other payload.
    """
    if button == payload(AFFIRM):
        return "true"
    if button == payload(DENY):
        return "false"
    if button == payload(PREFER_NOT_SAY):
        return None
    if button.startswith(payload(INFORM) + "{"):
        entities = json.loads(button[len(payload(INFORM)) :])
        if isinstance(entities, dict) and isinstance(entities.get(field), str):
            return str(entities[field])
    raise QuestionError(f"{ASK_PREFIX}{field}: unexpected button payload {button!r}")


def parse_questions(responses: dict[str, Any]) -> dict[str, Question]:
    """Every engine field's question from a `responses:` mapping (the first variation of each)."""
    questions: dict[str, Question] = {}
    for field in FIELDS:
        variations = responses.get(f"{ASK_PREFIX}{field}")
        if not isinstance(variations, list) or not variations or "text" not in variations[0]:
            raise QuestionError(f"no {ASK_PREFIX}{field} response with a text")
        first = variations[0]
        options: list[Option] = []
        for button in first.get("buttons") or []:
            value = option_value(field, str(button["payload"]))
            if value is not None:
                options.append((value, str(button["title"])))
        questions[field] = Question(field, str(first["text"]).strip(), tuple(options))
    return questions


@lru_cache(maxsize=1)
def load_questions(path: Path = RESPONSES_PATH) -> dict[str, Question]:
    """The screening questions, read once per process from the chat's responses."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return parse_questions((data or {}).get("responses") or {})
