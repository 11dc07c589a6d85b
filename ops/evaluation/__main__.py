"""`python -m ops.evaluation`: measure the assistant and write reports/report.md and reports/summary.json."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

from bot.config import PROJECT_ROOT

STEPS = ("nlu-cv", "screening", "safety-detector", "dialogue", "nlu-test", "held-out", "development", "speed")
TIMED_STEPS = ("speed",)
"""Steps that measure time or memory: they never overlap the cross-validation."""
LEVELS = (1, 5, 20)
# Minutes per step on 2 CPU cores, measured in a full run (2026-11-29: 20.0 min in all).
ESTIMATE_MIN = {
    "screening": 0.1,
    "safety-detector": 0.3,
    "dialogue": 1.2,
    "nlu-test": 1.6,
    "held-out": 6.0,
    "development": 18.0,  # 16.0 measured alone 2026-12-07 with 15 conversation sets; dev16, dev17 ~1 each
    "speed": 3.5,
}
ESTIMATE_CV_WAVE_MIN = 4.3
"""Minutes for one wave of folds trained at once (measured: 4.4-5.0 for two, 2.5 for one alone)."""
ESTIMATE_RETRAIN_MIN = 4.2


def choose_model(explicit: Path | None) -> Path:
    """--model, else $MODEL_PATH, else the current model, else the newest in models/."""
    from ops.training import MODELS_DIR, model_path

    if explicit:
        return explicit
    if os.environ.get("MODEL_PATH"):
        return Path(os.environ["MODEL_PATH"])
    current = model_path()
    if current.exists():
        return current
    models = sorted(MODELS_DIR.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        raise SystemExit("no trained model in models/: run `make train` first")
    print(f"warning: no model for the current inputs; using the newest, {models[-1].name}", file=sys.stderr)
    return models[-1]


def estimate_minutes(steps: tuple[str, ...], folds: int, retrain: bool, jobs: int = 2) -> float:
    """A rough run time for the chosen steps on 2 CPU cores."""
    overlapped = sum(ESTIMATE_MIN.get(s, 0.0) for s in steps if s not in TIMED_STEPS)
    waves = -(-folds // max(1, jobs))
    cross_validation = waves * ESTIMATE_CV_WAVE_MIN if "nlu-cv" in steps else 0.0
    timed = sum(ESTIMATE_MIN.get(s, 0.0) for s in TIMED_STEPS if s in steps)
    minutes = max(overlapped, cross_validation) + timed
    return round(minutes + (ESTIMATE_RETRAIN_MIN if retrain and "speed" in steps else 0), 1)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m ops.evaluation", description=__doc__)
    parser.add_argument("--model", type=Path, help="trained model (default: $MODEL_PATH, else current)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds (default 5)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="cross-validation folds trained at once (default: 2, or 1 on one core)",
    )
    parser.add_argument(
        "--retrain",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="time a fresh training of the project (default; --no-retrain skips it)",
    )
    parser.add_argument("--only", default=",".join(STEPS), help=f"comma-separated steps of {STEPS}")
    parser.add_argument("--levels", default=",".join(map(str, LEVELS)), help="concurrency levels")
    parser.add_argument("--messages-per-user", type=int, default=10, help="load per level: users x this")
    parser.add_argument("--min-messages", type=int, default=40, help="at least this many per level")
    parser.add_argument("--max-seconds", type=float, default=90, help="time bound per level")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Run the chosen steps, then write summary.json, the plots and report.md."""
    from tqdm import tqdm

    args = parse_args(argv)
    steps = tuple(s for s in STEPS if s in args.only.split(","))
    model = choose_model(args.model).resolve()
    out: Path = args.out.resolve()
    logs = out / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    estimate = estimate_minutes(steps, args.folds, args.retrain, args.jobs)
    print(f"evaluating {model.name}: {', '.join(steps)}; estimate about {estimate} min", flush=True)
    summary: dict[str, Any] = {
        "generated_at": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "model": model.name,
        "rasa_version": metadata.version("rasa"),
        "cpus": os.cpu_count(),
        "estimate_min": estimate,
        "skipped": [s for s in STEPS if s not in steps],
        "steps": {},
        "load_average": {"start": round(os.getloadavg()[0], 2)},
    }
    started = time.monotonic()
    runners: dict[str, Callable[[], None]] = {
        "screening": lambda: _screening(summary),
        "safety-detector": lambda: _detector(summary),
        "dialogue": lambda: _dialogue(summary, model, out, logs),
        "nlu-test": lambda: _nlu_test(summary, model, out, logs),
        "held-out": lambda: _held_out(summary, model, logs),
        "development": lambda: _development(summary, model, logs),
        "speed": lambda: _speed(summary, model, out, logs, args),
        "nlu-cv": lambda: _nlu_cv(summary, out, logs, args.folds, args.jobs),
    }
    # Cross-validation runs in the background while the steps that measure no time run; the speed
    # step waits for it, so latency, memory and training times are measured without it.
    with tqdm(total=len(steps), desc="evaluation", unit="step") as bar, ThreadPoolExecutor(1) as pool:

        def timed(step: str) -> None:
            step_started = time.monotonic()
            runners[step]()
            summary["steps"][step] = round(time.monotonic() - step_started, 1)
            bar.update()

        background = pool.submit(timed, "nlu-cv") if "nlu-cv" in steps else None
        for step in steps:
            if step == "nlu-cv":
                continue
            if step in TIMED_STEPS and background:
                bar.set_postfix_str("waiting for cross-validation")
                background.result()
            bar.set_postfix_str(step)
            timed(step)
        if background:
            background.result()
    summary["duration_s"] = round(time.monotonic() - started, 1)
    summary["load_average"]["end"] = round(os.getloadavg()[0], 2)
    write_outputs(summary, out)
    print(f"done in {summary['duration_s'] / 60:.1f} min: {out / 'report.md'}", flush=True)
    return 0


