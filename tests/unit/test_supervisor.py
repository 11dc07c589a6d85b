"""The stack's supervisor (ops/stack.py): a died service restarts with backoff, the others keep serving."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from ops.stack import (
    LaunchError,
    RestartPolicy,
    Service,
    check_services,
    exit_report,
    remove_stale_run_dirs,
    run_config,
    run_dir,
    supervise,
)


class FakeProcess:
    """Stands in for a Popen: `code` None while running."""

    def __init__(self, pid: int, code: int | None = None) -> None:
        self.pid = pid
        self.code = code

    def poll(self) -> int | None:
        return self.code


def test_backoff_doubles_from_one_second_to_a_cap_of_thirty() -> None:
    policy = RestartPolicy()
    assert [policy.delay(n) for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]
    assert policy.delay(10_000) == 30


def test_backoff_starts_again_after_the_service_stayed_up_a_while() -> None:
    policy = RestartPolicy(stable_after_s=60)
    assert policy.failures_after_exit(failures=5, uptime_s=3) == 6
    assert policy.failures_after_exit(failures=5, uptime_s=60) == 1
    assert policy.failures_after_exit(failures=0, uptime_s=0.1) == 1


def test_a_dead_service_is_reported_once_and_restarted_when_its_delay_is_over() -> None:
    restarted: list[tuple[str, float]] = []

    def restart(service: Service, env: dict[str, str], now: float) -> None:
        restarted.append((service.name, now))
        service.process, service.started_at, service.restart_at = FakeProcess(99), now, None  # type: ignore[assignment]

    steady = Service("web app", ["x"], "u", process=FakeProcess(1), started_at=0)  # type: ignore[arg-type]
    flaky = Service("Rasa server 2", ["y"], "u", process=FakeProcess(2, code=-9), started_at=0)  # type: ignore[arg-type]
    services, policy = [steady, flaky], RestartPolicy()

    assert check_services(services, {}, policy, now=5.0, restart=restart) == [
        "the Rasa server 2 exited with code -9; restarting it in 1 s"
    ]
    assert check_services(services, {}, policy, now=5.5, restart=restart) == []  # not yet, not reported again
    assert restarted == []
    assert check_services(services, {}, policy, now=6.0, restart=restart) == []
    assert restarted == [("Rasa server 2", 6.0)]
    assert steady.process.pid == 1 and steady.failures == 0  # type: ignore[union-attr]

    flaky.process = FakeProcess(99, code=1)  # type: ignore[assignment]  # dies again 0.5 s later
    assert check_services(services, {}, policy, now=6.5, restart=restart) == [
        "the Rasa server 2 exited with code 1; restarting it in 2 s"
    ]
    assert flaky.restart_at == 8.5


def test_the_report_names_the_service_and_exit_code_only() -> None:
    line = exit_report(Service("action server", ["python", "-m", "rasa_sdk"], "http://x/health"), 3, 4.0)
    assert line == "the action server exited with code 3; restarting it in 4 s"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _http_child(port: int, lifetime_s: float | None, code: int = 3) -> list[str]:
    """A child answering 200 on `port`; exits with `code` after `lifetime_s` (None: runs until stopped)."""
    script = (
        "import http.server, os, sys, threading, time\n"
        "class H(http.server.BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        self.send_response(200); self.end_headers()\n"
        "    def log_message(self, *a):\n"
        "        pass\n"
        f"server = http.server.HTTPServer(('127.0.0.1', {port}), H)\n"
        "threading.Thread(target=server.serve_forever, daemon=True).start()\n"
        f"lifetime = {lifetime_s!r}\n"
        "time.sleep(lifetime if lifetime is not None else 3600)\n"
        f"os._exit({code})\n"
    )
    return [sys.executable, "-c", script]


def test_real_children_a_dying_one_is_restarted_and_the_other_untouched(
    capsys: pytest.CaptureFixture[str],
) -> None:
    steady_port, flaky_port = _free_port(), _free_port()
    steady = Service("steady", _http_child(steady_port, None), f"http://127.0.0.1:{steady_port}/")
    flaky = Service("flaky", _http_child(flaky_port, 1.5), f"http://127.0.0.1:{flaky_port}/")
    seen: dict[str, Any] = {}
    deadline = time.monotonic() + 30

    def should_stop() -> bool:
        assert steady.process is not None and flaky.process is not None
        seen.setdefault("steady_pid", steady.process.pid)
        seen.setdefault("flaky_pid", flaky.process.pid)
        if flaky.process.pid != seen["flaky_pid"]:  # restarted
            seen["steady_alive"] = steady.process.poll() is None
            seen["steady_same"] = steady.process.pid == seen["steady_pid"]
            return True
        return time.monotonic() > deadline

    code = supervise(
        [steady, flaky], {"PATH": "/usr/bin:/bin"}, "banner", should_stop=should_stop,
        policy=RestartPolicy(first_delay_s=0.2), poll_s=0.05,
    )

    assert code == 0
    assert seen.get("steady_alive") is True and seen.get("steady_same") is True, seen
    assert flaky.failures == 1
    assert "the flaky exited with code 3; restarting it in 0.2 s" in capsys.readouterr().err
    assert steady.process is not None and steady.process.poll() is not None  # stopped at the end
    assert flaky.process is not None and flaky.process.poll() is not None


def test_ctrl_c_stops_every_child_and_exits_cleanly() -> None:
    port = _free_port()
    service = Service("steady", _http_child(port, None), f"http://127.0.0.1:{port}/")

    def interrupt() -> bool:
        raise KeyboardInterrupt

    assert supervise([service], {"PATH": "/usr/bin:/bin"}, "banner", should_stop=interrupt) == 0
    assert service.process is not None and service.process.poll() is not None


def test_a_child_dying_before_the_stack_is_ready_stops_the_start() -> None:
    port = _free_port()
    broken = Service("broken", [sys.executable, "-c", "raise SystemExit(2)"], f"http://127.0.0.1:{port}/")
    with pytest.raises(LaunchError, match="the broken exited with code 2"):
        supervise([broken], {"PATH": "/usr/bin:/bin"}, "banner")


def test_each_run_writes_its_own_rasa_files_and_removes_them(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}")
    with run_config(settings, {}, tmp_path) as (endpoints, credentials):
        assert endpoints.parent == credentials.parent == run_dir(var_dir=tmp_path)
        assert endpoints.is_file() and credentials.is_file()
        assert not (tmp_path / "endpoints.yml").exists()
        other = run_dir(pid=1, var_dir=tmp_path)
        assert other != endpoints.parent  # another launcher's files live elsewhere
    assert not endpoints.parent.exists()


def test_run_dirs_of_launchers_that_are_gone_are_cleaned_up(tmp_path: Path) -> None:
    import subprocess

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    stale = run_dir(pid=int(gone.stdout), var_dir=tmp_path)
    alive = run_dir(pid=1, var_dir=tmp_path)  # init is always running
    for path in (stale, alive):
        path.mkdir()
        (path / "endpoints.yml").write_text("{}")
    assert remove_stale_run_dirs(tmp_path) == [stale]
    assert alive.is_dir() and not stale.exists()
