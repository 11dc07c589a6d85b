"""Crisis resources render into conditional Rasa responses with exact numbers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from bot.safety.detector import CATEGORIES
from bot.safety.resources import ResourceError, render_crisis_responses

RESOURCES = Path(__file__).resolve().parents[2] / "content" / "crisis_resources.yml"
US = render_crisis_responses(RESOURCES, "US")
SUICIDE_LINES = ["call or text 988", "call 911", "text HOME to 741741", "dial 988 then press 1"]


def _by_category(responses: dict) -> dict[str | None, str]:
    out: dict[str | None, str] = {}
    for variation in responses["utter_crisis"]:
        conditions = variation.get("condition") or []
        key = conditions[0]["value"] if conditions else None
        out[key] = variation["text"]
    return out


def test_one_conditional_variation_per_category_and_one_default() -> None:
    variations = US["utter_crisis"]
    conditional = [v for v in variations if "condition" in v]
    assert [v["condition"] for v in conditional] == [
        [{"type": "slot", "name": "crisis_category", "value": c}] for c in CATEGORIES
    ]
    assert sum(1 for v in variations if "condition" not in v) == 1


@pytest.mark.parametrize(
    ("category", "first", "must_have"),
    [
        ("overdose", "911", ["Call 911 now", "1-800-662-4357"]),
        ("withdrawal", "911", ["Call 911 now", "seizures", "1-800-662-4357"]),
        ("abuse", "911", ["call 911", "1-800-799-7233"]),
        ("harm_to_others", "911", ["call 911", "call or text 988"]),
        ("suicide", "988", ["call or text 988", "call 911", "text HOME to 741741", "dial 988 then press 1"]),
        (
            "self_harm",
            "988",
            ["call or text 988", "call 911", "text HOME to 741741", "dial 988 then press 1"],
        ),
        (None, "911", ["call 911", "988lifeline.org", "741741", "1-800-662-4357", "1-800-799-7233"]),
    ],
)
def test_each_category_puts_the_right_number_first(
    category: str | None, first: str, must_have: list[str]
) -> None:
    text = _by_category(US)[category]
    numbers = re.findall(r"\b(911|988)\b", text)
    assert numbers and numbers[0] == first, text
    for phrase in must_have:
        assert phrase in text, (phrase, text)


def test_us_numbers_are_exact_and_nothing_is_left_unfilled() -> None:
    all_text = yaml.safe_dump(US)
    assert "{" not in "".join(v["text"] for vs in US.values() for v in vs)
    for exact in ("988lifeline.org", "press 2", "HOME to 741741", "1-800-662-4357", "1-800-799-7233"):
        assert exact in all_text
    # no look-alike or mistyped variants
    assert not re.search(r"1-800-273|800-662-HELP\b(?!.*4357)|74174[^1]", all_text)


def test_follow_up_responses_offer_safe_not_safe_and_a_person() -> None:
    payloads = [b["payload"] for b in US["utter_ask_safe_now"][0]["buttons"]]
    assert payloads == ["/affirm", "/deny", "/human_handoff"]
    assert "911" in US["utter_crisis_repeat"][0]["text"] and "988" in US["utter_crisis_repeat"][0]["text"]
    assert "/start_screening" in [b["payload"] for b in US["utter_safe_glad"][0]["buttons"]]


def test_canada_has_only_the_services_it_has() -> None:
    ca = _by_category(render_crisis_responses(RESOURCES, "ca"))
    assert "9-8-8 Suicide Crisis Helpline" in ca["suicide"] and "911" in ca["suicide"]
    for text in ca.values():
        assert "741741" not in text and "1-800" not in text and "press 1" not in text


def test_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(ResourceError, match="CRISIS_COUNTRY='XX'"):
        render_crisis_responses(RESOURCES, "XX")


def test_missing_category_reply_is_a_clear_error(tmp_path: Path) -> None:
    data = yaml.safe_load(RESOURCES.read_text(encoding="utf-8"))
    del data["categories"]["abuse"]
    path = tmp_path / "crisis_resources.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ResourceError, match="abuse"):
        render_crisis_responses(path, "US")


def test_unknown_placeholder_is_rejected(tmp_path: Path) -> None:
    data = yaml.safe_load(RESOURCES.read_text(encoding="utf-8"))
    data["repeat"] = "Call {hotline}"
    path = tmp_path / "crisis_resources.yml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ResourceError, match="placeholder"):
        render_crisis_responses(path, "US")
