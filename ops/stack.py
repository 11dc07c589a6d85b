"""The local process stack: start services, wait until each answers, supervise, stop them all.

Shared by `make run` (ops.launcher), `make run-prod` (ops.production), the evaluation and the tests;
the children are started and awaited by ops.processes, as the evaluation's servers are.
Nothing here is a command line, so no entry point imports its own `__main__` a second time.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import yaml

from bot.config import PROJECT_ROOT, VAR_DIR, Settings
from bot.messaging import effective_credentials
from ops import processes
from ops.rasa_endpoints import endpoints_config

READY_TIMEOUT_S = 300


@dataclass
class Service:
    """One child process and the URL that answers 200 once it is ready.

    `started_at`, `failures` and `restart_at` are the supervisor's bookkeeping (monotonic seconds).
    """

    name: str
    argv: list[str]
    ready_url: str
    process: subprocess.Popen[bytes] | None = None
    started_at: float = 0.0
    failures: int = 0
    restart_at: float | None = None


@dataclass(frozen=True)
class RestartPolicy:
    """When to restart a service that died after the stack was ready: 1 s, 2 s, 4 s ... up to 30 s.

    A service that had stayed up for `stable_after_s` before dying starts the series again at 1 s.
    """

    first_delay_s: float = 1.0
    max_delay_s: float = 30.0
    stable_after_s: float = 60.0

    def failures_after_exit(self, failures: int, uptime_s: float) -> int:
        """The count of consecutive failures once a service with `failures` so far died after `uptime_s`."""
        return 1 if uptime_s >= self.stable_after_s else failures + 1

    def delay(self, failures: int) -> float:
        """The wait in seconds before restarting a service after its `failures`-th consecutive death."""
        doublings = min(max(failures - 1, 0), 32)  # bounded: 2**32 s is far beyond any cap
        return float(min(self.max_delay_s, self.first_delay_s * 2**doublings))


class LaunchError(RuntimeError):
    """A reason the stack cannot start, phrased for the person who typed `make run`."""


def check_port_free(host: str, port: int, variable: str) -> None:
    """Raise LaunchError naming the variable when `port` is taken."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise LaunchError(
                f"port {port} ({variable}) is already in use: stop the program using it "
                f"or choose another port, e.g. `{variable}={port + 1} make run`"
            ) from None


CREDENTIALS_FILES = (PROJECT_ROOT / "credentials.yml", PROJECT_ROOT / "channels" / "messaging.yml")
"""Rasa's own credentials (REST, socket.io; `rasa run` reads it as is) and the opt-in messaging channels."""


def credentials_config(env: Mapping[str, str], paths: tuple[Path, ...] = CREDENTIALS_FILES) -> dict[str, Any]:
    """The channels to enable: rest and socketio always, messaging ones only when configured."""
    template: dict[str, Any] = {}
    for path in paths:
        template.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    return effective_credentials(template, env)


def _write_private(path: Path, text: str) -> None:
    """Write a file only its owner can read: it may hold passwords and channel tokens."""
    path.touch(mode=0o600, exist_ok=True)
    path.chmod(0o600)
    path.write_text(text, encoding="utf-8")


def run_dir(pid: int | None = None, var_dir: Path = VAR_DIR) -> Path:
    """The directory of one run's Rasa configuration: var/run-<pid>/ (default: this process)."""
    return var_dir / f"run-{os.getpid() if pid is None else pid}"


def _pid_alive(pid: int) -> bool:
    """Whether a process with `pid` exists (it may belong to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_stale_run_dirs(var_dir: Path = VAR_DIR) -> list[Path]:
    """Delete var/run-<pid>/ directories whose launcher is gone (e.g. killed with SIGKILL)."""
    removed = []
    for path in sorted(var_dir.glob("run-*")):
        pid = path.name.removeprefix("run-")
        if path.is_dir() and pid.isdigit() and int(pid) != os.getpid() and not _pid_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    return removed


@contextmanager
def run_config(
    settings: Settings, env: dict[str, str], var_dir: Path = VAR_DIR
) -> Iterator[tuple[Path, Path]]:
    """endpoints.yml and credentials.yml in this run's own directory, removed when the run ends.

    Two stacks started from one checkout (e.g. on other ports) never read each other's files.
    """
    remove_stale_run_dirs(var_dir)
    out_dir = run_dir(var_dir=var_dir)
    try:
        yield write_runtime_config(settings, env, out_dir)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def write_runtime_config(
    settings: Settings, env: dict[str, str], out_dir: Path = VAR_DIR
) -> tuple[Path, Path]:
    """Write endpoints.yml and credentials.yml for this run into `out_dir` (default var/)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    endpoints = out_dir / "endpoints.yml"
    _write_private(
        endpoints, yaml.safe_dump(endpoints_config(env, settings.database_url, settings.action_port))
    )
    credentials = out_dir / "credentials.yml"
    _write_private(
        credentials, yaml.safe_dump(credentials_config(env))
    )
    return endpoints, credentials


