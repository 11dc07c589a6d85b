"""Crisis resources per deployment country, rendered into Rasa responses (no Rasa imports).

`render_crisis_responses(path, country)` returns `utter_crisis` (a conditional variation per
`crisis_category` slot value plus an unconditional full set), `utter_crisis_repeat`,
`utter_ask_safe_now` and `utter_safe_glad`. `bot/content.py` writes them to data/generated/crisis.yml.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.safety.detector import CATEGORIES

Responses = dict[str, list[dict[str, Any]]]
SLOT = "crisis_category"
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")


class ResourceError(ValueError):
    """crisis_resources.yml is incomplete or names an unknown country."""


def load_resources(path: Path) -> dict[str, Any]:
    """Parse crisis_resources.yml and check its shape."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("countries"), dict):
        raise ResourceError(f"{path}: expected a mapping with 'countries'")
    missing = [c for c in CATEGORIES if c not in (data.get("categories") or {})]
    if missing:
        raise ResourceError(f"{path}: no reply for categories {missing}")
    for key in ("default", "repeat", "ask_safe_now", "safe_glad", "closing"):
        if key not in data:
            raise ResourceError(f"{path}: missing '{key}'")
    return data


def _fill(text: str, country: dict[str, Any]) -> str:
    filled = text.replace("{emergency}", str(country["emergency"]))
    if _PLACEHOLDER.search(filled):
        raise ResourceError(f"unknown placeholder in {text!r}")
    return filled


def crisis_text(data: dict[str, Any], country: dict[str, Any], category: str | None) -> str:
    """The crisis message for one category (None: the full default set)."""
    spec = data["categories"][category] if category else data["default"]
    lines = [_fill(spec["lead"], country)]
    for resource_id in spec["resources"]:
        if resource_id in country["resources"]:
            lines.append("- " + _fill(country["resources"][resource_id], country))
    if category and "emergency" not in spec["resources"] and "{emergency}" not in spec["lead"]:
        lines.append("- " + _fill(country["resources"]["emergency"], country))
    lines.append(_fill(data["closing"], country))
    return "\n".join(lines)


def _country(data: dict[str, Any], code: str) -> dict[str, Any]:
    code = (code or data.get("default_country") or "US").strip().upper()
    if code not in data["countries"]:
        known = ", ".join(sorted(data["countries"]))
        raise ResourceError(f"CRISIS_COUNTRY={code!r} has no crisis resources (known: {known})")
    country = data["countries"][code]
    if "emergency" not in country or "emergency" not in country.get("resources", {}):
        raise ResourceError(f"country {code} needs an emergency number and an 'emergency' resource")
    return dict(country)


def render_crisis_responses(path: Path, country: str = "US") -> Responses:
    """Rasa responses for the crisis flow in `country`'s resources."""
    data = load_resources(path)
    where = _country(data, country)
    variations: list[dict[str, Any]] = [
        {
            "condition": [{"type": "slot", "name": SLOT, "value": category}],
            "text": crisis_text(data, where, category),
        }
        for category in CATEGORIES
    ]
    variations.append({"text": crisis_text(data, where, None)})
    return {
        "utter_crisis": variations,
        "utter_ask_safe_now": [
            {
                "text": _fill(data["ask_safe_now"], where),
                "buttons": [
                    {"title": "I'm safe right now", "payload": "/affirm"},
                    {"title": "I'm not safe", "payload": "/deny"},
                    {"title": "Talk to a person", "payload": "/human_handoff"},
                ],
            }
        ],
        "utter_crisis_repeat": [{"text": _fill(data["repeat"], where)}],
        "utter_safe_glad": [
            {
                "text": _fill(data["safe_glad"], where),
                "buttons": [
                    {"title": "Continue the questions", "payload": "/start_screening"},
                    {"title": "Talk to a person", "payload": "/human_handoff"},
                ],
            }
        ],
    }
