"""Deployment files (no Docker engine here): whatever they run, copy or read must exist in the project."""

from __future__ import annotations

import importlib.util
import json
import re
import shlex
from pathlib import Path

import pytest
import yaml

from ops.rasa_endpoints import EVENTS_QUEUE, LOCK_KEY_PREFIX, endpoints_config

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILES = sorted((ROOT / "deploy").glob("*/Dockerfile"))
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
HELM = yaml.safe_load((ROOT / "deploy" / "helm" / "values.yml").read_text())
STANDARD_ENV = {"PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED"}
BUILT_BY_MAKE = {"models": "train", "web": "widget"}  # copied paths that make targets produce


def project_source() -> str:
    return "\n".join(p.read_text() for package in ("bot", "ops") for p in (ROOT / package).rglob("*.py"))


def read_by_project(variable: str) -> bool:
    """The project reads `variable` from the environment (a string literal in bot/ or ops/)."""
    return f'"{variable}"' in project_source()


def python_modules(command: str) -> list[str]:
    return re.findall(r"python -m ([\w.]+)", command)


def module_exists(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def dockerfile_command(path: Path) -> str:
    cmd = next(line for line in path.read_text().splitlines() if line.startswith("CMD "))
    return " ".join(json.loads(cmd.removeprefix("CMD ")))


def test_there_is_an_image_for_rasa_actions_and_web() -> None:
    assert [p.parent.name for p in DOCKERFILES] == ["actions", "rasa", "web"]


@pytest.mark.parametrize("dockerfile", DOCKERFILES, ids=lambda p: p.parent.name)
def test_dockerfile_copies_existing_paths_and_runs_existing_modules(dockerfile: Path) -> None:
    text = dockerfile.read_text()
    for line in text.splitlines():
        if line.startswith("COPY "):
            for source in shlex.split(line)[1:-1]:
                if source in BUILT_BY_MAKE:
                    assert re.search(rf"^{BUILT_BY_MAKE[source]}:", (ROOT / "Makefile").read_text(), re.M)
                else:
                    assert (ROOT / source).exists(), f"{dockerfile}: COPY {source}"
        if line.startswith("ENV "):
            for name in re.findall(r"(\w+)=", line):
                assert name in STANDARD_ENV or read_by_project(name), f"{dockerfile}: ENV {name}"
    for package in ("bot", "actions", "components", "channels"):  # everything Rasa and the SDK import
        if (ROOT / package).is_dir():
            assert f"COPY {package} ./{package}" in text, f"{dockerfile} misses {package}/"
    command = dockerfile_command(dockerfile)
    assert python_modules(command), command
    for module in python_modules(command):
        assert module_exists(module), f"{dockerfile}: python -m {module}"
        package = module.split(".")[0]
        if (ROOT / package).is_dir():
            assert f"COPY {package} ./{package}" in text, f"{dockerfile} runs {module} but misses {package}/"
    if "python -m bot.web" in command:
        assert "--migrated" in command, "the web image must not create tables (migrations do)"


def test_compose_runs_the_stack_with_two_rasa_replicas() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"postgres", "redis", "rabbitmq", "migrate", "actions", "rasa", "web"}
    assert services["rasa"]["deploy"]["replicas"] == 2
    for name in ("migrate", "actions", "rasa", "web"):
        dockerfile = ROOT / services[name]["build"]["dockerfile"]
        assert dockerfile in DOCKERFILES
        command = " ".join(services[name].get("command", [])) or dockerfile_command(dockerfile)
        for module in python_modules(command):
            assert module_exists(module), f"{name}: python -m {module}"
        for variable in services[name]["environment"]:
            assert read_by_project(variable), f"{name}: {variable} is not read by the project"
    assert "ops.migrate" in services["migrate"]["command"]


def test_compose_backend_urls_are_ones_the_project_accepts() -> None:
    env = {
        k: re.sub(r"\$\{[^}]*\}", "secret", v) for k, v in COMPOSE["services"]["rasa"]["environment"].items()
    }
    config = endpoints_config(env, env["DATABASE_URL"], 5055)
    assert config["tracker_store"]["url"] == "postgres"
    assert config["lock_store"]["url"] == "redis"
    assert config["event_broker"]["url"] == "rabbitmq"
    assert config["action_endpoint"]["url"] == "http://actions:5055/webhook"


def test_helm_values_configure_shared_state_like_the_project() -> None:
    endpoints = HELM["applicationSettings"]["endpoints"]
    assert HELM["replicaCount"] >= 2
    ours = endpoints_config(
        {"REDIS_URL": "redis://:pw@r:1/0", "RABBITMQ_URL": "amqp://u:p@q/"}, "postgresql://u:p@h/iop", 5055
    )
    for helm_key, our_key in (
        ("trackerStore", "tracker_store"),
        ("lockStore", "lock_store"),
        ("eventBroker", "event_broker"),
    ):
        section = endpoints[helm_key]
        assert section["enabled"] is True
        assert section["type"].lower() == ours[our_key]["type"].lower()
        extra = set(section) - set(ours[our_key]) - {"enabled", "login_db"}
        assert not extra, f"{helm_key}: keys the project does not use: {extra}"
    assert endpoints["lockStore"]["key_prefix"] == LOCK_KEY_PREFIX
    assert endpoints["eventBroker"]["queues"] == [EVENTS_QUEUE]
    assert " ".join(HELM["command"]) == "python -m rasa" and module_exists("rasa")


def test_helm_channels_are_the_projects() -> None:
    project = yaml.safe_load((ROOT / "credentials.yml").read_text())
    helm = HELM["applicationSettings"]["credentials"]["additionalChannelCredentials"]
    for name, settings in helm.items():
        assert project.get(name) == settings, f"{name} differs from credentials.yml"


def test_documented_make_targets_exist() -> None:
    makefile = (ROOT / "Makefile").read_text()
    text = (ROOT / "docs" / "production.md").read_text() + (ROOT / "docker-compose.yml").read_text()
    targets = set(re.findall(r"make ((?:[a-z-]+ ?)+)", text))
    for target in {t for group in targets for t in group.split()}:
        assert re.search(rf"^{target}:", makefile, re.M), f"make {target} is documented but not defined"
    for module in re.findall(r"python -m ([\w.]+)", text):
        assert module_exists(module), module
