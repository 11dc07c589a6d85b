"""Start the scaled-out stack (ops/production.py) for tests: a scratch PostgreSQL database, Redis, RabbitMQ,
two Rasa instances on free ports, the action server and the web app with its event consumer."""

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

from bot.config import Settings
from ops.migrate import upgrade
from ops.production import production_env, production_services
from ops.stack import READY_TIMEOUT_S, Service, stop_all, wait_ready, write_runtime_config
from tests.integration.stack import PROJECT_ROOT, free_port, service_log


@dataclass
class ScaledStack:
    """URLs and handles of the scaled-out stack."""

    rasa_urls: list[str]
    web_url: str
    database_url: str
    token: str
    workdir: Path
    env: dict[str, str]
    services: list[Service] = field(default_factory=list)

    def tracker(self, sender: str, instance: int = 0) -> dict[str, Any]:
        """A conversation's tracker from one instance's HTTP API."""
        response = httpx.get(
            f"{self.rasa_urls[instance]}/conversations/{sender}/tracker",
            params={"token": self.token},
            timeout=30,
        )
        response.raise_for_status()
        return dict(response.json())

    def stop_service(self, name: str) -> None:
        """Stop one service (e.g. "Rasa server 1"), leaving the others running."""
        stop_all([s for s in self.services if s.name == name])

    def logs(self) -> str:
        """Everything the services printed so far."""
        return "\n".join(p.read_text(errors="replace") for p in sorted(self.workdir.glob("*.log")))

    def stop(self) -> None:
        """Stop every process."""
        stop_all(self.services)


def free_port_pair() -> int:
    """A port P such that P and P+1 are both free (RASA_PORT and the second instance)."""
    while True:
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
                return port
            except OSError:
                continue


def start_scaled_stack(
    model: Path, workdir: Path, database_url: str, extra_env: dict[str, str]
) -> ScaledStack:
    """Migrate `database_url`, then start the production services on free loopback ports."""
    workdir.mkdir(parents=True, exist_ok=True)
    upgrade(database_url)
    rasa_port = free_port_pair()
    env = production_env(
        {
            **os.environ,
            "RASA_PORT": str(rasa_port),
            "ACTION_PORT": str(free_port()),
            "WEB_PORT": str(free_port()),
            "DATABASE_URL": database_url,
            "RASA_AUTH_TOKEN": secrets.token_urlsafe(16),
            "STAFF_WEBHOOK_URL": "",
            **extra_env,
        }
    )
    settings = Settings.from_env(env)
    endpoints, credentials = write_runtime_config(settings, env, workdir)
    credentials.write_text("rest: {}\n")  # Rasa's own REST channel: these tests are about shared state
    services = production_services(settings, model, endpoints, credentials)
    stack = ScaledStack(
        rasa_urls=[f"http://127.0.0.1:{rasa_port + i}" for i in range(2)],
        web_url=f"http://127.0.0.1:{settings.web_port}",
        database_url=database_url,
        token=settings.rasa_auth_token,
        workdir=workdir,
        env=env,
        services=services,
    )
    try:
        for service in services:
            with open(service_log(workdir, service), "wb") as log:
                service.process = subprocess.Popen(
                    service.argv,
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
        deadline = time.monotonic() + READY_TIMEOUT_S
        for service in services:
            wait_ready(service, deadline)
    except BaseException:
        stack.stop()
        raise
    return stack
