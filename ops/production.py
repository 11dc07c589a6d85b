"""`make run-prod` (`python -m ops.launcher --prod`): the scaled-out stack on loopback.

Two Rasa instances (RASA_PORT and RASA_PORT+1) share conversations through PostgreSQL (tracker store),
Redis (conversation locks) and RabbitMQ (event broker); the action server and the web app run once.
The app's schema is migrated with Alembic first (never `create_all`). See docs/production.md.
"""

from __future__ import annotations

import argparse
import secrets
import socket
import sys
from dataclasses import replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

from bot.config import VAR_DIR, Settings, environment
from ops.stack import (
    LaunchError,
    Service,
    build_services,
    check_port_free,
    first_account_note,
    ready_banner,
    run_config,
    supervise,
    write_runtime_config,
)

PRODUCTION_DEFAULTS: dict[str, str] = {
    "DATABASE_URL": "postgresql://postgres@127.0.0.1:5432/iop",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "RABBITMQ_URL": "amqp://guest:guest@127.0.0.1:5672/",
}
DEFAULT_PORTS = {"postgresql": 5432, "redis": 6379, "rediss": 6379, "amqp": 5672, "amqps": 5671}
RASA_INSTANCES = 2


def production_env(env: Mapping[str, str]) -> dict[str, str]:
    """`env` with the production backends filled in where unset (empty counts as unset)."""
    result = dict(env)
    for name, default in PRODUCTION_DEFAULTS.items():
        if not result.get(name, "").strip():
            result[name] = default
    if not result.get("RASA_AUTH_TOKEN", "").strip():
        result["RASA_AUTH_TOKEN"] = secrets.token_urlsafe(32)
    result.setdefault("COOKIE_SECURE", "0")  # plain http on localhost
    result.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no usage data or crash reports leave the machine
    return result


def rasa_ports(settings: Settings, instances: int = RASA_INSTANCES) -> tuple[int, ...]:
    """RASA_PORT, RASA_PORT+1, ...; raises LaunchError when they would run past 65535."""
    ports = tuple(settings.rasa_port + i for i in range(instances))
    if ports[-1] > 65535:
        raise LaunchError(f"RASA_PORT={settings.rasa_port} leaves no room for {instances} instances")
    return ports


def on_port(service: Service, old: int, new: int, name: str) -> Service:
    """A copy of the Rasa service listening on `new` instead of `old`."""
    argv = list(service.argv)
    index = argv.index("--port") + 1
    if argv[index] != str(old):
        raise ValueError(f"{service.name} does not listen on {old}")
    argv[index] = str(new)
    return replace(service, name=name, argv=argv, ready_url=service.ready_url.replace(f":{old}/", f":{new}/"))


def production_services(settings: Settings, model: Path, endpoints: Path, credentials: Path) -> list[Service]:
    """Action server, every Rasa instance, then the web app on the migrated schema (no create_all)."""
    actions, rasa, web = build_services(settings, model, endpoints, credentials)
    ports = rasa_ports(settings)
    instances = [
        on_port(rasa, settings.rasa_port, port, f"Rasa server {i + 1}") for i, port in enumerate(ports)
    ]
    return [actions, *instances, replace(web, argv=[*web.argv, "--migrated"])]


def check_reachable(url: str, variable: str, timeout: float = 3.0) -> None:
    """Raise LaunchError naming `variable` when nothing listens at the URL's host and port."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or DEFAULT_PORTS.get(parts.scheme.split("+")[0])
    if port is None:
        raise LaunchError(f"{variable} has no port and an unknown scheme {parts.scheme!r}")
    try:
        socket.create_connection((host, port), timeout=timeout).close()
    except OSError:
        raise LaunchError(
            f"nothing answers at {host}:{port} ({variable}); start the server or set {variable} "
            "(docs/production.md lists the commands)"
        ) from None


def write_config(out_dir: Path, env: Mapping[str, str] | None = None) -> tuple[Path, Path]:
    """Write endpoints.yml and credentials.yml for one Rasa container from its environment."""
    env = dict(environment() if env is None else env)
    return write_runtime_config(Settings.from_env(env), env, out_dir)


def main(argv: list[str] | None = None) -> int:
    """`python -m ops.production config --out DIR`: a container's Rasa configuration from its environment."""
    parser = argparse.ArgumentParser(prog="python -m ops.production")
    sub = parser.add_subparsers(dest="command", required=True)
    config = sub.add_parser("config", help="write endpoints.yml and credentials.yml from the environment")
    config.add_argument("--out", type=Path, default=VAR_DIR)
    args = parser.parse_args(argv)
    for path in write_config(args.out):
        print(f"wrote {path}")
    return 0


def run_production(model: Path) -> int:
    """Check the backends, migrate, start the scaled-out stack and supervise it until Ctrl-C."""
    from ops.migrate import upgrade  # Alembic loads only on this path

    env = production_env(environment())
    settings = Settings.from_env(env)
    if not model.is_file():
        raise LaunchError(f"no trained model at {model}: run `make train` first")
    if not settings.database_url.startswith("postgresql"):
        raise LaunchError("run-prod needs DATABASE_URL=postgresql://... (Rasa instances share it)")
    for variable in PRODUCTION_DEFAULTS:
        check_reachable(env[variable], variable)
    ports = rasa_ports(settings)
    for variable, port in (
        *((f"RASA_PORT{'+' + str(i) if i else ''}", p) for i, p in enumerate(ports)),
        ("ACTION_PORT", settings.action_port),
        ("WEB_PORT", settings.web_port),
    ):
        check_port_free(settings.host, port, variable)
    print("migrating the database ...", flush=True)
    upgrade(settings.database_url)
    with run_config(settings, env) as (endpoints, credentials):
        services = production_services(settings, model, endpoints, credentials)
        return supervise(
            services, env, ready_banner(settings, ports), lambda: first_account_note(settings.database_url)
        )


if __name__ == "__main__":
    sys.exit(main())
