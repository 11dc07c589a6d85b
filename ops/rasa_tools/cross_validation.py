"""Stratified k-fold cross-validation of the NLU pipeline, one fold per process.

`rasa test nlu --cross-validation` trains the folds one after another, also predicts every training
fold (four fifths of the work it reports nothing from) and shuffles without a seed. Here each fold is
its own process, so `make eval` runs two at once on two cores (one TensorFlow training keeps about one
core busy), the split is seeded, and only the held-out fold is predicted. The report step pools the
folds' predictions and writes Rasa's own reports and confusion matrices.

    python -m ops.rasa_tools.cross_validation fold --fold 0 --folds 5 --out reports/nlu-cv/folds
    python -m ops.rasa_tools.cross_validation report --folds-dir reports/nlu-cv/folds --out reports/nlu-cv
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
TRAINING_DATA = ("data/nlu", "data/generated")
"""The NLU examples and the rendered FAQ responses (the FAQ topic selector keeps their texts)."""
SEED = 2718
"""The project's random seed (config.yml), here for the split."""


def load_data(folds: int) -> Any:
    """The project's NLU training data, without intents too small to appear in every fold."""
    from rasa.nlu.test import drop_intents_below_freq
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_dict(
        training_data_paths=[str(PROJECT_ROOT / p) for p in TRAINING_DATA]
    )
    return drop_intents_below_freq(importer.get_nlu_data(), cutoff=folds)


def split(data: Any, folds: int, fold: int, seed: int = SEED) -> tuple[Any, Any]:
    """(training, test) data of fold `fold`, stratified on the full intent (faq/<topic>)."""
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    examples = data.intent_examples
    labels = [example.get_full_intent() for example in examples]
    train_index, test_index = list(
        StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed).split(examples, labels)
    )[fold]

    def subset(indices: Any) -> Any:
        return TrainingData(
            training_examples=[examples[i] for i in indices],
            entity_synonyms=data.entity_synonyms,
            regex_features=data.regex_features,
            lookup_tables=data.lookup_tables,
            responses=data.responses,
        )

    return subset(train_index), subset(test_index)


def run_fold(fold: int, folds: int, out_dir: Path, config: Path) -> Path:
    """Train on every fold but `fold`, predict `fold`; write and return fold-<n>.json."""
    from rasa.core.agent import Agent
    from rasa.model_training import train_nlu
    from rasa.nlu.test import get_eval_data
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter

    train, test = split(load_data(folds), folds, fold)
    with tempfile.TemporaryDirectory(prefix=f"cv-fold-{fold}-") as tmp:
        training_file = Path(tmp) / "training_data.yml"
        RasaYAMLWriter().dump(training_file, train)
        started = time.monotonic()
        model = train_nlu(str(config), str(training_file), tmp, fixed_model_name=f"fold-{fold}")
        if model is None:
            raise RuntimeError(f"fold {fold}: training produced no model")
        trained = time.monotonic()
        processor = Agent.load(model).processor
        if processor is None:
            raise RuntimeError(f"fold {fold}: the model loaded without a message processor")
        intents, responses, _entities = asyncio.run(get_eval_data(processor, test))
        predicted = time.monotonic()
    result = {
        "fold": fold,
        "folds": folds,
        "seed": SEED,
        "train_examples": len(train.intent_examples),
        "test_examples": len(test.intent_examples),
        "train_s": round(trained - started, 1),
        "predict_s": round(predicted - trained, 1),
        "intents": [_plain(r._asdict()) for r in intents],
        "responses": [_plain(r._asdict()) for r in responses],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"fold-{fold}.json"
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
    partial.replace(path)  # a fold file exists only when complete
    return path


def _plain(result: dict[str, Any]) -> dict[str, Any]:
    """A prediction with its confidence as a JSON number (TensorFlow gives numpy floats)."""
    confidence = result.get("confidence")
    return {**result, "confidence": None if confidence is None else float(confidence)}


def write_report(folds_dir: Path, out: Path) -> dict[str, Any]:
    """Pool every fold's predictions into Rasa's intent and response selection reports in `out`."""
    from rasa.nlu.test import (
        IntentEvaluationResult,
        ResponseSelectionEvaluationResult,
        evaluate_intents,
        evaluate_response_selections,
        remove_empty_intent_examples,
        remove_empty_response_examples,
    )

    files = sorted(folds_dir.glob("fold-*.json"))
    if not files:
        raise SystemExit(f"no fold results in {folds_dir}")
    results = [json.loads(f.read_text(encoding="utf-8")) for f in files]
    expected = {r["folds"] for r in results}
    if len(expected) != 1 or len(results) != expected.pop():
        raise SystemExit(f"{folds_dir}: {len(results)} fold files for {[r['folds'] for r in results]}")
    intents = remove_empty_intent_examples(
        [IntentEvaluationResult(**row) for r in results for row in r["intents"]]
    )
    responses = remove_empty_response_examples(
        [ResponseSelectionEvaluationResult(**row) for r in results for row in r["responses"]]
    )
    out.mkdir(parents=True, exist_ok=True)
    if intents:
        evaluate_intents(intents, str(out), False, True, False, report_as_dict=True)
    if responses:
        evaluate_response_selections(responses, str(out), False, True, False, report_as_dict=True)
    timing = {
        "folds": len(results),
        "seed": results[0]["seed"],
        "train_s": [r["train_s"] for r in results],
        "predict_s": [r["predict_s"] for r in results],
        "test_examples": sum(r["test_examples"] for r in results),
    }
    (out / "folds.json").write_text(json.dumps(timing, indent=2) + "\n", encoding="utf-8")
    return timing


def main(argv: list[str] | None = None) -> int:
    """The command line: `fold` trains and predicts one fold, `report` pools them."""
    parser = argparse.ArgumentParser(prog="python -m ops.rasa_tools.cross_validation", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    fold = commands.add_parser("fold", help="train on the other folds and predict this one")
    fold.add_argument("--fold", type=int, required=True)
    fold.add_argument("--folds", type=int, default=5)
    fold.add_argument("--out", type=Path, required=True, help="folder for fold-<n>.json")
    fold.add_argument("--config", type=Path, default=PROJECT_ROOT / "config.yml")
    report = commands.add_parser("report", help="pool the folds into Rasa's reports")
    report.add_argument("--folds-dir", type=Path, required=True)
    report.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "fold":
        if not 0 <= args.fold < args.folds or args.folds < 2:
            parser.error(f"--fold must be in 0..{args.folds - 1} and --folds at least 2")
        print(run_fold(args.fold, args.folds, args.out, args.config), flush=True)
    else:
        print(json.dumps(write_report(args.folds_dir, args.out)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
