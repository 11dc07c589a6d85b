"""Docs as tests: every command README.md and docs/*.md show, run exactly as written.

Each runs with bash from the checkout, in the project's environment (`.venv/bin` first on PATH, as after
`source .venv/bin/activate`), on its own temporary SQLite database and free ports (RASA_PORT,
ACTION_PORT, WEB_PORT; a Rasa CLI command that would bind its default port gets `--port N` appended,
as the entry in tests/docs_commands.py says). Servers are started, probed and stopped with Ctrl-C;
interactive programs are driven in a pseudo-terminal. The allow-list of commands that cannot run is
`NotRun` in tests/docs_commands.py.
"""

from __future__ import annotations

import glob
import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.docs_commands import (
    COMMANDS,
    MODEL,
    ROOT,
    DocCommand,
    InMake,
    NotRun,
    Run,
    Serve,
    Terminal,
    documented_commands,
    strip_comment,
)
from tests.integration.stack import free_port
from tests.terminal import TerminalSession

pytestmark = pytest.mark.model

_PROJECT_VARIABLES = ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL", "RASA_AUTH_TOKEN", "MODEL_PATH")


def _runnable() -> list[DocCommand]:
    return [c for key, c in documented_commands().items() if not isinstance(COMMANDS[key], NotRun)]


def _environment(workdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _PROJECT_VARIABLES}
    venv = ROOT / ".venv"
    env.update(
        PATH=f"{venv / 'bin'}:{env.get('PATH', '/usr/bin:/bin')}",
        VIRTUAL_ENV=str(venv),
        DATABASE_URL=f"sqlite:///{workdir / 'app.db'}",
        RASA_PORT=str(free_port()),
        ACTION_PORT=str(free_port()),
        WEB_PORT=str(free_port()),
        IOP_ENV_FILE=os.devnull,
        MPLBACKEND="Agg",
    )
    return env


def _bash(text: str, env: dict[str, str], cwd: Path, stdin: str | None, timeout: float) -> str:
    result = subprocess.run(
        ["bash", "-c", text], input=stdin, capture_output=True, text=True, cwd=cwd, env=env,
        timeout=timeout,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"exit {result.returncode}:\n{output[-4000:]}"
    return output


def _key(text: str) -> str:
    return DocCommand(text, "").key


def _run(command: DocCommand, spec: Run, env: dict[str, str], workdir: Path) -> None:
    for setup in spec.setup:
        _bash(documented_commands()[_key(setup)].text, env, ROOT, None, spec.timeout)
    cwd = ROOT
    if spec.files:
        cwd = workdir / "cwd"
        cwd.mkdir()
        for name, content in spec.files.items():
            (cwd / name).write_text(content)
    before = set(glob.glob(str(ROOT / spec.creates))) if spec.creates else set()
    try:
        output = _bash(command.text, env, cwd, spec.stdin, spec.timeout)
    finally:
        created = set(glob.glob(str(ROOT / spec.creates))) - before if spec.creates else set()
        for path in created:
            Path(path).unlink()
    if spec.creates:
        assert created, f"expected a new {spec.creates}"
    assert re.search(spec.expect, output, re.S), f"no {spec.expect!r} in:\n{output[-4000:]}"


def _with_port(text: str, flag: str, port: int) -> str:
    return f"{strip_comment(text)} {flag} {port}" if flag else text


def _serve(command: DocCommand, spec: Serve, env: dict[str, str], workdir: Path) -> None:
    for setup in spec.setup:
        _bash(documented_commands()[_key(setup)].text, env, ROOT, None, spec.timeout)
    port = free_port()
    text = _with_port(command.text, spec.port_flag, port)
    for literal, template in spec.substitute.items():
        text = text.replace(literal, template.format(web_port=env["WEB_PORT"]))
    probe = spec.probe.format(port=port, web_port=env["WEB_PORT"], rasa_port=env["RASA_PORT"])
    log = workdir / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["bash", "-c", text], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + spec.timeout
        while True:
            assert process.poll() is None, f"exited {process.returncode}:\n{log.read_text()[-4000:]}"
            try:
                if httpx.get(probe, timeout=2).status_code == 200:
                    output = log.read_text(errors="replace")
                    if re.search(spec.output, output, re.S):
                        break
                    assert time.monotonic() < deadline, f"no {spec.output!r} in:\n{output[-4000:]}"
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"{probe} not ready:\n{log.read_text()[-4000:]}"
            time.sleep(1)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGINT)  # Ctrl-C, as in a terminal
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            pytest.fail(f"did not stop within 60 s of Ctrl-C:\n{log.read_text()[-4000:]}")
    with pytest.raises(httpx.HTTPError):
        httpx.get(probe, timeout=2)  # nothing is left listening


def _in_make(command: DocCommand, spec: InMake, env: dict[str, str]) -> None:
    """The documented command is one `make -n TARGET` prints, with the current model's path."""
    model = _bash(".venv/bin/python -m ops.training path", env, ROOT, None, 120).strip().splitlines()[-1]
    planned = _bash(f"make -n --no-print-directory {spec.target}", env, ROOT, None, 120)
    expected = " ".join(command.key.replace(MODEL, f'"{model}"').split())
    assert expected in {" ".join(line.split()) for line in planned.splitlines()}, planned


def _terminal(command: DocCommand, spec: Terminal, env: dict[str, str]) -> None:
    session = TerminalSession.start(_with_port(command.text, spec.port_flag, free_port()), str(ROOT), env)
    try:
        for pattern, reply in spec.steps:
            session.expect(pattern, spec.timeout)
            if reply is not None:
                session.type(reply)
    finally:
        session.stop()


@pytest.mark.parametrize("command", _runnable(), ids=lambda c: f"{c.source} {c.key[:60]}")
def test_documented_command_works_as_written(command: DocCommand, tmp_path: Path) -> None:
    spec = COMMANDS[command.key]
    env = _environment(tmp_path)
    if isinstance(spec, Run):
        _run(command, spec, env, tmp_path)
    elif isinstance(spec, Serve):
        _serve(command, spec, env, tmp_path)
    elif isinstance(spec, Terminal):
        _terminal(command, spec, env)
    elif isinstance(spec, InMake):
        _in_make(command, spec, env)
    else:  # pragma: no cover - the registry holds only these kinds
        pytest.fail(f"unknown spec {spec!r}")

