"""Start a server as a child process, wait until it answers, stop it (the launcher and the evaluation).

Every child runs in its own session (process group), so stopping it also stops whatever it started.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

STOP_GRACE_S = 15.0
"""How long a child has after SIGTERM before it is killed."""


class NotReady(RuntimeError):
    """The child exited, or did not answer in time; the message names it."""


def spawn(
    argv: list[str], cwd: Path, env: dict[str, str], log: Path | None = None
) -> subprocess.Popen[bytes]:
    """Start `argv` in its own session, its output to `log` when given (else to ours)."""
    if log is None:
        return subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
            argv, cwd=cwd, env=env, start_new_session=True
        )
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:  # the child keeps its own descriptor
        return subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
            argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether `url` answers 200 right now."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (loopback URLs)
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def wait_ready(
    url: str,
    process: subprocess.Popen[bytes],
    timeout_s: float,
    name: str,
    *,
    deadline: float | None = None,
    poll_s: float = 0.5,
) -> None:
    """Poll `url` until it answers 200; raise NotReady when `process` exits or the time is up.

    The time is `timeout_s` from now, or `deadline` (a `time.monotonic()` value several children
    share) when given; `name` is what the message calls the child (e.g. "the Rasa server").
    """
    end = time.monotonic() + timeout_s if deadline is None else deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise NotReady(f"{name} exited with code {process.returncode}")
        if answers(url):
            return
        time.sleep(poll_s)
    raise NotReady(f"{name} was not ready after {timeout_s:.0f} s")


def stop_process(process: subprocess.Popen[bytes], grace_s: float = STOP_GRACE_S) -> None:
    """SIGTERM the child's process group, then SIGKILL it after `grace_s`."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=grace_s)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=grace_s)
