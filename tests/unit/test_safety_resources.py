"""Crisis resources render into mutually exclusive Rasa responses with exact, situation-fitting numbers."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.safety.detector import CATEGORIES
from bot.safety.resources import (
    DETAILS,
    HELPLINE_TEXTS,
    LANGUAGES,
    ResourceError,
    crisis_message,
    helpline_text,
    load_resources,
    render_crisis_responses,
)

RESOURCES = Path(__file__).resolve().parents[2] / "content" / "crisis_resources.yml"
DATA = load_resources(RESOURCES)
COUNTRIES = sorted(DATA["countries"])
RENDERED = {country: render_crisis_responses(RESOURCES, country) for country in COUNTRIES}
US = RENDERED["US"]
SLOTS = ("crisis_category", "crisis_detail", "crisis_language")
# Every number or short code a crisis text may contain; anything else is a typo.
KNOWN_NUMBERS = {
    "911", "988", "741741", "686868", "88788",
    "1-800-662-4357", "1-800-222-1222", "1-800-799-7233", "1-800-422-4453", "1-800-656-4673",
}  # fmt: skip
NUMBER = re.compile(r"\d[\d-]*\d|\d")


def _matches(variation: dict[str, Any], slots: dict[str, str | None]) -> bool:
    """Rasa 3.6's rule (ResponseVariationFilter._matches_filled_slots): casefolded equality."""
    for condition in variation.get("condition") or []:
        value = slots.get(condition["name"])
        if not isinstance(value, str) or value.casefold() != str(condition["value"]).casefold():
            return False
    return True


def _chosen(responses: list[dict[str, Any]], slots: dict[str, str | None]) -> list[dict[str, Any]]:
    """The variations Rasa picks among: matching conditional ones, else the unconditional ones."""
    conditional = [v for v in responses if v.get("condition") and _matches(v, slots)]
    return conditional or [v for v in responses if not v.get("condition")]


def _texts(responses: dict[str, list[dict[str, Any]]]) -> list[str]:
    return [v["text"] for variations in responses.values() for v in variations]


def _spanish(responses: dict[str, list[dict[str, Any]]]) -> list[str]:
    return [
        v["text"]
        for variations in responses.values()
        for v in variations
        if {"name": "crisis_language", "type": "slot", "value": "es"} in (v.get("condition") or [])
    ]


# ----------------------------------------------------------------------------- shape


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_combination_renders_for_every_country(country: str) -> None:
    responses = RENDERED[country]
    conditional = [v for v in responses["utter_crisis"] if "condition" in v]
    assert len(conditional) == len(CATEGORIES) * len(DETAILS) * len(LANGUAGES)
    assert sum(1 for v in responses["utter_crisis"] if "condition" not in v) == 1
    for category, detail, language in itertools.product(CATEGORIES, DETAILS, LANGUAGES):
        text = crisis_message(DATA, country, category, detail, language)
        assert text and "{" not in text and "}" not in text
        assert text.splitlines()[-1] == DATA["closing"][language]
        assert any(v["text"] == text for v in conditional), (category, detail, language)
    for text in _texts(responses):
        assert "{" not in text and text.strip() == text


def test_every_conditional_crisis_variation_names_all_three_slots() -> None:
    for variation in US["utter_crisis"]:
        if "condition" in variation:
            assert [c["name"] for c in variation["condition"]] == list(SLOTS)
            assert all(c["type"] == "slot" for c in variation["condition"])


@pytest.mark.parametrize("country", COUNTRIES)
def test_exactly_one_variation_for_every_slot_assignment(country: str) -> None:
    """Set slots: exactly one conditional variation; any slot unset: only the unconditional one."""
    crisis = RENDERED[country]["utter_crisis"]
    fallback = [v for v in crisis if "condition" not in v]
    for category, detail, language in itertools.product(
        (*CATEGORIES, None), (*DETAILS, None), (*LANGUAGES, None)
    ):
        slots = dict(zip(SLOTS, (category, detail, language), strict=True))
        chosen = _chosen(crisis, slots)
        if None in (category, detail, language):
            assert chosen == fallback, slots
        else:
            assert len(chosen) == 1 and chosen[0].get("condition"), slots
            assert chosen[0]["text"] == crisis_message(DATA, country, category, detail, language)