def _screening(summary: dict[str, Any]) -> None:
    from ops.evaluation.screening import evaluate_screening

    summary["screening"] = evaluate_screening()


def _detector(summary: dict[str, Any]) -> None:
    from tqdm import tqdm

    from ops.evaluation.safety import detector_category_accuracy, detector_flags, load_corpus, score

    crisis, negatives = load_corpus()
    result = score(
        crisis, negatives, detector_flags, lambda cases: tqdm(cases, desc="detector", unit="msg", leave=False)
    )
    result["category_accuracy"] = detector_category_accuracy(crisis)
    summary.setdefault("safety", {})["detector"] = result


def _dialogue(summary: dict[str, Any], model: Path, out: Path, logs: Path) -> None:
    from ops.evaluation.dialogue import run_story_tests

    summary["dialogue"] = run_story_tests(model, PROJECT_ROOT / "tests" / "stories", out / "core-test", logs)


def _nlu_test(summary: dict[str, Any], model: Path, out: Path, logs: Path) -> None:
    from ops.evaluation.nlu import run_held_out

    summary.setdefault("nlu", {})["held_out"] = run_held_out(
        model, out / "nlu-test", PROJECT_ROOT / "tests" / "nlu", logs
    )


def _held_out(summary: dict[str, Any], model: Path, logs: Path) -> None:
    """Issues 14 and 15: the frozen test sets through the running assistant (and in-process layers)."""
    from ops.evaluation import conversations as freetext
    from ops.evaluation import safety_test, servers
    from ops.evaluation.external_faq import evaluate_external_faq
    from ops.evaluation.safety import crisis_reply_check

    cases = safety_test.load_testset()
    crisis = crisis_reply_check()

    result: dict[str, Any] = {"layers": safety_test.in_process(cases, model)}
    project = servers.start_project(model, logs / "held-out", extra_env={"STAFF_HOURS": "always"})
    try:

        def say(sender: str, text: str) -> list[dict[str, Any]]:
            return _say(project.url, text, sender)

        result["rest"] = safety_test.through_rest(cases, say, crisis)
        result["paraphrases"] = safety_test.through_rest(safety_test.load_paraphrases(), say, crisis)
        result["conversations"] = safety_test.conversations(say, crisis)
        result["contexts"] = safety_test.in_contexts(cases, say, crisis)
        tracker = servers.tracker_reader(project)
        turns = []
        for conversation in freetext.load_conversations():
            turns.extend(freetext.run_conversation(conversation, say, tracker))
        summary["freetext"] = freetext.summarise(turns)
        summary["external_faq"] = evaluate_external_faq(project)
    finally:
        project.stop()
    down = servers.start_project(model, logs / "held-out-no-actions", with_actions=False)
    try:
        result["rest_without_actions"] = safety_test.through_rest(
            cases, lambda sender, text: _say(down.url, text, sender), crisis
        )
    finally:
        down.stop()
    summary.setdefault("safety", {})["test_set"] = result


