"""bot/contracts.py names only what the domain really has (a typo there would silently match nothing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot import contracts
from bot.safety.resources import render_crisis_responses

ROOT = Path(__file__).resolve().parents[2]


def _domain() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def _responses() -> set[str]:
    names = set(render_crisis_responses(ROOT / "content" / "crisis_resources.yml"))
    for path in (ROOT / "data" / "responses").glob("*.yml"):
        names |= set(yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {})
    return names


def _retrieval_intents() -> set[str]:
    data = yaml.safe_load((ROOT / "data" / "nlu" / "faq.yml").read_text(encoding="utf-8"))
    return {
        str(block["intent"]).split("/")[0] for block in data["nlu"] if "/" in str(block.get("intent", ""))
    }


def _names(prefix: str = "") -> dict[str, str]:
    return {
        key: value
        for key, value in vars(contracts).items()
        if key.isupper() and isinstance(value, str) and key.startswith(prefix)
    }


def test_every_name_is_in_the_domain() -> None:
    domain = _domain()
    known = (
        set(domain["intents"])
        | set(domain["entities"])
        | set(domain["slots"])
        | set(domain["forms"])
        | set(domain["actions"])
        | _responses()
        | {contracts.REQUESTED_SLOT}  # Rasa's own slot
        | _retrieval_intents()  # Rasa adds them to the domain from the training data
    )
    missing = {key: value for key, value in _names().items() if value not in known}
    assert missing == {}


def test_kinds_are_where_their_prefix_says() -> None:
    domain = _domain()
    assert set(_names("UTTER_").values()) <= _responses()
    assert set(_names("ACTION_").values()) <= set(domain["actions"])
    assert {contracts.SCREENING_FORM, contracts.CALLBACK_FORM} == set(domain["forms"]) == contracts.FORMS
    intents = [contracts.CRISIS, contracts.FIND_PROGRAM, contracts.HUMAN_HANDOFF, contracts.START_SCREENING]
    assert set(intents) <= set(domain["intents"])
    slots = [contracts.SCREENING_LEVEL, contracts.SCREENING_FLAGS, contracts.ZIP_CODE]
    slots.append(contracts.CRISIS_CATEGORY)
    assert set(slots) <= set(domain["slots"])
