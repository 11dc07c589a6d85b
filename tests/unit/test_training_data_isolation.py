"""Training data never holds a message of the frozen test sets or the development sets (issues 14, 15).

The one exception is by design: the crisis classifier also fits on the development crisis sets
(tests/safety_dev, measured cross-fitted), so those must hold no frozen message.

The test sets were written apart and frozen before tuning; a copy in the training data would make their
figures meaningless. Messages of three words or fewer ("yes", "no thanks") are common to everyone and
are allowed.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _norm(text: object) -> str:
    return " ".join(str(text).lower().split())


def _frozen() -> set[str]:
    """The frozen test sets' messages (more than three words)."""
    texts: set[str] = set()
    testset = yaml.safe_load((ROOT / "tests/safety/testset.yml").read_text())
    texts |= {_norm(x["text"]) for x in testset["crisis"] + testset["negatives"]}
    paraphrases = yaml.safe_load((ROOT / "tests/safety/paraphrases.yml").read_text())
    texts |= {_norm(x["text"]) for x in paraphrases["crisis"] + paraphrases["negatives"]}
    for name, key in (
        ("tests/safety/conversations.yml", "text"),
        ("tests/conversations/freetext.yml", "user"),
    ):
        conversations = yaml.safe_load((ROOT / name).read_text())["conversations"]
        texts |= {_norm(turn[key]) for conversation in conversations for turn in conversation["turns"]}
    for path in sorted((ROOT / "tests/external").glob("*.yml")):  # frozen, and the development set
        texts |= {_norm(q["text"]) for q in yaml.safe_load(path.read_text())["questions"]}
    return {text for text in texts if len(text.split()) > 3}


def _development_crisis_sets() -> set[str]:
    """The development crisis sets' messages (more than three words)."""
    texts: set[str] = set()
    for path in sorted((ROOT / "tests/safety_dev").rglob("*.yml")):  # with not_trained/
        dev = yaml.safe_load(path.read_text())
        texts |= {_norm(x["text"] if isinstance(x, dict) else x) for x in dev["crisis"] + dev["negatives"]}
    return {text for text in texts if len(text.split()) > 3}


def _held_out() -> set[str]:
    """Messages no NLU example, crisis example or hard negative may copy: the frozen and development sets."""
    return _frozen() | _development_crisis_sets()


def _nlu_examples() -> list[tuple[str, str | None, str]]:
    """(file name, intent or None, example text as written) of every example in data/nlu."""
    examples: list[tuple[str, str | None, str]] = []
    for path in sorted((ROOT / "data/nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text()).get("nlu") or []:
            for line in (block.get("examples") or "").splitlines():
                if line.strip().startswith("- "):
                    examples.append((path.name, block.get("intent"), line.strip()[2:]))
    return examples


def _training_texts() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, _intent, text in _nlu_examples():
        found.setdefault(_norm(text), name)
    for name, key in (("hard_negatives.yml", "negatives"), ("crisis_examples.yml", "crisis")):
        groups = yaml.safe_load((ROOT / "bot/safety" / name).read_text())[key]
        for texts in groups.values():
            for text in texts:
                found.setdefault(_norm(text), name)
    return found


def test_no_held_out_message_is_training_data() -> None:
    training = _training_texts()
    leaked = {text: training[text] for text in _held_out() if text in training}
    assert not leaked, f"held-out messages in training data (text: file): {leaked}"


def test_the_development_crisis_sets_hold_no_frozen_message() -> None:
    """The crisis classifier fits on the development crisis sets (config.yml, `development_sets`), so a
    frozen message copied into one would be training data too."""
    def words(text: str) -> str:  # "I want to kill myself." and "i want to kill myself" are one message
        return " ".join(re.sub(r"[^\w\s]", " ", text).split())

    development = {words(text) for text in _development_crisis_sets()}
    assert len(development) > 5000
    copied = sorted({words(text) for text in _frozen()} & development)
    assert not copied, copied


def _labelled_examples() -> list[tuple[str, str]]:
    """(normalised text, intent) of every NLU example; entity annotations reduced to their words."""
    pairs: list[tuple[str, str]] = []
    for _name, intent, text in _nlu_examples():
        if intent:
            words = re.sub(r"\[([^\]]*)\]\{[^}]*\}", r"\1", text)
            pairs.append((" ".join(re.sub(r"[^\w\s']", " ", words.lower()).split()), str(intent)))
    return pairs


def test_no_example_is_labelled_with_two_intents() -> None:
    """A text under two labels teaches the classifier both ("would IOP work for someone like me" was
    once a screening request and an FAQ question at the same time)."""
    labels: dict[str, set[str]] = {}
    for text, intent in _labelled_examples():
        labels.setdefault(text, set()).add(intent)
    assert len(labels) > 3000
    conflicts = {text: sorted(found) for text, found in labels.items() if len(found) > 1}
    assert not conflicts, conflicts