def build_services(settings: Settings, model: Path, endpoints: Path, credentials: Path) -> list[Service]:
    """The three processes of the embedded stack, in start order."""
    python = sys.executable
    web_origins = [f"http://localhost:{settings.web_port}", f"http://127.0.0.1:{settings.web_port}"]
    return [
        Service(
            "action server",
            [python, "-m", "rasa_sdk", "--actions", "actions", "--port", str(settings.action_port)],
            f"http://127.0.0.1:{settings.action_port}/health",
        ),
        Service(
            "Rasa server",
            [
                python, "-m", "rasa", "run", "--model", str(model), "--enable-api",
                # "--opt=value": a random token may start with "-", which argparse would
                # otherwise read as the next option and exit with code 2.
                f"--auth-token={settings.rasa_auth_token}", "--port", str(settings.rasa_port),
                "--interface", settings.host, "--endpoints", str(endpoints),
                "--credentials", str(credentials), "--cors", *web_origins,
            ],
            f"http://127.0.0.1:{settings.rasa_port}/status?token={settings.rasa_auth_token}",
        ),
        Service(
            "web app",
            [python, "-m", "bot.web", "--port", str(settings.web_port)],
            f"http://127.0.0.1:{settings.web_port}/health",
        ),
    ]


def wait_ready(service: Service, deadline: float) -> None:
    """Poll the service's ready URL until it answers 200, it exits, or the deadline passes."""
    assert service.process is not None
    try:
        processes.wait_ready(
            service.ready_url, service.process, READY_TIMEOUT_S, f"the {service.name}", deadline=deadline
        )
    except processes.NotReady as exc:
        raise LaunchError(str(exc)) from None


def stop_all(services: list[Service]) -> None:
    """Terminate every started child (its whole process group), then kill stragglers."""
    for service in reversed(services):
        if service.process and service.process.poll() is None:
            os.killpg(service.process.pid, signal.SIGTERM)
    for service in services:
        if service.process:
            try:
                service.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(service.process.pid, signal.SIGKILL)


def ready_banner(settings: Settings, rasa_ports: tuple[int, ...] = ()) -> str:
    """The URLs printed once everything answers."""
    rasa = "\n".join(
        f"  Rasa REST channel          http://localhost:{port}/webhooks/rest/webhook"
        for port in rasa_ports or (settings.rasa_port,)
    )
    return (
        f"  Chat widget and demo page  http://localhost:{settings.web_port}/\n"
        f"  Staff console              http://localhost:{settings.web_port}/console\n"
        f"  Health                     http://localhost:{settings.web_port}/health\n"
        f"{rasa}\n"
        f"  Action server              http://localhost:{settings.action_port}/health"
    )


def start(service: Service, env: dict[str, str], now: float | None = None) -> None:
    """Start (or restart) the service's process in its own process group.

    On a restart, whatever the dead process left in its group (helpers holding its port) is ended first.
    """
    if service.process is not None:
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(service.process.pid, signal.SIGTERM)
    service.process = processes.spawn(service.argv, PROJECT_ROOT, env)
    service.started_at = time.monotonic() if now is None else now
    service.restart_at = None


def exit_report(service: Service, code: int | None, delay: float) -> str:
    """The one line logged when a service died: its name and exit code, nothing from the conversation."""
    return f"the {service.name} exited with code {code}; restarting it in {delay:g} s"


def check_services(
    services: list[Service],
    env: dict[str, str],
    policy: RestartPolicy,
    now: float,
    restart: Callable[[Service, dict[str, str], float], None] = start,
) -> list[str]:
    """One supervision pass: schedule a restart for each newly dead service, `restart` those due.

    Returns the lines to log (one per service that died). The other services are not touched.
    """
    lines = []
    for service in services:
        if service.process is None:
            continue
        if service.restart_at is None:
            code = service.process.poll()
            if code is None:
                continue
            service.failures = policy.failures_after_exit(service.failures, now - service.started_at)
            delay = policy.delay(service.failures)
            service.restart_at = now + delay
            lines.append(exit_report(service, code, delay))
        elif now >= service.restart_at:
            restart(service, env, now)
    return lines


def supervise(
    services: list[Service],
    env: dict[str, str],
    banner: str,
    after_ready: Callable[[], str] | None = None,
    *,
    policy: RestartPolicy | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    poll_s: float = 1.0,
) -> int:
    """Start `services` in order, wait until all answer, then keep them running until Ctrl-C.

    A service that exits before the stack is ready stops the start (LaunchError: a configuration
    problem, reported at once). Once ready, a service that dies is reported on one line and restarted
    after the `policy`'s backoff while the others keep serving. `after_ready` adds a note below the URLs
    (e.g. how to create the first staff account); `should_stop` ends the supervision (tests).
    """
    policy = policy or RestartPolicy()
    started = time.monotonic()
    try:
        for service in services:
            print(f"starting the {service.name} ...", flush=True)
            start(service, env)
        deadline = time.monotonic() + READY_TIMEOUT_S
        for service in services:
            wait_ready(service, deadline)
        note = after_ready() if after_ready else ""
        elapsed = time.monotonic() - started
        print(f"\nReady in {elapsed:.0f} s.\n{banner}\n{note}Press Ctrl-C to stop.", flush=True)
        while not should_stop():
            for line in check_services(services, env, policy, time.monotonic()):
                print(line, file=sys.stderr, flush=True)
            time.sleep(poll_s)
        return 0
    except KeyboardInterrupt:
        print("\nstopping ...", flush=True)
        return 0
    finally:
        stop_all(services)


def first_account_note(database_url: str) -> str:
    """How to create the first staff account, when nobody can sign in to the console yet."""
    from sqlalchemy.exc import SQLAlchemyError

    from bot.db import session_scope
    from bot.triage.users import FIRST_ACCOUNT_COMMAND, count_active_users

    try:
        with session_scope(database_url) as session:
            if count_active_users(session):
                return ""
    except SQLAlchemyError:
        return ""  # the web app reports database problems itself
    return (
        "\nNo staff account exists yet, so nobody can sign in to the console. Create the first one\n"
        f"(the password is prompted) in another terminal:\n  {FIRST_ACCOUNT_COMMAND}\n\n"
    )
