"""`make run`: start the action server, the Rasa server and the web app together; stop all on Ctrl-C."""

from __future__ import annotations

import argparse
import secrets
import signal
import sys
from pathlib import Path

from bot.config import ConfigError, Settings, environment
from ops.stack import (
    LaunchError,
    build_services,
    check_port_free,
    first_account_note,
    ready_banner,
    run_config,
    supervise,
)


def run(model: Path) -> int:
    """Start the stack and supervise it (restarting a child that dies) until Ctrl-C."""
    env = environment()
    env.setdefault("RASA_AUTH_TOKEN", secrets.token_urlsafe(32))
    env.setdefault("COOKIE_SECURE", "0")  # plain http on localhost
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")  # no usage data or crash reports leave the machine
    settings = Settings.from_env(env)
    if not model.is_file():
        raise LaunchError(f"no trained model at {model}: run `make train` first")
    for variable, port in (
        ("RASA_PORT", settings.rasa_port),
        ("ACTION_PORT", settings.action_port),
        ("WEB_PORT", settings.web_port),
    ):
        check_port_free(settings.host, port, variable)
    with run_config(settings, env) as (endpoints, credentials):
        services = build_services(settings, model, endpoints, credentials)
        return supervise(
            services, env, ready_banner(settings), lambda: first_account_note(settings.database_url)
        )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m ops.launcher", description=__doc__)
    parser.add_argument("--model", type=Path, required=True, help="trained model (.tar.gz)")
    parser.add_argument(
        "--prod", action="store_true",
        help="two Rasa instances on PostgreSQL, Redis and RabbitMQ, migrated schema (docs/production.md)",
    )
    args = parser.parse_args(argv)
    # Ctrl-C and SIGTERM both stop the stack, even when started as a background job (which inherits
    # SIGINT as ignored, so Python would not install its own handler).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        if args.prod:
            from ops.production import run_production

            return run_production(args.model)
        return run(args.model)
    except (LaunchError, ConfigError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
