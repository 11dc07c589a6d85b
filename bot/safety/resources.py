"""Crisis resources per country, situation and language, rendered into Rasa responses (no Rasa imports).

`crisis_message(data, country, category, detail, language)` is the one crisis text for a situation.
`render_crisis_responses(path, country)` renders it into `utter_crisis`: a conditional variation per
(crisis_category, crisis_detail, crisis_language) that names all three slots, so exactly one matches
when the slots are set, plus an unconditional English full set for unset slots. The channel safety net
(`bot.safety.net`) calls the same function, so the two cannot drift. The follow-ups
(`utter_ask_safe_now`, `utter_crisis_repeat`, `utter_safe_glad`) have an unconditional English
variation and a Spanish one conditioned on `crisis_language: es`. `ops/content.py` writes them all to
data/generated/crisis.yml. `render_helpline_responses` fills the chat's hand-written responses that
quote a helpline (content/helpline_responses.yml) with `helpline_texts` (data/generated/helplines.yml).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.contracts import (
    AFFIRM,
    CRISIS_CATEGORY,
    CRISIS_DETAIL,
    CRISIS_LANGUAGE,
    DENY,
    HUMAN_HANDOFF,
    START_SCREENING,
    UTTER_ASK_SAFE_NOW,
    UTTER_CRISIS,
    UTTER_CRISIS_REPEAT,
    UTTER_SAFE_GLAD,
    UTTER_SAFETY_CHECK_IN,
    payload,
)
from bot.safety.detector import CATEGORIES

Responses = dict[str, list[dict[str, Any]]]
CATEGORY_SLOT = CRISIS_CATEGORY
DETAIL_SLOT = CRISIS_DETAIL
LANGUAGE_SLOT = CRISIS_LANGUAGE
NO_DETAIL = "none"
DETAILS = (NO_DETAIL, "child_abuse", "sexual_assault", "domestic_violence")
LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
BUTTON_PAYLOADS = {
    "safe": payload(AFFIRM),
    "not_safe": payload(DENY),
    "person": payload(HUMAN_HANDOFF),
    "continue": payload(START_SCREENING),
}
ASK_SAFE_BUTTONS = ("safe", "not_safe", "person")
SAFE_GLAD_BUTTONS = ("continue", "person")
REPEAT_BUTTONS = ("person",)
_TEXTS = ("closing", "repeat", "ask_safe_now", "safe_glad", "check_in")
HELPLINE_TEXTS = (
    "screening_emergency",
    "screening_withdrawal",
    "screening_next_steps",
    "search_emergency",
    "search_elsewhere",
    "handoff_helplines",
    "callback_meanwhile",
    "greeting_danger",
    "goodbye_helpline",
    "feelings_unsafe",
    "screening_stopped_danger",
    "console_protocol",
    "console_urgent",
    "web_crisis_note",
)
"""The `helpline_texts` other replies quote (bot.screening.messages, bot.referral, the chat's
hand-written responses in content/helpline_responses.yml, the staff console, the demo web page)."""
_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_HELPLINE_REF = re.compile(r"\{helpline:([a-z0-9_]+)\}")


class ResourceError(ValueError):
    """crisis_resources.yml is incomplete or names an unknown country."""


# ----------------------------------------------------------------------------- loading


def _check_languages(where: str, value: Any, required: bool = True) -> None:
    """`value` maps languages to non-empty strings: every language when `required`, else a subset."""
    if not isinstance(value, dict) or not value:
        raise ResourceError(f"{where}: expected a text per language {list(LANGUAGES)}")
    unknown = sorted(set(value) - set(LANGUAGES))
    missing = [lang for lang in LANGUAGES if lang not in value] if required else []
    if unknown or missing:
        raise ResourceError(f"{where}: unknown languages {unknown}, missing {missing}")
    for lang, text in value.items():
        if not isinstance(text, str) or not text.strip():
            raise ResourceError(f"{where}.{lang}: empty text")


def _check_ids(where: str, ids: Any, known: set[str]) -> None:
    if not isinstance(ids, list) or not all(isinstance(i, str) for i in ids):
        raise ResourceError(f"{where}: expected a list of resource ids")
    unknown = sorted(set(ids) - known)
    if unknown:
        raise ResourceError(f"{where}: unknown resources {unknown}")


def _check_details(where: str, details: Any) -> dict[str, Any]:
    details = details or {}
    if not isinstance(details, dict):
        raise ResourceError(f"{where}: expected a mapping of crisis details")
    unknown = sorted(set(details) - set(DETAILS[1:]))
    if unknown:
        raise ResourceError(f"{where}: unknown crisis details {unknown} (known: {list(DETAILS[1:])})")
    return details


def _check_shape(data: dict[str, Any], path: Path) -> None:
    known: set[str] = set()
    for code, country in data["countries"].items():
        where = f"{path}: countries.{code}"
        if not isinstance(country, dict) or not str(country.get("emergency") or "").strip():
            raise ResourceError(f"{where}: needs an emergency number")
        _check_languages(f"{where}.crisis_line", country.get("crisis_line"))
        resources = country.get("resources")
        if not isinstance(resources, dict) or "emergency" not in resources:
            raise ResourceError(f"{where}: needs an 'emergency' resource")
        _check_languages(f"{where}.resources.emergency", resources["emergency"])
        for resource_id, texts in resources.items():
            _check_languages(f"{where}.resources.{resource_id}", texts, required=False)
        known |= set(resources)
    categories = data.get("categories") or {}
    missing = [c for c in CATEGORIES if c not in categories]
    if missing:
        raise ResourceError(f"{path}: no reply for categories {missing}")
    specs = {f"categories.{c}": categories[c] for c in CATEGORIES} | {"default": data.get("default")}
    for name, spec in specs.items():
        if not isinstance(spec, dict):
            raise ResourceError(f"{path}: missing '{name}'")
        _check_languages(f"{path}: {name}.lead", spec.get("lead"))
        _check_ids(f"{path}: {name}.resources", spec.get("resources"), known)
        for detail, override in _check_details(f"{path}: {name}.details", spec.get("details")).items():
            if "lead" in override:
                _check_languages(f"{path}: {name}.details.{detail}.lead", override["lead"])
            _check_ids(f"{path}: {name}.details.{detail}.resources", override.get("resources"), known)
    for detail, ids in _check_details(f"{path}: details", data.get("details")).items():
        _check_ids(f"{path}: details.{detail}", ids, known)
    for key in _TEXTS:
        if key not in data:
            raise ResourceError(f"{path}: missing '{key}'")
        _check_languages(f"{path}: {key}", data[key])
    buttons = data.get("buttons") or {}
    for button in BUTTON_PAYLOADS:
        _check_languages(f"{path}: buttons.{button}", buttons.get(button))
    _check_numbers(data, path)
    texts = data.get("helpline_texts")
    if not isinstance(texts, dict) or sorted(texts) != sorted(HELPLINE_TEXTS):
        raise ResourceError(f"{path}: helpline_texts needs exactly {list(HELPLINE_TEXTS)}")
    for key in HELPLINE_TEXTS:
        helpline_text(data, key)  # every placeholder known for the default country


def _check_numbers(data: dict[str, Any], path: Path) -> None:
    """A country's `numbers` name its resources, and each number is written in that resource's texts."""
    for code, country in data["countries"].items():
        numbers = country.get("numbers") or {}
        if not isinstance(numbers, dict):
            raise ResourceError(f"{path}: countries.{code}.numbers: expected a mapping of resource ids")
        for resource_id, number in numbers.items():
            texts = country["resources"].get(resource_id)
            if not isinstance(number, str) or not number.strip() or not texts:
                raise ResourceError(f"{path}: countries.{code}.numbers.{resource_id}: no such resource")
            if not all(number in text for text in texts.values()):
                raise ResourceError(
                    f"{path}: countries.{code}.numbers.{resource_id}: {number} is not in the resource's texts"
                )


def load_resources(path: Path) -> dict[str, Any]:
    """Parse crisis_resources.yml and check its shape (every text in every language)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("countries"), dict):
        raise ResourceError(f"{path}: expected a mapping with 'countries'")
    _check_shape(data, path)
    return data


