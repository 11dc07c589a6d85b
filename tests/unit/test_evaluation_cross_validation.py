"""The evaluation's process pool and the seeded fold split and pooled report of the CV tool."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops.evaluation.nlu import cross_validation_commands, finished_folds
from ops.evaluation.rasa_cli import run_parallel

PROBE = """
import sys, time
from pathlib import Path
log = Path(sys.argv[1])
with log.open("a") as f:
    f.write(f"start {time.monotonic()}\\n")
time.sleep(float(sys.argv[2]))
with log.open("a") as f:
    f.write(f"end {time.monotonic()}\\n")
sys.exit(int(sys.argv[3]))
"""


def _probe(tmp_path: Path) -> Path:
    (tmp_path / "probe.py").write_text(PROBE)
    return tmp_path


def test_parallel_runs_reports_each_exit_code_in_order(tmp_path: Path) -> None:
    cwd = _probe(tmp_path)
    commands = [(["probe", str(tmp_path / f"t{i}"), "0.1", str(code)], tmp_path / f"{i}.log")
                for i, code in enumerate([0, 3, 0])]
    assert run_parallel(commands, 2, cwd=cwd) == [0, 3, 0]


def test_parallel_runs_never_exceed_the_job_count(tmp_path: Path) -> None:
    cwd = _probe(tmp_path)
    timeline = tmp_path / "timeline"
    commands = [(["probe", str(timeline), "0.6", "0"], tmp_path / f"{i}.log") for i in range(4)]
    assert run_parallel(commands, 2, cwd=cwd) == [0, 0, 0, 0]
    events = sorted(
        (float(t), 1 if kind == "start" else -1)
        for kind, t in (line.split() for line in timeline.read_text().splitlines())
    )
    running, most = 0, 0
    for _, step in events:
        running += step
        most = max(most, running)
    assert most == 2  # two at once, never three, yet not one after another


def test_a_command_past_the_time_limit_is_killed(tmp_path: Path) -> None:
    cwd = _probe(tmp_path)
    commands = [(["probe", str(tmp_path / "t"), "30", "0"], tmp_path / "slow.log")]
    assert run_parallel(commands, 1, cwd=cwd, timeout=1) == [-9]
    assert "end" not in (tmp_path / "t").read_text()


def test_one_fold_command_per_fold_with_its_own_log(tmp_path: Path) -> None:
    commands = cross_validation_commands(tmp_path / "cv", 3, tmp_path / "logs")
    assert [argv[argv.index("--fold") + 1] for argv, _ in commands] == ["0", "1", "2"]
    assert len({log for _, log in commands}) == 3
    assert all(argv[0] == "ops.rasa_tools.cross_validation" and "--folds" in argv for argv, _ in commands)


def test_finished_folds_counts_only_complete_fold_files(tmp_path: Path) -> None:
    folds = tmp_path / "folds"
    folds.mkdir()
    (folds / "fold-0.json").write_text("{}")
    (folds / "fold-1.part").write_text("{")
    assert finished_folds(tmp_path) == 1


def _training_data(per_label: dict[str, int]):  # type: ignore[no-untyped-def]
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    examples = [
        Message(data={"text": f"{label} example {i}", "intent": label.split("/")[0],
                      **({"intent_response_key": label} if "/" in label else {})})
        for label, count in per_label.items()
        for i in range(count)
    ]
    return TrainingData(training_examples=examples)


@pytest.mark.rasa
def test_folds_are_seeded_stratified_disjoint_and_cover_every_example() -> None:
    from ops.rasa_tools.cross_validation import split

    data = _training_data({"greet": 10, "faq/cost": 5, "faq/schedule": 5, "crisis": 15})
    tests = []
    for fold in range(5):
        train, test = split(data, 5, fold)
        texts = {m.get("text") for m in test.intent_examples}
        assert texts.isdisjoint(m.get("text") for m in train.intent_examples)
        assert sorted(m.get_full_intent() for m in test.intent_examples) == [
            "crisis", "crisis", "crisis", "faq/cost", "faq/schedule", "greet", "greet"
        ]
        tests.append(texts)
    assert set().union(*tests) == {m.get("text") for m in data.intent_examples}
    assert sum(map(len, tests)) == len(data.intent_examples)
    assert {m.get("text") for m in split(data, 5, 2)[1].intent_examples} == tests[2]  # same seed
    assert {m.get("text") for m in split(data, 5, 2, seed=1)[1].intent_examples} != tests[2]


@pytest.mark.rasa
def test_the_report_pools_every_fold_into_rasa_reports(tmp_path: Path) -> None:
    from ops.rasa_tools.cross_validation import write_report

    folds = tmp_path / "folds"
    folds.mkdir()
    rows = [
        [("greet", "greet"), ("faq", "faq"), ("faq", "faq")],
        [("greet", "faq"), ("faq", "faq"), ("greet", "greet")],
    ]
    for fold, pairs in enumerate(rows):
        (folds / f"fold-{fold}.json").write_text(json.dumps({
            "fold": fold, "folds": 2, "seed": 2718, "train_examples": 3, "test_examples": 3,
            "train_s": 1.0, "predict_s": 0.1,
            "intents": [{"intent_target": t, "intent_prediction": p, "message": f"m{fold}{i}",
                         "confidence": 0.9} for i, (t, p) in enumerate(pairs)],
            "responses": [{"intent_response_key_target": "faq/cost" if t == "faq" else "",
                           "intent_response_key_prediction": "faq/cost", "message": f"m{fold}{i}",
                           "confidence": 0.8} for i, (t, _) in enumerate(pairs)],
        }))
    timing = write_report(folds, tmp_path / "out")
    report = json.loads((tmp_path / "out" / "intent_report.json").read_text())
    assert report["accuracy"] == pytest.approx(5 / 6)
    assert report["greet"]["support"] == 3 and report["greet"]["confused_with"] == {"faq": 1}
    assert (tmp_path / "out" / "intent_confusion_matrix.png").stat().st_size > 0
    responses = json.loads((tmp_path / "out" / "response_selection_report.json").read_text())
    assert responses["faq/cost"]["support"] == 3
    assert timing == {"folds": 2, "seed": 2718, "train_s": [1.0, 1.0], "predict_s": [0.1, 0.1],
                      "test_examples": 6}


@pytest.mark.rasa
def test_the_report_refuses_an_incomplete_set_of_folds(tmp_path: Path) -> None:
    from ops.rasa_tools.cross_validation import write_report

    folds = tmp_path / "folds"
    folds.mkdir()
    (folds / "fold-0.json").write_text(json.dumps({"folds": 3, "fold": 0}))
    with pytest.raises(SystemExit, match="1 fold files"):
        write_report(folds, tmp_path / "out")


def test_the_tool_is_a_module_the_pool_can_run() -> None:
    import importlib.util

    assert importlib.util.find_spec("ops.rasa_tools.cross_validation") is not None


def test_children_get_the_extra_environment_and_measured_trainings_skip_the_cache(tmp_path: Path) -> None:
    from ops.evaluation.rasa_cli import NO_TRAINING_CACHE

    (tmp_path / "env_probe.py").write_text(
        "import os, sys\nopen(sys.argv[1], 'w').write(os.environ.get('RASA_MAX_CACHE_SIZE', 'unset'))\n"
    )
    seen = tmp_path / "seen"
    assert run_parallel([(["env_probe", str(seen)], tmp_path / "p.log")], 1, cwd=tmp_path,
                        env=NO_TRAINING_CACHE) == [0]
    assert seen.read_text() == "0"  # Rasa's cache is off: every fold and retraining really trains


def test_a_full_run_times_the_project_training_and_estimates_folds_in_waves() -> None:
    from ops.evaluation.__main__ import STEPS, estimate_minutes, parse_args

    assert parse_args([]).retrain is True
    assert parse_args(["--no-retrain"]).retrain is False
    cv = ("nlu-cv",)
    two_at_once, one_at_a_time = estimate_minutes(cv, 5, False, 2), estimate_minutes(cv, 5, False, 1)
    assert one_at_a_time > two_at_once  # 5 waves instead of 3
    whole = estimate_minutes(STEPS, 5, False, 2)
    assert estimate_minutes(STEPS, 5, False, 1) >= whole >= two_at_once  # the other steps overlap the waves
    assert estimate_minutes(STEPS, 5, True, 2) > whole
