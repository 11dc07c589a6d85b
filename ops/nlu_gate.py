"""Fail `make test` when held-out FAQ topic accuracy is below the gate.

Reads the test data (tests/nlu/*.yml) and the error files `rasa test nlu` writes: an example counts as
correct only if both the intent and the FAQ topic (response selector) were right.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

GATE = 0.95


def held_out_examples(folder: Path) -> dict[str, str]:
    """Map each held-out example text to its label (`faq/<topic>` or an intent)."""
    examples: dict[str, str] = {}
    for path in sorted(folder.glob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in document.get("nlu", []):
            label = block.get("intent")
            if not label:
                continue
            for line in str(block.get("examples", "")).splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    examples[text] = label
    return examples


def _errors(path: Path) -> list[dict[str, Any]]:
    return list(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else []


def misclassified(results: Path) -> dict[str, str]:
    """Map each wrongly handled example text to what was predicted instead."""
    wrong: dict[str, str] = {}
    for error in _errors(results / "intent_errors.json"):
        wrong[error["text"]] = str((error.get("intent_prediction") or {}).get("name"))
    for error in _errors(results / "response_selection_errors.json"):
        predicted = (error.get("intent_response_key_prediction") or {}).get("name")
        wrong.setdefault(error["text"], str(predicted))
    return wrong


def main(argv: list[str] | None = None) -> int:
    """Print topic accuracy and the confused pairs; exit 1 below the gate."""
    parser = argparse.ArgumentParser(prog="python -m ops.nlu_gate")
    parser.add_argument("results", type=Path, help="the --out folder of `rasa test nlu`")
    parser.add_argument("--data", type=Path, default=PROJECT_ROOT / "tests" / "nlu")
    parser.add_argument("--gate", type=float, default=GATE)
    args = parser.parse_args(argv)
    examples = held_out_examples(args.data)
    if not examples:
        print(f"no held-out examples in {args.data}", file=sys.stderr)
        return 1
    wrong = {text: got for text, got in misclassified(args.results).items() if text in examples}
    accuracy = 1 - len(wrong) / len(examples)
    correct = len(examples) - len(wrong)
    print(f"held-out NLU: {correct}/{len(examples)} correct ({accuracy:.1%}), gate {args.gate:.0%}")
    pairs = Counter((examples[text], got) for text, got in wrong.items())
    for (expected, got), count in pairs.most_common():
        print(f"  {count} x {expected} -> {got}")
    return 0 if accuracy >= args.gate else 1


if __name__ == "__main__":
    sys.exit(main())
