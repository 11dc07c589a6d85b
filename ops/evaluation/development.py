"""The development sets, measured apart from the frozen ones (`make eval`, step `development`).

The developers tune the assistant on these sets: typed conversations (tests/conversations/dev*.yml)
and crisis messages with hard negatives (tests/safety_dev/*.yml). Their figures show what tuning
reached; they are not evidence of how strangers' messages fare (the frozen sets are).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from bot.config import PROJECT_ROOT
from ops.evaluation import conversations as freetext
from ops.evaluation import safety_test

CONVERSATION_SETS = PROJECT_ROOT / "tests" / "conversations"
SAFETY_SETS = PROJECT_ROOT / "tests" / "safety_dev"
UNTRAINED_SAFETY_SETS = SAFETY_SETS / "not_trained"
"""Development crisis sets the rules are tuned on but the classifier never fits on (ops.training)."""
EXTERNAL_FAQ_SET = PROJECT_ROOT / "tests" / "external" / "dev_other_providers.yml"
"""Other providers' FAQ questions collected apart from the frozen set (no shared text, page or site)."""
SAFETY_CONVERSATIONS = PROJECT_ROOT / "tests" / "safety" / "conversations_dev.yml"
"""Multi-turn safety conversations written apart from the frozen tests/safety/conversations.yml."""
LAYERS = ("rules", "model", "combined")


def conversation_files(directory: Path = CONVERSATION_SETS) -> list[Path]:
    """The development conversation sets, dev.yml first (never the frozen freetext.yml)."""
    return sorted(directory.glob("dev*.yml"))


def safety_files(directory: Path = SAFETY_SETS) -> list[Path]:
    """The development crisis sets."""
    return sorted(directory.glob("*.yml"))


def run_conversation_sets(
    files: Sequence[Path],
    say: freetext.Say,
    tracker: Callable[[str], dict[str, Any]],
) -> dict[str, dict[str, Any]]:
    """Each set's turn figures (as for the frozen free-text set), by file name."""
    results: dict[str, dict[str, Any]] = {}
    for path in files:
        turns = []
        for conversation in freetext.load_conversations(path):
            turns.extend(freetext.run_conversation(conversation, say, tracker))
        results[path.name] = freetext.summarise(turns)
    return results


def layer_figures(result: Mapping[str, Any]) -> dict[str, Any]:
    """Recall and false positives of each layer from `safety_test.in_process`'s result.

    With the counts per crisis category and the false positives, so that sets can be pooled (`pooled`).
    """
    return {
        layer: {
            "recall": result[layer]["recall"],
            "false_positive_rate": result[layer]["false_positive_rate"],
            "crisis_messages": result[layer]["crisis_messages"],
            "negatives": result[layer]["negatives"],
            "false_positives": sum(g["flagged"] for g in result[layer]["false_positives_per_kind"].values()),
            "per_category": {
                name: {"total": g["total"], "flagged": g["flagged"]}
                for name, g in result[layer]["recall_per_category"].items()
            },
        }
        for layer in LAYERS
    }


def pooled(sets: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """Every set's messages together, per layer: crisis messages flagged (also per category), false alarms.

    Empty when a set lacks the counts (a summary written before they were kept).
    """
    if not sets or any("per_category" not in figures[layer] for figures in sets.values() for layer in LAYERS):
        return {}
    totals: dict[str, dict[str, Any]] = {}
    for layer in LAYERS:
        categories: dict[str, dict[str, int]] = {}
        for figures in sets.values():
            for name, group in figures[layer]["per_category"].items():
                total = categories.setdefault(name, {"total": 0, "flagged": 0})
                total["total"] += group["total"]
                total["flagged"] += group["flagged"]
        totals[layer] = {
            "crisis_messages": sum(figures[layer]["crisis_messages"] for figures in sets.values()),
            "flagged": sum(group["flagged"] for group in categories.values()),
            "negatives": sum(figures[layer]["negatives"] for figures in sets.values()),
            "false_positives": sum(figures[layer]["false_positives"] for figures in sets.values()),
            "per_category": dict(sorted(categories.items())),
        }
    return totals


def halves(files: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """The sets in two halves by name (written in that order, so the newer half is held out once)."""
    ordered = sorted(files)
    middle = (len(ordered) + 1) // 2
    return ordered[:middle], ordered[middle:]


def cross_fitted_safety_sets(files: Sequence[Path]) -> dict[str, dict[str, Any]]:
    """Each set's layer figures from a classifier fitted as the model's, but without its half of the sets.

    The trained model's classifier fits on every development set (config.yml, `development_sets`), so its
    figures on them would be training figures. Here the fit is repeated twice on the model's other data
    plus one half of the sets, and each half is measured with the classifier that never saw it.
    """
    from bot.encoder import load_encoder
    from bot.safety import semantic
    from components.safety_detector import classifier_only_examples, development_set, training_pairs

    detector = safety_test.detector_config()
    base = training_pairs(_nlu_training_data()) + classifier_only_examples(detector, development=False)
    encoder = load_encoder()
    results: dict[str, dict[str, Any]] = {}
    first, second = halves(files)
    for held_out, fitted_on in ((first, second), (second, first)):
        pairs = base + [pair for path in fitted_on for pair in development_set(path)]
        texts = [text for text, _label in pairs]
        classifier = semantic.fit(
            encoder.encode(texts),
            texts,
            [label for _text, label in pairs],
            float(detector.get("regularisation", 4.0)),
            int(detector.get("random_seed", 2718)),
        )
        for path in held_out:
            found = safety_test.in_process(safety_test.load_testset(path), fitted=(classifier, detector))
            results[path.name] = layer_figures(found)
    return {path.name: results[path.name] for path in sorted(files)}


def untrained_safety_sets(files: Sequence[Path], model: Path) -> dict[str, dict[str, Any]]:
    """Each set's layer figures read by the trained model: its classifier never saw these sets."""
    fitted = safety_test.load_classifier(model)  # once, not once per set
    return {
        path.name: layer_figures(safety_test.in_process(safety_test.load_testset(path), fitted=fitted))
        for path in sorted(files)
    }


def _nlu_training_data() -> Any:
    """The NLU training data `rasa train` reads (data/nlu and the FAQ examples rendered from content/)."""
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_dict(  # with the stories' texts, as training has them
        domain_path=str(PROJECT_ROOT / "domain.yml"), training_data_paths=[str(PROJECT_ROOT / "data")]
    )
    return importer.get_nlu_data()
