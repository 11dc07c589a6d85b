"""The chat's hand-written responses that quote a helpline are rendered from content/ (issue 16).

content/helpline_responses.yml holds them with `{helpline:<key>}` references to the `helpline_texts`
of content/crisis_resources.yml; `python -m ops.content` fills them for CRISIS_COUNTRY. For the
default country (US) they must read exactly as they did when they were written in data/responses/.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.safety.resources import ResourceError, render_helpline_responses
from ops.content import RENDERERS, dump_responses, render_all

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "content" / "helpline_responses.yml"
RESOURCES = ROOT / "content" / "crisis_resources.yml"

# The texts as they were in data/responses/*.yml before they moved (byte for byte).
OLD_US_TEXTS = {
    "utter_greet": (
        "Hi, I'm the IOP assistant, an automated helper. I can answer questions about Intensive "
        "Outpatient Programs (IOP), help you think through which level of care may fit, and connect you "
        "with programs or a person.\n\nIf you are in danger right now, call 911. For a mental health "
        "crisis, call or text 988."
    ),
    "utter_goodbye": (
        "Take care. You can come back any time. If things get hard, you can call or text 988, day or night."
    ),
    "utter_acknowledge_need": (
        "Thank you for telling me. That sounds hard, and reaching out is a real step. I can help in a few "
        "ways: a few short questions to see which level of care may fit (about 3 minutes, not a "
        "diagnosis), programs near you, or a person to talk to.\n\nWould you like to start with the "
        "questions?\n\nIf you ever feel unsafe, you can call or text 988, any time."
    ),
    "utter_screening_stopped": (
        "Okay, I've stopped the screening. You can start it again any time by saying \"Is IOP right for "
        'me?". If you are in danger right now, call or text 988, or call 911.'
    ),
}
OLD_US_BUTTONS: dict[str, list[dict[str, str]]] = {
    "utter_greet": [
        {"title": "What is IOP?", "payload": "What is an intensive outpatient program?"},
        {"title": "Is IOP right for me?", "payload": "/start_screening"},
        {"title": "Talk to a person", "payload": "/human_handoff"},
    ],
    "utter_acknowledge_need": [
        {"title": "Yes, ask me the questions", "payload": "/start_screening"},
        {"title": "Programs near me", "payload": "/find_program"},
        {"title": "Talk to a person", "payload": "/human_handoff"},
    ],
}


def _hand_written() -> dict[str, Any]:
    responses: dict[str, Any] = {}
    for path in sorted((ROOT / "data" / "responses").glob("*.yml")):
        responses |= yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
    return responses


def test_us_responses_read_exactly_as_before() -> None:
    rendered = render_helpline_responses(TEMPLATES, RESOURCES, "US")
    assert sorted(rendered) == sorted(OLD_US_TEXTS)
    for name, text in OLD_US_TEXTS.items():
        expected: dict[str, Any] = {"text": text}
        if name in OLD_US_BUTTONS:
            expected["buttons"] = OLD_US_BUTTONS[name]
        assert rendered[name] == [expected], name


def test_rendered_file_round_trips_to_the_same_texts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CRISIS_COUNTRY", raising=False)
    monkeypatch.setattr("ops.content.crisis_country", lambda: "US")
    assert "helplines" in RENDERERS
    render_all(tmp_path)
    loaded = yaml.safe_load((tmp_path / "helplines.yml").read_text(encoding="utf-8"))["responses"]
    assert {name: variations[0]["text"] for name, variations in loaded.items()} == OLD_US_TEXTS
    assert yaml.safe_load(dump_responses(loaded))["responses"] == loaded


def test_the_moved_responses_are_no_longer_hand_written() -> None:
    assert not set(_hand_written()) & set(OLD_US_TEXTS)


def test_another_country_gets_its_own_numbers() -> None:
    us = render_helpline_responses(TEMPLATES, RESOURCES, "US")
    ca = render_helpline_responses(TEMPLATES, RESOURCES, "CA")
    countries = yaml.safe_load(RESOURCES.read_text(encoding="utf-8"))["countries"]
    ca_line, ca_emergency = countries["CA"]["crisis_line"]["en"], countries["CA"]["emergency"]
    assert ca_line in ca["utter_goodbye"][0]["text"]
    assert f"call {ca_emergency}" in ca["utter_greet"][0]["text"]
    assert ca["utter_greet"][0]["buttons"] == us["utter_greet"][0]["buttons"]


def test_another_countrys_numbers_are_the_ones_filled_in(tmp_path: Path) -> None:
    """A country whose numbers differ from the US's shows only its own in every moved response."""
    data = yaml.safe_load(RESOURCES.read_text(encoding="utf-8"))
    ca = data["countries"]["CA"]
    ca["emergency"] = "112"
    ca["crisis_line"]["en"] = "call 0800 111 0111"
    ca["resources"]["emergency"] = {"en": "Call 112.", "es": "Llama al 112."}
    ca.setdefault("numbers", {})["lifeline_988"] = "0800 111 0111"
    ca["resources"]["lifeline_988"] = {"en": "Line: 0800 111 0111.", "es": "Línea: 0800 111 0111."}
    path = tmp_path / "crisis_resources.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    rendered = render_helpline_responses(TEMPLATES, path, "CA")
    for name, variations in rendered.items():
        text = variations[0]["text"]
        assert "988" not in text and "911" not in text, (name, text)
        assert "0800 111 0111" in text, (name, text)
    assert "call 112" in rendered["utter_greet"][0]["text"]
    assert rendered["utter_screening_stopped"][0]["text"].endswith(
        "If you are in danger right now, call 0800 111 0111, or call 112."
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Call {helpline:no_such_text}.", "no_such_text"),
        ("Call 988.", "quotes a"),
    ],
)
def test_bad_templates_are_a_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "helpline_responses.yml"
    path.write_text(yaml.safe_dump({"responses": {"utter_x": [{"text": text}]}}), encoding="utf-8")
    with pytest.raises(ResourceError, match=message):
        render_helpline_responses(path, RESOURCES, "US")


def test_console_sentences_escape_to_the_old_html() -> None:
    from markupsafe import escape

    from bot.safety.net import helpline_text

    assert str(escape(helpline_text("console_protocol"))) == (
        "If the caller is in danger now, stop and follow the crisis protocol (911 / 988)."
    )
    assert str(escape(helpline_text("console_urgent"))) == (
        "Urgent: follow the crisis protocol now (988 Suicide &amp; Crisis Lifeline; 911 if in immediate "
        "danger)."
    )
