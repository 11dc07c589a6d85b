"""NLU measurements: cross-validation and the held-out test through `rasa test nlu`, and their reports."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any, Callable, Mapping

from ops.evaluation.rasa_cli import NO_TRAINING_CACHE, run_module, run_parallel
from ops.nlu_gate import held_out_examples, misclassified

CV_TOOL = "ops.rasa_tools.cross_validation"
AGGREGATES = ("accuracy", "macro avg", "weighted avg", "micro avg")


def cross_validation_commands(out: Path, folds: int, logs: Path) -> list[tuple[list[str], Path]]:
    """One `ops.rasa_tools.cross_validation fold` command line (and its log) per fold."""
    return [
        ([CV_TOOL, "fold", "--fold", str(fold), "--folds", str(folds), "--out", str(out / "folds")],
         logs / f"nlu-cv-fold-{fold}.log")
        for fold in range(folds)
    ]


def run_cross_validation(
    out: Path, folds: int, logs: Path, jobs: int = 2, on_tick: Callable[[int], None] | None = None
) -> dict[str, Any]:
    """Seeded stratified k-fold cross-validation, `jobs` folds at a time, pooled into `out`.

    `on_tick` gets the number of finished folds about once a second.
    """
    started = time.monotonic()
    for stale in (out / "folds").glob("fold-*.json"):
        stale.unlink()
    codes = run_parallel(  # every run trains every fold: comparable times, no stale cache
        cross_validation_commands(out, folds, logs), jobs,
        on_tick=(lambda: on_tick(finished_folds(out))) if on_tick else None, env=NO_TRAINING_CACHE,
    )
    result: dict[str, Any] = {"folds": folds, "jobs": jobs}
    failed = [fold for fold, code in enumerate(codes) if code != 0]
    if failed:
        result["failed_folds"] = failed
        code = 1
    else:
        report = ["report", "--folds-dir", str(out / "folds"), "--out", str(out)]
        code, _ = run_module(CV_TOOL, report, logs / "nlu-cv-report.log")
    result.update({"exit_code": code, "seconds": round(time.monotonic() - started, 1)})
    if code == 0:
        timing = json.loads((out / "folds.json").read_text(encoding="utf-8"))
        result.update(
            seed=timing["seed"], fold_train_s=timing["train_s"], fold_predict_s=timing["predict_s"],
            examples=timing["test_examples"], **read_results(out),
        )
    return result


def finished_folds(out: Path) -> int:
    """How many folds have written their predictions."""
    return len(list((out / "folds").glob("fold-*.json")))


def run_held_out(model: Path, out: Path, data: Path, logs: Path) -> dict[str, Any]:
    """`rasa test nlu` of the trained model on the held-out data, plus the gate's accuracy."""
    code, seconds = run_module(
        "rasa", ["test", "nlu", "--model", str(model), "--nlu", str(data), "--out", str(out)],
        logs / "nlu-test.log",
    )
    results = {"exit_code": code, "seconds": round(seconds, 1), **read_results(out)}
    examples = held_out_examples(data)
    wrong = {text: got for text, got in misclassified(out).items() if text in examples}
    results["held_out"] = {
        "examples": len(examples),
        "correct": len(examples) - len(wrong),
        "accuracy": round(1 - len(wrong) / len(examples), 4) if examples else None,
        "misses": [{"text": t, "expected": examples[t], "predicted": g} for t, g in sorted(wrong.items())],
    }
    return results


def read_results(folder: Path) -> dict[str, Any]:
    """Summaries of intent_report.json and response_selection_report.json in `folder` (when present)."""
    results: dict[str, Any] = {}
    for key, name in (("intents", "intent_report.json"), ("faq", "response_selection_report.json")):
        path = folder / name
        if path.exists():
            results[key] = summarise_report(json.loads(path.read_text(encoding="utf-8")))
    return results


def summarise_report(report: Mapping[str, Any], top: int = 10) -> dict[str, Any]:
    """Accuracy, macro/weighted F1, a per-label table (worst F1 first) and the most confused pairs."""
    labels = {k: v for k, v in report.items() if k not in AGGREGATES and isinstance(v, Mapping)}
    table = sorted(
        (
            {
                "label": label,
                "precision": round(float(v.get("precision", 0.0)), 3),
                "recall": round(float(v.get("recall", 0.0)), 3),
                "f1": round(float(v.get("f1-score", 0.0)), 3),
                "support": int(v.get("support", 0)),
            }
            for label, v in labels.items()
        ),
        key=lambda row: (row["f1"], row["label"]),
    )
    accuracy = report.get("accuracy")
    if isinstance(accuracy, Mapping):  # Rasa writes a dict when every label is predicted perfectly
        accuracy = accuracy.get("f1-score")
    return {
        "accuracy": _round(accuracy),
        "macro_f1": _round((report.get("macro avg") or {}).get("f1-score")),
        "weighted_f1": _round((report.get("weighted avg") or {}).get("f1-score")),
        "labels": len(table),
        "table": table,
        "confused_pairs": confused_pairs(labels, top),
    }


def confused_pairs(labels: Mapping[str, Mapping[str, Any]], top: int = 10) -> list[dict[str, Any]]:
    """The `top` (expected, predicted) pairs by count, from each label's `confused_with`."""
    pairs = [
        {"expected": label, "predicted": other, "count": int(count)}
        for label, values in labels.items()
        for other, count in (values.get("confused_with") or {}).items()
    ]
    pairs.sort(key=lambda p: (-p["count"], p["expected"], p["predicted"]))
    return pairs[:top]


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 4)
