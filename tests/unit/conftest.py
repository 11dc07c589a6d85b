"""Unit tests run without TensorFlow.

thinc (under spaCy) imports TensorFlow whenever it is installed, which costs seconds and memory and
hides accidental dependencies. The import is blocked only while thinc.compat loads, so tests marked
`rasa` that really need TensorFlow can still import it afterwards.
"""

from __future__ import annotations

import sys


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