def country_resources(data: dict[str, Any], code: str | None) -> dict[str, Any]:
    """The country entry for `code` (empty: the file's default country)."""
    code = (code or data.get("default_country") or "US").strip().upper()
    if code not in data["countries"]:
        known = ", ".join(sorted(data["countries"]))
        raise ResourceError(f"CRISIS_COUNTRY={code!r} has no crisis resources (known: {known})")
    return dict(data["countries"][code])


# ----------------------------------------------------------------------------- messages


def _fill(text: str, country: dict[str, Any], language: str) -> str:
    filled = text.replace("{emergency}", str(country["emergency"]))
    filled = filled.replace("{crisis_line}", country["crisis_line"][language])
    if _PLACEHOLDER.search(filled):
        raise ResourceError(f"unknown placeholder in {text!r}")
    return filled


def reply_plan(
    data: dict[str, Any], category: str | None, detail: str = NO_DETAIL
) -> tuple[dict[str, str], list[str]]:
    """(lead per language, resource ids in order) for a situation; unknown values fall back safely.

    An unknown or missing category gets the full default set; a category's own entry for `detail`
    replaces its reply; otherwise the detail's services follow the category's own.
    """
    spec = data["categories"][category] if category in CATEGORIES else data["default"]
    override = (spec.get("details") or {}).get(detail)
    if override is not None:
        lead, ids = override.get("lead", spec["lead"]), list(override["resources"])
    else:
        lead, ids = spec["lead"], list(spec["resources"]) + list((data.get("details") or {}).get(detail, []))
    return lead, list(dict.fromkeys(ids))


