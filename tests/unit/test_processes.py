"""ops/processes.py: the one spawn / wait-ready / stop the launcher and the evaluation share."""

from __future__ import annotations

import socket
import sys
import time
from pathlib import Path

import pytest

from ops.processes import NotReady, answers, spawn, stop_process, wait_ready

SERVE = (
    "import http.server, sys\n"
    "class H(http.server.BaseHTTPRequestHandler):\n"
    "    def do_GET(self):\n"
    "        self.send_response(200); self.end_headers()\n"
    "    def log_message(self, *a):\n"
    "        pass\n"
    "print('serving', flush=True)\n"
    "http.server.HTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()\n"
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_child_is_ready_once_it_answers_and_stops_with_its_group(tmp_path: Path) -> None:
    port, log = _free_port(), tmp_path / "logs" / "child.log"
    process = spawn([sys.executable, "-c", SERVE, str(port)], tmp_path, {"PATH": "/usr/bin:/bin"}, log)
    try:
        wait_ready(f"http://127.0.0.1:{port}/", process, 30, "the test server", poll_s=0.05)
        assert answers(f"http://127.0.0.1:{port}/")
    finally:
        stop_process(process)
    assert process.poll() is not None
    assert not answers(f"http://127.0.0.1:{port}/", timeout=0.5)
    assert "serving" in log.read_text()


def test_a_child_that_exits_is_named_with_its_code(tmp_path: Path) -> None:
    process = spawn([sys.executable, "-c", "raise SystemExit(4)"], tmp_path, {})
    with pytest.raises(NotReady, match="the broken server exited with code 4"):
        wait_ready(f"http://127.0.0.1:{_free_port()}/", process, 30, "the broken server", poll_s=0.05)


def test_a_child_that_never_answers_times_out(tmp_path: Path) -> None:
    process = spawn([sys.executable, "-c", "import time; time.sleep(30)"], tmp_path, {})
    started = time.monotonic()
    try:
        with pytest.raises(NotReady, match="the silent server was not ready after 1 s"):
            wait_ready(f"http://127.0.0.1:{_free_port()}/", process, 1, "the silent server", poll_s=0.05)
    finally:
        stop_process(process)
    assert time.monotonic() - started < 10