def _nlu_cv(summary: dict[str, Any], out: Path, logs: Path, folds: int, jobs: int) -> None:
    from tqdm import tqdm

    from ops.evaluation.nlu import run_cross_validation

    with tqdm(total=folds, desc="cross-validation", unit="fold", leave=False, position=1) as bar:

        def tick(finished: int) -> None:
            bar.update(finished - bar.n)

        summary.setdefault("nlu", {})["cross_validation"] = run_cross_validation(
            out / "nlu-cv", folds, logs, jobs, on_tick=tick
        )


def _speed(summary: dict[str, Any], model: Path, out: Path, logs: Path, args: argparse.Namespace) -> None:
    from ops.evaluation import servers
    from ops.evaluation.load import SCRIPT
    from ops.evaluation.safety import crisis_reply_check, load_corpus, score

    levels = [int(x) for x in args.levels.split(",")]
    speed: dict[str, Any] = {
        "levels": levels,
        "script": list(SCRIPT),
        "max_seconds": args.max_seconds,
        "max_messages": {u: max(args.min_messages, u * args.messages_per_user) for u in levels},
    }
    summary["speed"] = speed
    project = servers.start_project(model, logs / "project")
    try:
        speed["project"] = _measure(project, levels, args)
        crisis, negatives = load_corpus()
        is_crisis = crisis_reply_check()
        result = score(
            crisis,
            negatives,
            lambda text: is_crisis(_say(project.url, text)),
            _bar("safety via REST"),
        )
        summary.setdefault("safety", {})["model"] = result
        speed["project"]["action_server_rss_mb"] = servers.memory_mb(project.helpers[0].pid)
    finally:
        project.stop()
    if args.retrain:
        with tempfile.TemporaryDirectory(prefix="eval-train-") as tmp:
            seconds = servers.train_project(Path(tmp), logs / "project-train.log")
        speed["project"]["training_s"] = round(seconds, 1)
        speed["project"]["training_note"] = (
            "Project training time: a fresh `rasa train` in this run, with Rasa's component cache off."
        )
    else:
        speed["project"]["training_s"] = None
        speed["project"]["training_note"] = (
            "Project training time not measured (Rasa does not record it in the model; "
            "this run had `--no-retrain`)."
        )
    with tempfile.TemporaryDirectory(prefix="eval-stock-") as tmp:
        stock_model, seconds = servers.init_stock(Path(tmp) / "stock", logs / "stock-init.log")
        stock = servers.start_stock(Path(tmp) / "stock", stock_model, logs / "stock_server.log")
        try:
            speed["stock"] = _measure(stock, levels, args)
        finally:
            stock.stop()
    speed["stock"]["training_s"] = round(seconds, 1)
    speed["stock"]["training_note"] = (
        "Stock training time: `rasa init --no-prompt` (scaffold and train) in this run."
    )