def crisis_message(
    data: dict[str, Any],
    country: str | None,
    category: str | None,
    detail: str = NO_DETAIL,
    language: str = DEFAULT_LANGUAGE,
) -> str:
    """The crisis reply for a situation in `country` (a code), in `language` (unknown: English)."""
    where = country_resources(data, country)
    language = language if language in LANGUAGES else DEFAULT_LANGUAGE
    lead, ids = reply_plan(data, category, detail)
    lines = [_fill(lead[language], where, language)]
    for resource_id in ids:
        text = where["resources"].get(resource_id, {}).get(language)
        if text:
            lines.append("- " + _fill(text, where, language))
    if category in CATEGORIES and "emergency" not in ids and "{emergency}" not in lead[language]:
        lines.append("- " + _fill(where["resources"]["emergency"][language], where, language))
    lines.append(_fill(data["closing"][language], where, language))
    return "\n".join(lines)


def helpline_text(data: dict[str, Any], key: str, country: str | None = None) -> str:
    """A `helpline_texts` sentence with `country`'s numbers (default: the file's default country)."""
    where = country_resources(data, country)
    text = str(data["helpline_texts"][key])
    for resource_id, number in (where.get("numbers") or {}).items():
        text = text.replace("{" + resource_id + "}", str(number))
    return _fill(text, where, DEFAULT_LANGUAGE)


# ----------------------------------------------------------------------------- Rasa responses


def _conditions(category: str, detail: str, language: str) -> list[dict[str, str]]:
    return [
        {"type": "slot", "name": CATEGORY_SLOT, "value": category},
        {"type": "slot", "name": DETAIL_SLOT, "value": detail},
        {"type": "slot", "name": LANGUAGE_SLOT, "value": language},
    ]


def _follow_up(
    data: dict[str, Any], where: dict[str, Any], key: str, buttons: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """English unconditionally, every other language conditioned on crisis_language."""
    variations: list[dict[str, Any]] = []
    for language in LANGUAGES:
        variation: dict[str, Any] = {"text": _fill(data[key][language], where, language)}
        if buttons:
            variation["buttons"] = [
                {"title": data["buttons"][b][language], "payload": BUTTON_PAYLOADS[b]} for b in buttons
            ]
        if language != DEFAULT_LANGUAGE:
            condition = [{"type": "slot", "name": LANGUAGE_SLOT, "value": language}]
            variation = {"condition": condition} | variation
        variations.append(variation)
    return variations


def render_crisis_responses(path: Path, country: str = "US") -> Responses:
    """Rasa responses for the crisis flow in `country`'s resources, in every language."""
    data = load_resources(path)
    where = country_resources(data, country)
    variations: list[dict[str, Any]] = [
        {
            "condition": _conditions(category, detail, language),
            "text": crisis_message(data, country, category, detail, language),
        }
        for language in LANGUAGES
        for category in CATEGORIES
        for detail in DETAILS
    ]
    variations.append({"text": crisis_message(data, country, None)})
    return {
        UTTER_CRISIS: variations,
        UTTER_ASK_SAFE_NOW: _follow_up(data, where, "ask_safe_now", ASK_SAFE_BUTTONS),
        UTTER_CRISIS_REPEAT: _follow_up(data, where, "repeat", REPEAT_BUTTONS),
        UTTER_SAFE_GLAD: _follow_up(data, where, "safe_glad", SAFE_GLAD_BUTTONS),
        # After a few minutes of silence following the crisis reply (a reminder from
        # action_record_escalation): the numbers again and the same question.
        UTTER_SAFETY_CHECK_IN: _follow_up(data, where, "check_in", ASK_SAFE_BUTTONS),
    }


def render_helpline_responses(path: Path, resources_path: Path, country: str = "US") -> Responses:
    """The hand-written responses in `path` with each `{helpline:<key>}` filled for `country`.

    `path` (content/helpline_responses.yml) holds Rasa responses whose texts quote `helpline_texts`
    sentences of `resources_path`; every other field of a variation is kept as written. A response
    that quotes no helpline, or an unknown key, is an error.
    """
    data = load_resources(resources_path)
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    responses = spec.get("responses") if isinstance(spec, dict) else None
    if not isinstance(responses, dict) or not responses:
        raise ResourceError(f"{path}: expected a mapping with 'responses'")

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in HELPLINE_TEXTS:
            raise ResourceError(f"{path}: unknown helpline text {{helpline:{key}}}")
        return helpline_text(data, key, country)

    rendered: Responses = {}
    for name, variations in responses.items():
        if not isinstance(variations, list) or not variations:
            raise ResourceError(f"{path}: {name}: expected a list of variations")
        out = []
        for variation in variations:
            text = variation.get("text") if isinstance(variation, dict) else None
            if not isinstance(text, str) or not _HELPLINE_REF.search(text):
                raise ResourceError(f"{path}: {name}: each variation's text quotes a {{helpline:<key>}}")
            out.append({**variation, "text": _HELPLINE_REF.sub(fill, text)})
        rendered[str(name)] = out
    return rendered