@pytest.mark.parametrize("response", ["utter_ask_safe_now", "utter_crisis_repeat", "utter_safe_glad"])
def test_follow_ups_have_one_variation_per_language(response: str) -> None:
    variations = US[response]
    english = [v for v in variations if "condition" not in v]
    assert len(english) == 1
    for language in (None, "en", "es", "fr"):
        chosen = _chosen(variations, {"crisis_language": language})
        assert len(chosen) == 1
        assert (chosen[0] is english[0]) == (language != "es")


def test_unconditional_crisis_fallback_is_the_full_english_set() -> None:
    fallback = next(v["text"] for v in US["utter_crisis"] if "condition" not in v)
    assert fallback == crisis_message(DATA, "US", None)
    for exact in ("call 911", "988lifeline.org", "741741", "1-800-662-4357", "1-800-799-7233"):
        assert exact in fallback


# ----------------------------------------------------------------------------- numbers per situation


def _us(category: str, detail: str = "none", language: str = "en") -> str:
    return crisis_message(DATA, "US", category, detail, language)


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
    ],
)
def test_each_category_puts_the_right_number_first(category: str, first: str, must_have: list[str]) -> None:
    text = _us(category)
    numbers = re.findall(r"\b(911|988)\b", text)
    assert numbers and numbers[0] == first, text
    for phrase in must_have:
        assert phrase in text, (phrase, text)


@pytest.mark.parametrize("detail", DETAILS)
def test_overdose_gives_poison_control_and_naloxone_steps(detail: str) -> None:
    english, spanish = _us("overdose", detail), _us("overdose", detail, "es")
    for phrase in ("Call 911 now", "naloxone (Narcan)", "on their side", "stay with them", "1-800-222-1222"):
        assert phrase in english
    for phrase in ("Llama al 911 ahora", "naloxona (Narcan)", "de costado", "quédate con ella"):
        assert phrase in spanish
    assert "1-800-222-1222" in spanish
    assert english.index("911") < english.index("naloxone") < english.index("1-800-222-1222")


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_detail_adds_its_service_to_every_category(category: str) -> None:
    assert "call 1-800-799-7233 or text START to 88788" in _us(category, "domestic_violence")
    assert "1-800-799-7233" in _us(category, "domestic_violence", "es")
    assert "START por mensaje de texto al 88788" in _us(category, "domestic_violence", "es")
    assert "call or text 1-800-422-4453" in _us(category, "child_abuse")
    assert "1-800-422-4453" in _us(category, "child_abuse", "es")
    assert "RAINN National Sexual Assault Hotline: 1-800-656-4673" in _us(category, "sexual_assault")
    for detail in DETAILS:
        for language in LANGUAGES:
            assert "911" in _us(category, detail, language)
    if category != "abuse":
        assert "1-800-422-4453" not in _us(category) and "1-800-656-4673" not in _us(category)


def test_abuse_replies_lead_with_the_service_for_the_situation() -> None:
    def services(text: str) -> list[str]:
        return re.findall(r"1-800-\d{3}-\d{4}", text)

    assert services(_us("abuse")) == ["1-800-799-7233"]
    assert services(_us("abuse", "domestic_violence")) == ["1-800-799-7233"]
    assert services(_us("abuse", "child_abuse")) == ["1-800-422-4453", "1-800-799-7233"]
    assert services(_us("abuse", "sexual_assault")) == ["1-800-656-4673"]
    for detail in ("child_abuse", "sexual_assault"):
        assert "not your fault" in _us("abuse", detail)


@pytest.mark.parametrize(("category", "detail"), itertools.product(CATEGORIES, DETAILS))
def test_every_spanish_reply_has_988_in_spanish_and_911(category: str, detail: str) -> None:
    text = _us(category, detail, "es")
    assert "llama al 988 y marca el 2" in text and "envía AYUDA por mensaje de texto al 988" in text
    assert "911" in text


@pytest.mark.parametrize("country", COUNTRIES)
def test_every_number_in_every_text_is_a_known_exact_number(country: str) -> None:
    for text in _texts(RENDERED[country]):
        cleaned = text.replace("24/7", "").replace("9-8-8", "988")
        unknown = set(NUMBER.findall(cleaned)) - KNOWN_NUMBERS - {"1", "2"}
        assert not unknown, (unknown, text)
    for text in _texts(US):
        assert "1-800-273" not in text and "800-662-HELP" not in text


# ----------------------------------------------------------------------------- languages


