"""Unit tests run without TensorFlow; `db_url` is a fresh SQLite database with the app's tables.

thinc (under spaCy) imports TensorFlow whenever it is installed, which costs seconds and memory and
hides accidental dependencies. The import is blocked only while thinc.compat loads, so tests marked
`rasa` that really need TensorFlow can still import it afterwards.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.db_support import fresh_sqlite


def _import_thinc_without_tensorflow() -> None:
    if "thinc.compat" in sys.modules:
        return
    blocked = "tensorflow" not in sys.modules
    if blocked:
        sys.modules["tensorflow"] = None  # type: ignore[assignment]
    try:
        import thinc.compat  # noqa: F401
    finally:
        if blocked:
            del sys.modules["tensorflow"]


_import_thinc_without_tensorflow()


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A new SQLite database under the test's tmp_path with every app table."""
    return fresh_sqlite(tmp_path)
