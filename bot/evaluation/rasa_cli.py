"""Run `rasa` command lines as subprocesses, logging to a file and timing them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from bot.config import PROJECT_ROOT


def rasa_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for Rasa children: telemetry off, quiet TensorFlow."""
    env = dict(os.environ)
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"})
    env.update(extra or {})
    return env


def run_rasa(
    args: list[str],
    log: Path,
    cwd: Path = PROJECT_ROOT,
    timeout: float = 3600,
    on_tick: Callable[[], None] | None = None,
) -> tuple[int, float]:
    """Run `python -m rasa <args>` with output to `log`; return (exit code, seconds).

    `on_tick` is called about once a second while it runs (to refresh a progress bar).
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
            [sys.executable, "-m", "rasa", *args], cwd=cwd, env=rasa_env(), stdout=out,
            stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            while process.poll() is None:
                if time.monotonic() - started > timeout:
                    process.kill()
                    process.wait()
                    break
                if on_tick:
                    on_tick()
                time.sleep(1)
        except BaseException:
            process.kill()
            process.wait()
            raise
    return process.returncode, time.monotonic() - started


def count_in_log(log: Path, needle: str) -> int:
    """How often `needle` occurs in `log` so far (0 when it does not exist yet)."""
    try:
        return log.read_text(encoding="utf-8", errors="replace").count(needle)
    except OSError:
        return 0
