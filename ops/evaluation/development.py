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
    """Recall and false positives of each layer from `safety_test.in_process`'s result."""
    return {
        layer: {
            "recall": result[layer]["recall"],
            "false_positive_rate": result[layer]["false_positive_rate"],
            "crisis_messages": result[layer]["crisis_messages"],
            "negatives": result[layer]["negatives"],
        }
        for layer in LAYERS
    }


def run_safety_sets(files: Sequence[Path], model: Path) -> dict[str, dict[str, Any]]:
    """Each set's recall and false positives for the rules, the classifier and both, in-process."""
    cases = {path.name: safety_test.load_testset(path) for path in files}
    return {name: layer_figures(safety_test.in_process(found, model)) for name, found in cases.items()}
