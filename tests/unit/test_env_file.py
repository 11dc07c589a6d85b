"""`.env` (README, .env.example): read by every command, the shell's environment wins, typos are errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import config
from bot.config import ConfigError, Settings, parse_env_file

ROOT = Path(__file__).resolve().parents[2]


def test_parse_env_file_reads_what_env_example_shows() -> None:
    text = """
# comment
RASA_PORT=5105
export WEB_PORT = 8100
DATABASE_URL=sqlite:///var/other.db   # trailing comment
STAFF_HOURS="Mon-Fri 08:00-20:00"
RASA_AUTH_TOKEN='abc # not a comment'
COOKIE_SECURE=
"""
    assert parse_env_file(text) == {
        "RASA_PORT": "5105",
        "WEB_PORT": "8100",
        "DATABASE_URL": "sqlite:///var/other.db",
        "STAFF_HOURS": "Mon-Fri 08:00-20:00",
        "RASA_AUTH_TOKEN": "abc # not a comment",
        "COOKIE_SECURE": "",
    }


def test_the_example_file_parses_to_nothing_set() -> None:
    assert parse_env_file((ROOT / ".env.example").read_text()) == {}


def test_a_malformed_line_names_the_file_and_line() -> None:
    with pytest.raises(ConfigError, match=r"custom.env, line 2: expected NAME=value"):
        parse_env_file("A=1\nWEB PORT 8100\n", "custom.env")


def test_settings_take_the_env_file_under_the_shell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("RASA_PORT=5105\nWEB_PORT=8100\n")
    monkeypatch.setenv("IOP_ENV_FILE", str(env_file))
    monkeypatch.setenv("WEB_PORT", "8200")
    monkeypatch.delenv("RASA_PORT", raising=False)
    config._env_file_values.cache_clear()
    try:
        settings = Settings.from_env()
    finally:
        config._env_file_values.cache_clear()
    assert (settings.rasa_port, settings.web_port) == (5105, 8200)


def test_the_default_env_file_is_the_checkouts() -> None:
    assert config.env_file_path({}) == ROOT / ".env"


def test_a_cli_uses_the_database_named_in_the_env_file(tmp_path: Path) -> None:
    database = tmp_path / "from-env-file.db"
    env_file = tmp_path / ".env"
    env_file.write_text(f"DATABASE_URL=sqlite:///{database}\n")
    result = subprocess.run(
        [sys.executable, "-m", "bot.users", "add", "casey", "--role", "staff"],
        input="a long enough password\n", capture_output=True, text=True, cwd=ROOT, timeout=120,
        env={"PATH": "/usr/bin:/bin", "IOP_ENV_FILE": str(env_file)},
    )
    assert result.returncode == 0, result.stderr
    assert database.is_file()
