"""Start Rasa servers for measurement (the project's and a stock `rasa init` one) on loopback ports."""

from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from bot.config import PROJECT_ROOT, Settings
from ops import processes
from ops.evaluation.rasa_cli import NO_TRAINING_CACHE, rasa_env, run_module
from ops.processes import spawn, stop_process
from ops.stack import build_services, write_runtime_config

READY_TIMEOUT_S = 600


def free_port() -> int:
    """A loopback TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def parse_vm_field(status: str, key: str = "VmRSS") -> int | None:
    """The value in kB of `key` (e.g. VmRSS, VmHWM) in the text of /proc/<pid>/status."""
    for line in status.splitlines():
        name, _, rest = line.partition(":")
        if name == key:
            return int(rest.split()[0])
    return None


def memory_mb(pid: int, key: str = "VmRSS") -> float | None:
    """Resident memory of process `pid` in MB (None when it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return None
    kb = parse_vm_field(status, key)
    return None if kb is None else round(kb / 1024, 1)


@dataclass
class Server:
    """A started Rasa server (plus helper processes such as the action server)."""

    name: str
    url: str
    token: str
    process: subprocess.Popen[bytes]
    startup_s: float
    helpers: list[subprocess.Popen[bytes]] = field(default_factory=list)

    def stop(self) -> None:
        """Stop the server and its helpers (each one's process group)."""
        for process in [self.process, *self.helpers]:
            stop_process(process)


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = READY_TIMEOUT_S) -> None:
    """Poll `url` until it answers 200; raise when the process exits or the time is up."""
    processes.wait_ready(url, process, timeout, repr(process.args), poll_s=0.2)


def start_project(
    model: Path, workdir: Path, *, with_actions: bool = True, extra_env: dict[str, str] | None = None
) -> Server:
    """The project's action server (unless `with_actions` is False), then its Rasa server (timed)."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = rasa_env(
        {
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "BIND_HOST": "127.0.0.1",
            "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
            "RASA_AUTH_TOKEN": secrets.token_urlsafe(16),
            "COOKIE_SECURE": "0",
            "STAFF_WEBHOOK_URL": "",
            **(extra_env or {}),
        }
    )
    settings = Settings.from_env(env)
    endpoints, credentials = write_runtime_config(settings, env, workdir)
    services = {s.name: s for s in build_services(settings, model.resolve(), endpoints, credentials)}
    actions = services["action server"]
    action_process = (
        spawn(actions.argv, PROJECT_ROOT, env, workdir / "action_server.log") if with_actions else None
    )
    try:
        if action_process is not None:
            wait_ready(actions.ready_url, action_process)
        rasa = services["Rasa server"]
        started = time.monotonic()
        process = spawn(rasa.argv, PROJECT_ROOT, env, workdir / "rasa_server.log")
        try:
            wait_ready(rasa.ready_url, process)
        except BaseException:
            stop_process(process)
            raise
    except BaseException:
        if action_process is not None:
            stop_process(action_process)
        raise
    return Server(
        "project",
        f"http://127.0.0.1:{settings.rasa_port}",
        settings.rasa_auth_token,
        process,
        round(time.monotonic() - started, 1),
        [action_process] if action_process is not None else [],
    )


def init_stock(directory: Path, log: Path) -> tuple[Path, float]:
    """`rasa init --no-prompt` into `directory` (scaffold and train); the model and the seconds taken."""
    directory.mkdir(parents=True, exist_ok=True)
    code, seconds = run_module(
        "rasa",
        ["init", "--no-prompt", "--init-dir", str(directory)],
        log,
        cwd=directory,
        env=NO_TRAINING_CACHE,
    )
    models = sorted((directory / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if code != 0 or not models:
        raise RuntimeError(f"rasa init failed (exit {code}); see {log}")
    return models[-1], seconds


def start_stock(directory: Path, model: Path, log: Path) -> Server:
    """The stock assistant's Rasa server started like the project's (REST, API with a token)."""
    port, token = free_port(), secrets.token_urlsafe(16)
    argv = [
        sys.executable,
        "-m",
        "rasa",
        "run",
        "--model",
        str(model),
        "--enable-api",
        f"--auth-token={token}",
        "--port",
        str(port),
        "--interface",
        "127.0.0.1",
    ]
    started = time.monotonic()
    process = spawn(argv, directory, rasa_env(), log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_ready(f"{url}/status?token={token}", process)
    except BaseException:
        stop_process(process)
        raise
    return Server("stock", url, token, process, round(time.monotonic() - started, 1))


def train_project(out: Path, log: Path) -> float:
    """A fresh `rasa train` of the project into `out` (not models/); the seconds taken."""
    code, seconds = run_module(
        "rasa", ["train", "--out", str(out), "--fixed-model-name", "eval-retrain"], log, env=NO_TRAINING_CACHE
    )
    if code != 0:
        raise RuntimeError(f"rasa train failed (exit {code}); see {log}")
    return seconds


def tracker_reader(server: Server) -> Callable[[str], dict[str, Any]]:
    """A function returning a conversation's tracker from the server's HTTP API (token-protected)."""
    import httpx

    def read(sender: str) -> dict[str, Any]:
        response = httpx.get(
            f"{server.url}/conversations/{sender}/tracker", params={"token": server.token}, timeout=60
        )
        response.raise_for_status()
        return dict(response.json())

    return read


def parse(server: Server, text: str) -> dict[str, Any]:
    """The NLU parse of `text` by the server's model (`/model/parse`, token-protected)."""
    import httpx

    response = httpx.post(
        f"{server.url}/model/parse", params={"token": server.token}, json={"text": text}, timeout=60
    )
    response.raise_for_status()
    return dict(response.json())
