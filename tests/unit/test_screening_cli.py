"""`python -m bot.screening` as a subprocess: JSON in, JSON out, one clear error line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.screening.engine import screen
from tests.unit.screening_support import calm_answers

ROOT = Path(__file__).resolve().parents[2]
CALM: dict[str, Any] = calm_answers(
    functioning="significant", current_care="weekly_helping", can_attend="virtual_only", group_ok="unsure"
)


def run_cli(stdin: str | bytes) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "bot.screening"],
        input=stdin.encode() if isinstance(stdin, str) else stdin,
        capture_output=True,
        cwd=ROOT,
        env={"PYTHONIOENCODING": "utf-8", "PATH": ""},
        timeout=60,
        check=False,
    )
    return subprocess.CompletedProcess(proc.args, proc.returncode, proc.stdout.decode(), proc.stderr.decode())


def test_valid_answers_print_the_result() -> None:
    proc = run_cli(json.dumps(CALM))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    out = json.loads(proc.stdout)
    assert out == screen(CALM).to_dict()
    assert (out["level"], out["flags"]) == ("iop", ["virtual_only"])


@pytest.mark.parametrize(
    ("stdin", "field"),
    [
        ("{not json", "answers"),
        ("", "answers"),
        ("[]", "answers"),
        ('"hello"', "answers"),
        (json.dumps({**CALM, "mood": "ok"}), "mood"),
        (json.dumps({k: v for k, v in CALM.items() if k != "safe_home"}), "safe_home"),
        (json.dumps({**CALM, "wish_dead": "yes"}), "wish_dead"),
        (json.dumps({**CALM, "suicide_plan": False}), "suicide_plan"),
        (json.dumps({**CALM, "group_ok": "<b>yes</b>"}), "group_ok"),
        ("x" * 100_001, "answers"),
        (b"\xff\xfe{}", "answers"),
    ],
    ids=[
        "broken",
        "empty",
        "list",
        "string",
        "unknown",
        "missing",
        "type",
        "skip",
        "html",
        "huge",
        "not-utf8",
    ],
)
def test_invalid_input_exits_non_zero_with_one_line(stdin: str | bytes, field: str) -> None:
    proc = run_cli(stdin)
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"error: {field}: ")
