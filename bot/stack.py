"""The local process stack: start services, wait until each answers, supervise, stop them all.

Shared by `make run` (bot.launcher), `make run-prod` (bot.production), the evaluation and the tests.
Nothing here is a command line, so no entry point imports its own `__main__` a second time.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import yaml

from bot.config import PROJECT_ROOT, VAR_DIR, Settings
from bot.messaging import effective_credentials
from bot.rasa_endpoints import endpoints_config

READY_TIMEOUT_S = 300


@dataclass
class Service:
    """One child process and the URL that answers 200 once it is ready."""

    name: str
    argv: list[str]
    ready_url: str
    process: subprocess.Popen[bytes] | None = None


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
    while time.monotonic() < deadline:
        assert service.process is not None
        if service.process.poll() is not None:
            raise LaunchError(f"the {service.name} exited with code {service.process.returncode}")
        try:
            with urllib.request.urlopen(service.ready_url, timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.5)
    raise LaunchError(f"the {service.name} was not ready after {READY_TIMEOUT_S} s")


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


def supervise(
    services: list[Service], env: dict[str, str], banner: str, after_ready: Callable[[], str] | None = None
) -> int:
    """Start `services` in order, wait until all answer, then watch them until Ctrl-C or one dies.

    `after_ready` adds a note below the URLs once everything answers (e.g. how to create the first
    staff account).
    """
    started = time.monotonic()
    try:
        for service in services:
            print(f"starting the {service.name} ...", flush=True)
            service.process = subprocess.Popen(  # noqa: S603 (fixed argv, no shell)
                service.argv, cwd=PROJECT_ROOT, env=env, start_new_session=True
            )
        deadline = time.monotonic() + READY_TIMEOUT_S
        for service in services:
            wait_ready(service, deadline)
        note = after_ready() if after_ready else ""
        elapsed = time.monotonic() - started
        print(f"\nReady in {elapsed:.0f} s.\n{banner}\n{note}Press Ctrl-C to stop.", flush=True)
        while all(s.process and s.process.poll() is None for s in services):
            time.sleep(1)
        dead = next(s for s in services if s.process and s.process.poll() is not None)
        raise LaunchError(f"the {dead.name} stopped unexpectedly")
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
