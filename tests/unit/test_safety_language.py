"""Spanish or English, for the crisis reply's language (bot.safety.language)."""

from __future__ import annotations

import pytest

from bot.safety.language import guess_language


@pytest.mark.parametrize(
    "text",
    [
        "me quiero morir",
        "ya no quiero vivir",
        "pienso en suicidarme",
        "mi esposo me pega",
        "Tomé muchas pastillas y no sé qué hacer",
        "NO QUIERO SEGUIR ASI",
        "¿me pueden ayudar?",
    ],
)
def test_spanish(text: str) -> None:
    assert guess_language(text) == "es"


@pytest.mark.parametrize(
    "text", ["I want to die", "no", "me too", "hi", "", "12345", "does medicaid pay for this?", "idk"]
)
def test_english_or_unclear_stays_english(text: str) -> None:
    assert guess_language(text) == "en"