ENGLISH_WORDS = {"you", "your", "the", "call", "text", "if", "now", "please", "and", "or", "to", "with"}


@pytest.mark.parametrize("country", COUNTRIES)
def test_spanish_variations_contain_no_english_sentence(country: str) -> None:
    responses = RENDERED[country]
    english = [t for t in _texts(responses) if t not in _spanish(responses)]
    sentences = {
        s.strip(" -")
        for text in english
        for s in re.split(r"(?<=[.:;?!])\s+|\n", text)
        if len(s.strip(" -")) > 12
    }
    spanish = _spanish(responses)
    follow_ups = ("utter_ask_safe_now", "utter_crisis_repeat", "utter_safe_glad", "utter_safety_check_in")
    assert len(spanish) == len(CATEGORIES) * len(DETAILS) + len(follow_ups)
    for text in spanish:
        assert not [s for s in sentences if s in text], text
        words = set(re.findall(r"[a-záéíóúñ]+", text.lower()))
        assert not words & ENGLISH_WORDS, (words & ENGLISH_WORDS, text)


def test_spanish_replies_list_only_services_confirmed_in_spanish() -> None:
    spanish = "\n".join(_spanish(US))
    for english_only in ("741741", "press 1", "1-800-656-4673"):
        assert english_only not in spanish


def test_unknown_values_fall_back_safely() -> None:
    assert crisis_message(DATA, "US", "suicide", "none", "fr") == _us("suicide")
    assert crisis_message(DATA, "US", "suicide", "unheard_of") == _us("suicide")
    assert crisis_message(DATA, "US", "unheard_of") == crisis_message(DATA, "US", None)
    assert crisis_message(DATA, "us", "suicide") == _us("suicide")


# ----------------------------------------------------------------------------- follow-ups


def test_follow_up_responses_offer_safe_not_safe_and_a_person_in_both_languages() -> None:
    for variation in US["utter_ask_safe_now"]:
        assert [b["payload"] for b in variation["buttons"]] == ["/affirm", "/deny", "/human_handoff"]
    for variation in US["utter_safe_glad"]:
        assert [b["payload"] for b in variation["buttons"]] == ["/start_screening", "/human_handoff"]
    english_glad = next(v["text"] for v in US["utter_safe_glad"] if "condition" not in v)
    assert "call or text 988" in english_glad and "call 911" in english_glad and "a person" in english_glad
    for response in ("utter_crisis_repeat", "utter_safe_glad"):
        for variation in US[response]:
            assert "911" in variation["text"] and "988" in variation["text"]
    spanish_repeat = US["utter_crisis_repeat"][1]["text"]
    assert "llamar al 988 y marcar el 2" in spanish_repeat and "AYUDA" in spanish_repeat
    assert US["utter_ask_safe_now"][1]["buttons"][0]["title"] == "Estoy a salvo ahora"


def test_canada_has_only_the_services_it_has() -> None:
    ca = RENDERED["CA"]
    assert "9-8-8 Suicide Crisis Helpline" in crisis_message(DATA, "CA", "suicide")
    assert "text CONNECT to 686868" in crisis_message(DATA, "CA", "abuse", "child_abuse")
    for text in _texts(ca):
        for us_only in ("741741", "1-800", "press 1", "marca el 2", "marcar el 2", "AYUDA"):
            assert us_only not in text, (us_only, text)


# ----------------------------------------------------------------------------- errors


def _write(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(RESOURCES.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "crisis_resources.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_unknown_country_is_a_clear_error() -> None:
    with pytest.raises(ResourceError, match="CRISIS_COUNTRY='XX'"):
        render_crisis_responses(RESOURCES, "XX")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["categories"].pop("abuse"), "abuse"),
        (lambda d: d["categories"]["suicide"]["lead"].pop("es"), r"suicide.lead.*missing \['es'\]"),
        (lambda d: d["categories"]["suicide"]["resources"].append("hotlline"), "hotlline"),
        (lambda d: d["details"].update(elder_abuse=["childhelp"]), "elder_abuse"),
        (lambda d: d["countries"]["US"]["resources"]["emergency"].pop("es"), "emergency"),
        (lambda d: d["buttons"].pop("person"), "buttons.person"),
        (lambda d: d["countries"]["CA"]["resources"]["kids_help_phone"].update(fr="Jeunesse"), "fr"),
        (lambda d: d["helpline_texts"].pop("handoff_helplines"), "helpline_texts"),
        (lambda d: d["countries"]["US"]["numbers"].update(samhsa="1-800-662-4358"), "numbers.samhsa"),
        (lambda d: d["countries"]["US"]["numbers"].update(hotline="1-800-000-0000"), "numbers.hotline"),
        (lambda d: d["helpline_texts"].update(search_elsewhere="Call {hotline}."), "placeholder"),
    ],
)
def test_incomplete_content_is_a_clear_error(tmp_path: Path, change: Any, message: str) -> None:
    with pytest.raises(ResourceError, match=message):
        render_crisis_responses(_write(tmp_path, change), "US")