def _development(summary: dict[str, Any], model: Path, logs: Path) -> None:
    """The sets the developers tune on, reported apart from the frozen ones (ops.evaluation.development)."""
    from ops.evaluation import development, safety_test, servers
    from ops.evaluation.external_faq import evaluate_external_faq
    from ops.evaluation.safety import crisis_reply_check

    project = servers.start_project(model, logs / "development", extra_env={"STAFF_HOURS": "always"})
    try:

        def say(sender: str, text: str) -> list[dict[str, Any]]:
            return _say(project.url, text, sender)

        conversations = development.run_conversation_sets(
            development.conversation_files(), say, servers.tracker_reader(project)
        )
        external = evaluate_external_faq(project, development.EXTERNAL_FAQ_SET)
        multi_turn = safety_test.conversations(say, crisis_reply_check(), development.SAFETY_CONVERSATIONS)
    finally:
        project.stop()
    summary["development"] = {
        "conversations": conversations,
        "external_faq": external,
        "safety_conversations": multi_turn,
        "safety": development.cross_fitted_safety_sets(development.safety_files()),
        "untrained_safety": development.untrained_safety_sets(
            development.safety_files(development.UNTRAINED_SAFETY_SETS), model
        ),
    }


def _bar(desc: str) -> Callable[[Any], Any]:
    from tqdm import tqdm

    return lambda items: tqdm(items, desc=desc, unit="msg", leave=False)


def _say(url: str, text: str, sender: str | None = None) -> list[dict[str, Any]]:
    import uuid

    import httpx

    response = httpx.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": sender or f"eval-{uuid.uuid4().hex[:10]}", "message": text},
        timeout=60,
    )
    response.raise_for_status()
    return list(response.json())


def _measure(server: Any, levels: list[int], args: argparse.Namespace) -> dict[str, Any]:
    """Start-up, memory and the load levels of one started server."""
    from tqdm import tqdm

    from ops.evaluation.load import run_level, warm_up
    from ops.evaluation.servers import memory_mb

    result: dict[str, Any] = {"startup_s": server.startup_s, "rss_idle_mb": memory_mb(server.process.pid)}
    warm_up(server.url)
    result["levels"] = []
    for users in levels:
        budget = max(args.min_messages, users * args.messages_per_user)
        with tqdm(total=budget, desc=f"{server.name}: {users} users", unit="msg", leave=False) as bar:
            level = asyncio.run(run_level(server.url, users, budget, args.max_seconds, tick=bar.update))
        result["levels"].append(level.summary())
    result["single_user"] = next((lv for lv in result["levels"] if lv["users"] == 1), None)
    result["rss_after_load_mb"] = memory_mb(server.process.pid)
    result["rss_peak_mb"] = memory_mb(server.process.pid, "VmHWM")
    return result


def write_outputs(summary: dict[str, Any], out: Path) -> None:
    """Plots (from the summary), summary.json and report.md."""
    from ops.evaluation import plots
    from ops.evaluation.report import render

    # the figures first: a plot that fails must not lose a run's measurements
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
    images: dict[str, str] = {}
    for key, relative in (
        ("cv_intent_confusion", "nlu-cv/intent_confusion_matrix.png"),
        ("cv_faq_confusion", "nlu-cv/response_selection_confusion_matrix.png"),
        ("test_faq_confusion", "nlu-test/response_selection_confusion_matrix.png"),
    ):
        if (out / relative).exists() and _fresh(out / relative, summary):
            images[key] = relative
    speed = summary.get("speed") or {}
    if speed.get("project") and speed.get("stock"):
        images["latency"] = plots.latency_chart(speed, out / "latency.png").name
        images["throughput"] = plots.throughput_chart(speed, out / "throughput.png").name
    safety = summary.get("safety") or {}
    if safety.get("model") or safety.get("detector"):  # `--only held-out` has the test set alone
        images["safety"] = plots.safety_chart(safety, out / "safety.png").name
    summary["images"] = images
    (out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", "utf-8")
    (out / "report.md").write_text(render(summary), encoding="utf-8")


def _fresh(path: Path, summary: dict[str, Any]) -> bool:
    """Whether a file Rasa wrote belongs to this run's steps (not a leftover of an older run)."""
    step = "nlu-cv" if path.parent.name == "nlu-cv" else "nlu-test"
    return step in summary["steps"]


if __name__ == "__main__":
    sys.exit(main())
