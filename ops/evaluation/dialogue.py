"""Dialogue measurements: `rasa test core` on the test stories, pass/fail counts and prediction errors."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ops.evaluation.rasa_cli import run_module

_STORY = re.compile(r"^- story:\s*(.+?)(?:\s*\([^()]*\.ya?ml\))?\s*$")
"""A story's name, without the source file Rasa appends in parentheses."""
_PREDICTED = re.compile(r"^\s*-\s*(.+?)\s*#\s*predicted:\s*(.+?)\s*$")


def run_story_tests(model: Path, stories: Path, out: Path, logs: Path) -> dict[str, Any]:
    """Run the story tests of `stories` against `model`; counts and errors from the files in `out`."""
    code, seconds = run_module(
        "rasa", ["test", "core", "--model", str(model), "--stories", str(stories), "--out", str(out)],
        logs / "core-test.log",
    )
    results = read_story_results(out)
    results.update({"exit_code": code, "seconds": round(seconds, 1)})
    return results


def read_story_results(out: Path) -> dict[str, Any]:
    """Totals from story_report.json and the wrong predictions from failed_test_stories.yml."""
    report_path = out / "story_report.json"
    report = json.loads(report_path.read_text(encoding="utf-8")) if report_path.exists() else {}
    conversations = report.get("conversation_accuracy") or {}
    failed_path = out / "failed_test_stories.yml"
    errors = parse_failed_stories(failed_path.read_text(encoding="utf-8")) if failed_path.exists() else []
    total = int(conversations.get("total", 0))
    correct = int(conversations.get("correct", 0))
    return {
        "stories": total,
        "passed": correct,
        "failed": total - correct,
        "action_accuracy": _accuracy(report),
        "errors": errors,
    }


def _accuracy(report: dict[str, Any]) -> float | None:
    value = report.get("accuracy")
    if isinstance(value, dict):
        value = value.get("f1-score")
    return None if value is None else round(float(value), 4)


def parse_failed_stories(text: str) -> list[dict[str, str]]:
    """Each `# predicted:` line of Rasa's failed_test_stories.yml with its story name."""
    errors: list[dict[str, str]] = []
    story = ""
    for line in text.splitlines():
        if match := _STORY.match(line):
            story = match.group(1)
        elif match := _PREDICTED.match(line):
            errors.append({"story": story, "expected": match.group(1), "predicted": match.group(2)})
    return errors