def test_helpline_texts_quote_the_default_countrys_exact_numbers() -> None:
    for key in HELPLINE_TEXTS:
        text = helpline_text(DATA, key)
        assert "{" not in text
        assert not set(NUMBER.findall(text.replace("24/7", ""))) - KNOWN_NUMBERS, (key, text)
    assert helpline_text(DATA, "search_elsewhere") == (
        "You can also search SAMHSA's FindTreatment.gov, or call SAMHSA's National Helpline at "
        "1-800-662-4357 (free, confidential, 24/7, in English and Spanish)."
    )
    assert "call or text 988" in helpline_text(DATA, "handoff_helplines")
    assert "call 911" in helpline_text(DATA, "search_emergency")
    assert helpline_text(DATA, "search_emergency") == helpline_text(DATA, "search_emergency", "US")


# A helpline number or short code written as itself (not inside a longer number), or any 1-800 number.
HELPLINE_NUMBER = re.compile(r"(?<![\d-])(?:911|988|741741|88788|686868)(?![\d-])|1-800-")


def test_helpline_numbers_are_written_only_in_content() -> None:
    """Responses, the domain, the console templates and the code quote helplines from content/ (issue 16)."""
    root = RESOURCES.parents[1]
    files = [
        *root.glob("data/responses/**/*.yml"),
        root / "domain.yml",
        *root.glob("bot/web/templates/**/*.html"),
        *(
            path
            for package in ("bot", "actions", "components", "channels", "ops")
            for path in root.glob(f"{package}/**/*.py")
        ),
    ]
    assert len(files) > 50
    offenders = {}
    for path in files:
        found = HELPLINE_NUMBER.findall(path.read_text(encoding="utf-8"))
        if found:
            offenders[str(path.relative_to(root))] = sorted(set(found))
    assert not offenders, offenders


def test_the_number_scan_finds_numbers() -> None:
    for text in ("call or text 988, any time", "(911 / 988)", "text HOME to 741741", "1-800-662-4357"):
        assert HELPLINE_NUMBER.search(text), text
    for text in ("port 9110", "id 19881", "2024-09-11"):
        assert not HELPLINE_NUMBER.search(text), text


def test_unknown_placeholder_is_rejected(tmp_path: Path) -> None:
    path = _write(tmp_path, lambda d: d["repeat"].update(en="Call {hotline}"))
    with pytest.raises(ResourceError, match="placeholder"):
        render_crisis_responses(path, "US")


@pytest.mark.rasa
@pytest.mark.parametrize("country", COUNTRIES)
def test_rasa_picks_exactly_the_matching_variation(country: str) -> None:
    """Rasa's own variation filter agrees with the mutual exclusivity checked above."""
    from rasa.core.nlg.generator import ResponseVariationFilter

    responses = RENDERED[country]
    rasa_filter = ResponseVariationFilter(responses)
    for category, detail, language in itertools.product(CATEGORIES, DETAILS, LANGUAGES):
        slots = dict(zip(SLOTS, (category, detail, language), strict=True))
        chosen = rasa_filter.responses_for_utter_action("utter_crisis", "rest", slots)
        assert [v["text"] for v in chosen] == [crisis_message(DATA, country, category, detail, language)]
    unset = rasa_filter.responses_for_utter_action("utter_crisis", "rest", {"crisis_category": "suicide"})
    assert [v["text"] for v in unset] == [crisis_message(DATA, country, None)]
    spanish = rasa_filter.responses_for_utter_action("utter_safe_glad", "rest", {"crisis_language": "es"})
    assert len(spanish) == 1 and spanish[0]["buttons"][1]["title"] == "Hablar con una persona"
