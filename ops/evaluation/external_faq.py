"""Questions as other providers' public IOP FAQ pages word them (tests/external/faq_other_providers.yml).

Each question goes to the model's NLU (`/model/parse`); it is right when the intent is `faq` and the
response selector picks the labelled topic (or the `also` topic a second reader accepted).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from bot.config import PROJECT_ROOT

EXTERNAL_FAQ = PROJECT_ROOT / "tests" / "external" / "faq_other_providers.yml"


def predicted_topic(parse: dict[str, Any]) -> str | None:
    """The FAQ topic a parse result chose, or None when the intent is not `faq`."""
    if (parse.get("intent") or {}).get("name") != "faq":
        return None
    key = (((parse.get("response_selector") or {}).get("faq") or {}).get("response") or {}).get(
        "intent_response_key"
    )
    return str(key).split("/", 1)[1] if key and "/" in str(key) else None


def evaluate_external_faq(server: Any, path: Path = EXTERNAL_FAQ) -> dict[str, Any]:
    """Accuracy over the questions, per topic, and every question answered with another topic."""
    from ops.evaluation.servers import parse

    questions = yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    wrong: list[dict[str, Any]] = []
    per_topic: dict[str, dict[str, int]] = {}
    for question in questions:
        topic = predicted_topic(parse(server, str(question["text"])))
        accepted = {question["topic"], *(question.get("also") or [])}
        stats = per_topic.setdefault(question["topic"], {"total": 0, "right": 0})
        stats["total"] += 1
        if topic in accepted:
            stats["right"] += 1
        else:
            wrong.append({"text": question["text"], "expected": question["topic"], "got": topic})
    right = len(questions) - len(wrong)
    return {
        "questions": len(questions),
        "sources": len({q.get("source") for q in questions}),
        "right": right,
        "accuracy": round(right / len(questions), 4) if questions else None,
        "per_topic": per_topic,
        "wrong": wrong,
    }
