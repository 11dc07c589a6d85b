"""Shared helpers for the safety tests: load spaCy without TensorFlow, read the corpus."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "tests" / "safety" / "corpus.yml"
NLU = ROOT / "data" / "nlu" / "crisis.yml"


def import_thinc_without_tensorflow() -> None:
    """thinc (under spaCy) imports TensorFlow when installed; block it only while thinc.compat loads."""
    if "thinc.compat" in sys.modules:
        return
    blocked = "tensorflow" not in sys.modules
    if blocked:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import thinc.compat  # noqa: F401
    finally:
        if blocked:
            del sys.modules["tensorflow"]


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
