"""Shared helpers for the safety tests: read the corpus and the crisis training examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "safety" / "corpus.yml"
NLU = ROOT / "data" / "nlu" / "crisis.yml"


def corpus() -> dict[str, Any]:
    """The safety corpus."""
    return yaml.safe_load(CORPUS.read_text(encoding="utf-8"))


def crisis_cases() -> list[tuple[str, str]]:
    """(expected category, message) for every crisis message."""
    return [(category, text) for category, texts in corpus()["crisis"].items() for text in texts]


def negative_cases() -> list[tuple[str, str]]:
    """(kind, message) for every hard negative."""
    return [(kind, text) for kind, texts in corpus()["negatives"].items() for text in texts]


def nlu_examples() -> list[str]:
    """The crisis intent's training examples."""
    data = yaml.safe_load(NLU.read_text(encoding="utf-8"))
    block = next(item for item in data["nlu"] if item.get("intent") == "crisis")
    return [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
