"""Start the real processes (action server, Rasa, web app) on free loopback ports for tests."""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import yaml

from bot.config import Settings
from ops.stack import (
    READY_TIMEOUT_S,
    LaunchError,
    Service,
    build_services,
    stop_all,
    wait_ready,
    write_runtime_config,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class RunningStack:
    """The URLs and handles of one started stack."""

    rasa_url: str
    web_url: str
    action_url: str
    database_url: str
    rasa_token: str
    model_path: Path
    workdir: Path
    env: dict[str, str]
    services: list[Service] = field(default_factory=list)

    def say(self, sender: str, text: str, timeout: float = 30.0) -> list[dict[str, Any]]:
        """Send `text` through the REST channel as `sender`; return the bot's messages."""
        response = httpx.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=timeout,
        )
        response.raise_for_status()
        return list(response.json())

    def tracker(self, sender: str) -> dict[str, Any]:
        """The conversation's tracker from Rasa's HTTP API (token-protected)."""
        response = httpx.get(
            f"{self.rasa_url}/conversations/{sender}/tracker",
            params={"token": self.rasa_token},
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())

    def stop_service(self, name: str) -> None:
        """Stop one service (e.g. "action server") and keep the others running."""
        stop_all([s for s in self.services if s.name == name])

    def stop(self) -> None:
        """Stop every process of the stack."""
        stop_all(self.services)


def start_stack(
    model: Path,
    workdir: Path,
    *,
    with_actions: bool = True,
    with_web: bool = True,
    extra_env: dict[str, str] | None = None,
    credentials: dict[str, Any] | None = None,
) -> RunningStack:
    """Start the stack with `model`; a missing action server leaves its port closed."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update(
        {
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
            "RASA_AUTH_TOKEN": secrets.token_urlsafe(16),
            "COOKIE_SECURE": "0",
            "STAFF_WEBHOOK_URL": "",
            "STAFF_HOURS": "always",  # hand-offs are tested as during staff hours
        }
    )
    env.update(extra_env or {})
    settings = Settings.from_env(env)
    endpoints, credentials_path = write_runtime_config(settings, env, workdir)
    if credentials is not None:
        credentials_path.write_text(yaml.safe_dump(credentials))
    services = build_services(settings, model, endpoints, credentials_path)
    wanted = {"Rasa server"} | ({"action server"} if with_actions else set()) | (
        {"web app"} if with_web else set()
    )
    services = [s for s in services if s.name in wanted]
    stack = RunningStack(
        rasa_url=f"http://127.0.0.1:{settings.rasa_port}",
        web_url=f"http://127.0.0.1:{settings.web_port}",
        action_url=f"http://127.0.0.1:{settings.action_port}",
        database_url=settings.database_url,
        rasa_token=settings.rasa_auth_token,
        model_path=model,
        workdir=workdir,
        env=env,
        services=services,
    )
    try:
        for service in services:
            # The child keeps its own copy of the log's descriptor; ours can close at once.
            with open(service_log(workdir, service), "wb") as log:
                service.process = subprocess.Popen(
                    service.argv, cwd=PROJECT_ROOT, env=env, stdout=log,
                    stderr=subprocess.STDOUT, start_new_session=True,
                )
        deadline = time.monotonic() + READY_TIMEOUT_S
        for service in services:
            try:
                wait_ready(service, deadline)
            except LaunchError as error:
                raise LaunchError(f"{error}; its log ends:\n{log_tail(workdir, service)}") from None
    except BaseException:
        stack.stop()
        raise
    return stack


def service_log(workdir: Path, service: Service) -> Path:
    """Where a test stack service writes its output."""
    return workdir / f"{service.name.replace(' ', '_')}.log"


def log_tail(workdir: Path, service: Service, lines: int = 40) -> str:
    """The last lines a test stack service wrote, so a CI failure explains itself."""
    try:
        text = service_log(workdir, service).read_text(encoding="utf-8", errors="replace")
        return "\n".join(text.splitlines()[-lines:])
    except OSError as error:
        return f"(no log: {error})"
