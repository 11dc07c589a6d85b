"""Fixtures that run the real assistant: the trained model behind Rasa, the action server, the web app.

The model is the one `make train` produced for the current inputs (MODEL_PATH overrides). Tests marked
`model` are skipped with a clear reason when it does not exist; `make test` always trains first.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest

from tests.integration.stack import RunningStack, start_stack

# A developer's .env must not change what the tests see; tests that read an env file name their own.
os.environ["IOP_ENV_FILE"] = os.devnull


def _model_path() -> Path:
    from ops.training import model_path

    configured = os.environ.get("MODEL_PATH", "").strip()
    return Path(configured).resolve() if configured else model_path()


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The current trained model, or skip."""
    path = _model_path()
    if not path.is_file():
        pytest.skip(f"no trained model at {path}: run `make train` (make test does)")
    return path


@pytest.fixture(scope="session")
def stack(trained_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """The whole assistant, started once per test session."""
    running = start_stack(trained_model, tmp_path_factory.mktemp("stack"))
    yield running
    running.stop()


@pytest.fixture(scope="session")
def stack_without_actions(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[RunningStack]:
    """Rasa alone: its action endpoint points at a closed port, as when the action server is down."""
    running = start_stack(
        trained_model, tmp_path_factory.mktemp("no-actions"), with_actions=False, with_web=False
    )
    yield running
    running.stop()
