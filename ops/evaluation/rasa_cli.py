"""Run `rasa` (and the project's Rasa tools) as subprocesses, logging to files and timing them."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable, Sequence

from bot.config import PROJECT_ROOT
from ops.processes import spawn

NO_TRAINING_CACHE = {"RASA_MAX_CACHE_SIZE": "0"}
"""Rasa reuses trained components from .rasa/cache; measured trainings must start from nothing."""


def rasa_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment for Rasa children: telemetry off, quiet TensorFlow."""
    env = dict(os.environ)
    env.update({"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2"})
    env.update(extra or {})
    return env


def run_module(
    module: str,
    args: list[str],
    log: Path,
    cwd: Path = PROJECT_ROOT,
    timeout: float = 3600,
    on_tick: Callable[[], None] | None = None,
    env: dict[str, str] | None = None,
) -> tuple[int, float]:
    """Run `python -m <module> <args>` (e.g. module "rasa") with output to `log`; (exit code, seconds).

    `on_tick` is called about once a second while it runs (to refresh a progress bar); `env` adds
    variables to the child's environment.
    """
    started = time.monotonic()
    (code,) = run_parallel([([module, *args], log)], 1, cwd, timeout, on_tick, env)
    return code, time.monotonic() - started


def run_parallel(
    commands: Sequence[tuple[list[str], Path]],
    jobs: int,
    cwd: Path = PROJECT_ROOT,
    timeout: float = 3600,
    on_tick: Callable[[], None] | None = None,
    env: dict[str, str] | None = None,
) -> list[int]:
    """Run `python -m <argv>` for each (argv, log), at most `jobs` at once; return the exit codes.

    A command still running after `timeout` seconds (from the start of all) is killed and reports
    -9; an interrupt kills every running child before it propagates.
    """
    codes: list[int | None] = [None] * len(commands)
    pending = list(range(len(commands)))
    running: dict[int, subprocess.Popen[bytes]] = {}
    started = time.monotonic()
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                index = pending.pop(0)
                argv, log = commands[index]
                running[index] = spawn([sys.executable, "-m", *argv], cwd, rasa_env(env), log)
            for index, process in list(running.items()):
                if process.poll() is not None:
                    codes[index] = process.returncode
                    del running[index]
                elif time.monotonic() - started > timeout:
                    _kill(process)
                    codes[index] = -9
                    del running[index]
            if on_tick:
                on_tick()
            if running:
                time.sleep(1)
    finally:
        for process in running.values():
            _kill(process)
    return [-9 if code is None else code for code in codes]


def _kill(process: subprocess.Popen[bytes]) -> None:
    process.kill()
    process.wait()
