"""The foundation's clear errors: missing interpreter, port in use, broken YAML; and the fingerprint."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings
from ops.rasa_endpoints import endpoints_config, tracker_store_config
from ops.stack import LaunchError, build_services, check_port_free
from ops.training import (
    TrainingInputError,
    check_yaml,
    fingerprint,
    training_environment,
    training_files,
)

ROOT = Path(__file__).resolve().parents[2]


def test_make_install_without_python_310_says_what_to_install(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "--no-print-directory", "install", f"VENV={tmp_path / 'venv'}",
         "PYTHON=/nonexistent/python3.10"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "Python 3.10 is required" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_a_port_in_use_is_named_with_its_variable() -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        with pytest.raises(LaunchError, match=rf"port {port} \(RASA_PORT\) is already in use"):
            check_port_free("127.0.0.1", port, "RASA_PORT")


def test_a_free_port_passes() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    check_port_free("127.0.0.1", port, "WEB_PORT")
    with socket.socket() as again:  # the check released the port it probed
        again.bind(("127.0.0.1", port))
        assert again.getsockname()[1] == port


def test_broken_domain_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    domain = tmp_path / "domain.yml"
    domain.write_text('version: "3.1"\nintents:\n  - greet\n responses: [\n')
    with pytest.raises(TrainingInputError, match=r"domain\.yml is not valid YAML \(line 4"):
        check_yaml([domain], tmp_path)


def test_fingerprint_changes_with_training_data_and_not_with_generated_files(tmp_path: Path) -> None:
    (tmp_path / "data" / "nlu").mkdir(parents=True)
    (tmp_path / "data" / "generated").mkdir()
    (tmp_path / "config.yml").write_text("recipe: default.v1\n")
    nlu = tmp_path / "data" / "nlu" / "basics.yml"
    nlu.write_text("nlu: []\n")
    before = fingerprint(training_files(tmp_path), tmp_path)
    (tmp_path / "data" / "generated" / "faq.yml").write_text("responses: {}\n")
    assert fingerprint(training_files(tmp_path), tmp_path) == before
    nlu.write_text("nlu: [{intent: greet, examples: '- hi'}]\n")
    assert fingerprint(training_files(tmp_path), tmp_path) != before


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [("RASA_PORT", "abc", "RASA_PORT must be a port number"), ("WEB_PORT", "70000", "between 1 and 65535")],
)
def test_bad_port_settings_are_named(variable: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({variable: value})


def test_postgres_url_becomes_rasa_sql_tracker_store_settings() -> None:
    config = tracker_store_config("postgresql://iop:s%40cret@db.local:6543/assistant")
    assert config == {
        "type": "SQL", "dialect": "postgresql", "url": "db.local", "port": 6543,
        "db": "assistant", "username": "iop", "password": "s@cret",
    }


def test_sqlite_tracker_store_sits_beside_the_app_database(tmp_path: Path) -> None:
    config = tracker_store_config(f"sqlite:///{tmp_path / 'app.db'}")
    assert config["db"] == str(tmp_path / "rasa.db")


def test_unknown_database_scheme_is_rejected() -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL"):
        tracker_store_config("mysql://x/y")


def test_redis_and_rabbitmq_urls_switch_on_lock_store_and_event_broker() -> None:
    config = endpoints_config(
        {"REDIS_URL": "redis://127.0.0.1:6379/2", "RABBITMQ_URL": "amqp://u:p@127.0.0.1:5672/"},
        "sqlite:///var/app.db",
        5055,
    )
    assert config["lock_store"]["type"] == "components.lock_store.AtomicRedisLockStore"
    assert config["lock_store"]["db"] == 2
    assert config["event_broker"]["type"] == "components.event_broker.ContentFreePikaEventBroker"
    assert config["event_broker"]["username"] == "u"
    assert "lock_store" not in endpoints_config({}, "sqlite:///var/app.db", 5055)


def test_fingerprint_covers_the_trained_development_sets_not_the_untrained_ones(tmp_path: Path) -> None:
    (tmp_path / "tests" / "safety_dev" / "not_trained").mkdir(parents=True)
    (tmp_path / "config.yml").write_text("recipe: default.v1\n")
    trained = tmp_path / "tests" / "safety_dev" / "messages.yml"
    trained.write_text("crisis: []\nnegatives: []\n")
    before = fingerprint(training_files(tmp_path), tmp_path)
    (tmp_path / "tests" / "safety_dev" / "not_trained" / "messages_m.yml").write_text("crisis: []\n")
    assert fingerprint(training_files(tmp_path), tmp_path) == before
    trained.write_text("crisis: [{text: a}]\nnegatives: []\n")
    assert fingerprint(training_files(tmp_path), tmp_path) != before


def test_fingerprint_covers_configured_components_only(tmp_path: Path) -> None:
    (tmp_path / "components").mkdir()
    (tmp_path / "config.yml").write_text(
        "pipeline:\n- name: components.detector.Detector\npolicies:\n- name: RulePolicy\n"
    )
    detector = tmp_path / "components" / "detector.py"
    detector.write_text("class Detector: ...\n")
    broker = tmp_path / "components" / "broker.py"
    broker.write_text("class Broker: ...\n")
    before = fingerprint(training_files(tmp_path), tmp_path)
    broker.write_text("class Broker:  # changed\n    ...\n")
    assert fingerprint(training_files(tmp_path), tmp_path) == before
    detector.write_text("class Detector:  # changed\n    ...\n")
    assert fingerprint(training_files(tmp_path), tmp_path) != before


def test_runtime_config_files_are_private(tmp_path: Path) -> None:
    from ops.stack import write_runtime_config

    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    for path in write_runtime_config(Settings.from_env(env), env, tmp_path):
        assert path.stat().st_mode & 0o777 == 0o600


@pytest.mark.rasa
@pytest.mark.parametrize("token", ["-ZYwH4r9XUI8HVCAqmcjnA", "plain_token", "--looks-like-a-flag"])
def test_rasa_command_line_keeps_any_auth_token(tmp_path: Path, token: str) -> None:
    """Rasa's own parser reads the launcher's argv with the token intact, even one starting with '-'.

    A CI run failed when token_urlsafe() began with '-': argparse took it for an option, exit 2.
    """
    from rasa.__main__ import create_argument_parser

    settings = Settings.from_env({"RASA_AUTH_TOKEN": token})
    services = build_services(settings, tmp_path / "m.tar.gz", tmp_path / "e.yml", tmp_path / "c.yml")
    rasa = next(s for s in services if s.name == "Rasa server")
    args = create_argument_parser().parse_args(rasa.argv[rasa.argv.index("run") :])
    assert args.auth_token == token
    assert args.port == settings.rasa_port
    assert args.credentials == str(tmp_path / "c.yml")


def test_training_runs_with_a_fixed_hash_seed_whatever_the_shell_says() -> None:
    env = training_environment({"PATH": "/usr/bin", "PYTHONHASHSEED": "random"})
    assert env["PYTHONHASHSEED"] == "2718" and env["PATH"] == "/usr/bin"
