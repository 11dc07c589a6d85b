"""Train the Rasa model only when its inputs changed.

The model is named after a fingerprint of everything training reads (config, domain, training data,
content, custom components, the Rasa version), so `models/<fingerprint>.tar.gz` existing means the model
is current. `python -m ops.training path` prints that path; `python -m ops.training train` trains if needed.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Iterable

import yaml

from bot.config import PROJECT_ROOT

MODELS_DIR = PROJECT_ROOT / "models"
# What training reads. data/generated/ is derived from content/, which is hashed instead; custom
# components count when config.yml names them (an event broker or lock store does not change the model).
TRAINING_INPUTS = (
    "config.yml",
    "domain.yml",
    "data",
    "content",
    # read by the trained components beyond their own module: the encoder, the n-grams, the linear
    # classifiers and their shared glue, the semantic classifier, its hard negatives, its crisis examples
    # and the development crisis sets it also fits on (the rules in bot/safety/patterns.yml are read at
    # run time, not trained)
    "bot/encoder.py",
    "bot/text_features.py",
    "bot/text_classifier.py",
    "components/linear_classifier.py",
    "bot/safety/semantic.py",
    "bot/safety/hard_negatives.yml",
    "bot/safety/crisis_examples.yml",
    "tests/safety_dev",
)
SKIPPED_PARTS = {"generated", "__pycache__", "not_trained"}
"""Never read by training: caches, and development sets kept beside the trained ones (not_trained/)."""


def configured_component_files(root: Path) -> list[Path]:
    """The project's modules that config.yml uses as pipeline components or policies."""
    config = root / "config.yml"
    if not config.is_file():
        return []
    document = yaml.safe_load(config.read_text(encoding="utf-8")) or {}
    names = [
        str(item.get("name", ""))
        for section in ("pipeline", "policies")
        for item in document.get(section) or []
        if isinstance(item, dict)
    ]
    modules = {name.rsplit(".", 1)[0] for name in names if name.startswith("components.")}
    return [root / f"{module.replace('.', '/')}.py" for module in sorted(modules)]


def training_files(root: Path = PROJECT_ROOT) -> list[Path]:
    """Every file that influences the trained model, in a stable order."""
    files: list[Path] = []
    for name in TRAINING_INPUTS:
        path = root / name
        if path.is_file():
            files.append(path)
        elif path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not SKIPPED_PARTS.intersection(p.relative_to(root).parts)
            )
    files.extend(path for path in configured_component_files(root) if path.is_file())
    return files


def fingerprint(files: Iterable[Path], root: Path = PROJECT_ROOT, salt: str = "") -> str:
    """A short hash of the files' paths and bytes (and `salt`, e.g. the Rasa version)."""
    digest = hashlib.sha256(salt.encode())
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


class TrainingInputError(ValueError):
    """A training input cannot be read; the message names the file and line."""


def check_yaml(files: Iterable[Path], root: Path = PROJECT_ROOT) -> None:
    """Parse every YAML input, so a typo gives one clear error instead of a Rasa traceback."""
    for path in files:
        if path.suffix not in {".yml", ".yaml"}:
            continue
        try:
            yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "unknown line"
            raise TrainingInputError(
                f"{path.relative_to(root)} is not valid YAML ({where}): {exc.problem}"
            ) from None
        except (yaml.YAMLError, UnicodeDecodeError) as exc:
            raise TrainingInputError(f"{path.relative_to(root)} cannot be read: {exc}") from None


TRAINING_HASH_SEED = "2718"
"""Python's string hashing seed for `rasa train`: with it, set iteration (the featurizers' vocabularies)
is the same on every machine, so a fresh clone trains the same model as a developer's cache."""


def training_environment(env: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for `rasa train`: `env` (default: this process's) with a fixed hash seed."""
    return {**(dict(os.environ) if env is None else env), "PYTHONHASHSEED": TRAINING_HASH_SEED}


def model_path(root: Path = PROJECT_ROOT) -> Path:
    """Where the model for the current inputs is (or will be) stored."""
    salt = f"rasa=={metadata.version('rasa')} hashseed={TRAINING_HASH_SEED}"
    return root / "models" / f"{fingerprint(training_files(root), root, salt)}.tar.gz"


def train(root: Path = PROJECT_ROOT) -> Path:
    """Render content, then train unless the model for these inputs already exists."""
    from ops.content import render_all

    check_yaml(training_files(root), root)
    render_all()
    target = model_path(root)
    if target.exists():
        print(f"model is up to date: {target.relative_to(root)}")
        return target
    print(f"training {target.relative_to(root)} (inputs changed or no model yet)", flush=True)
    command = [
        sys.executable, "-m", "rasa", "train",
        "--fixed-model-name", target.name.removesuffix(".tar.gz"),
        "--out", str(target.parent),
    ]
    subprocess.run(command, cwd=root, check=True, env=training_environment())  # noqa: S603 (fixed argv)
    return target


def main(argv: list[str] | None = None) -> int:
    """`path` prints the current model path; `train` trains if needed and prints it."""
    parser = argparse.ArgumentParser(prog="python -m ops.training")
    parser.add_argument("command", choices=["path", "train"])
    args = parser.parse_args(argv)
    if args.command == "path":
        print(model_path().relative_to(PROJECT_ROOT))
        return 0
    try:
        path = train()
    except TrainingInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as exc:
        print(f"training failed (exit {exc.returncode}); Rasa's message is above", file=sys.stderr)
        return 1
    print(path.relative_to(PROJECT_ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
