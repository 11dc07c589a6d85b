"""`make run-prod` (ops/production.py): backends by default, two Rasa instances, migrated schema."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from bot.config import Settings
from ops.production import (
    PRODUCTION_DEFAULTS,
    check_reachable,
    production_env,
    production_services,
    rasa_ports,
)
from ops.stack import LaunchError


def test_backends_default_to_loopback_and_explicit_values_win() -> None:
    env = production_env({"REDIS_URL": "redis://cache:6379/2", "DATABASE_URL": " "})
    assert env["REDIS_URL"] == "redis://cache:6379/2"
    assert env["DATABASE_URL"] == "postgresql://postgres@127.0.0.1:5432/iop"
    assert env["RABBITMQ_URL"] == "amqp://guest:guest@127.0.0.1:5672/"
    assert len(env["RASA_AUTH_TOKEN"]) >= 32
    assert production_env({"RASA_AUTH_TOKEN": "t"})["RASA_AUTH_TOKEN"] == "t"


def test_two_rasa_instances_on_consecutive_ports_and_a_migrated_web_app(tmp_path: Path) -> None:
    settings = Settings.from_env({**PRODUCTION_DEFAULTS, "RASA_PORT": "7005", "RASA_AUTH_TOKEN": "tok"})
    services = production_services(settings, tmp_path / "m.tar.gz", tmp_path / "e.yml", tmp_path / "c.yml")
    assert [s.name for s in services] == ["action server", "Rasa server 1", "Rasa server 2", "web app"]
    for service, port in zip(services[1:3], (7005, 7006), strict=True):
        assert service.argv[service.argv.index("--port") + 1] == str(port)
        assert service.ready_url == f"http://127.0.0.1:{port}/status?token=tok"
        assert service.argv[service.argv.index("--endpoints") + 1] == str(tmp_path / "e.yml")
    assert services[3].argv[-1] == "--migrated"


def test_ports_past_the_end_are_refused() -> None:
    assert rasa_ports(Settings(rasa_port=5005)) == (5005, 5006)
    with pytest.raises(LaunchError, match="RASA_PORT=65535"):
        rasa_ports(Settings(rasa_port=65535))


def test_an_absent_backend_is_named() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(LaunchError, match=f"127.0.0.1:{port} \\(REDIS_URL\\)"):
        check_reachable(f"redis://127.0.0.1:{port}/0", "REDIS_URL", timeout=1)
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        check_reachable(f"amqp://127.0.0.1:{server.getsockname()[1]}/", "RABBITMQ_URL")


def test_container_config_command_writes_rasa_files_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import yaml

    from ops.production import main

    monkeypatch.setenv("DATABASE_URL", "postgresql://iop:pw@db:5432/iop")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")
    monkeypatch.setenv("RABBITMQ_URL", "amqp://guest:guest@rabbitmq:5672/")
    monkeypatch.setenv("ACTION_ENDPOINT_URL", "http://actions:5055/webhook")
    assert main(["config", "--out", str(tmp_path)]) == 0
    endpoints = yaml.safe_load((tmp_path / "endpoints.yml").read_text())
    assert endpoints["tracker_store"]["url"] == "db" and endpoints["lock_store"]["url"] == "redis"
    assert endpoints["event_broker"]["url"] == "rabbitmq"
    assert endpoints["action_endpoint"]["url"] == "http://actions:5055/webhook"
    channels = yaml.safe_load((tmp_path / "credentials.yml").read_text())
    assert set(channels) == {"channels.rest.RestInput", "channels.socketio.SocketIOInput"}
    for name, value in {"TELEGRAM_TOKEN": "1:AA", "TELEGRAM_BOT_NAME": "iop_bot",
                        "TELEGRAM_WEBHOOK_SECRET": "s3cret", "PUBLIC_URL": "https://bot.example.org"}.items():
        monkeypatch.setenv(name, value)
    assert main(["config", "--out", str(tmp_path)]) == 0
    telegram = yaml.safe_load((tmp_path / "credentials.yml").read_text())["channels.telegram.TelegramInput"]
    assert telegram["webhook_url"] == "https://bot.example.org/webhooks/telegram/webhook"


def test_web_app_on_a_migrated_schema_creates_no_tables(tmp_path: Path) -> None:
    from sqlalchemy import inspect

    from bot.db import get_engine
    from bot.web.app import create_app

    url = f"sqlite:///{tmp_path / 'app.db'}"
    create_app(Settings(database_url=url), create_tables=False)
    assert inspect(get_engine(url)).get_table_names() == []


def test_events_consumer_starts_only_with_a_broker(tmp_path: Path) -> None:
    from bot.web.app import create_app

    url = f"sqlite:///{tmp_path / 'app.db'}"
    without = create_app(Settings(database_url=url))
    with_broker = create_app(Settings(database_url=url, rabbitmq_url="amqp://127.0.0.1:5672/"))

    assert not hasattr(without.ctx, "events_consumer")
    consumer = with_broker.ctx.events_consumer
    assert (consumer.amqp_url, consumer.database_url) == ("amqp://127.0.0.1:5672/", url)
    assert (consumer.queue, consumer.exchange) == ("rasa_events", "rasa-exchange")


def test_run_prod_explains_a_missing_backend_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from ops.launcher import main

    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"x")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}/iop")
    assert main(["--prod", "--model", str(model)]) == 1
    assert f"nothing answers at 127.0.0.1:{port} (DATABASE_URL)" in capsys.readouterr().err
    monkeypatch.setenv("DATABASE_URL", "sqlite:///x.db")
    assert main(["--prod", "--model", str(model)]) == 1
    assert "needs DATABASE_URL=postgresql://" in capsys.readouterr().err


def test_production_env_sets_nothing_sanic_cannot_parse() -> None:
    # Sanic 21.12 reads SANIC_NO_UVLOOP with strtobool: an empty value stops every server at start.
    assert "SANIC_NO_UVLOOP" not in production_env({})
