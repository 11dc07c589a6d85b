"""Settings read from the environment, with the documented defaults (docs/contracts.md).

The only module that reads the environment (`environment`, `setting`, `Settings.from_env`) and the one
that says where the editable content lives (`content_path`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Mapping

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = PROJECT_ROOT / "var"
CONTENT_DIR = PROJECT_ROOT / "content"
"""The files a deployment edits (program, programs, FAQ answers, crisis resources)."""
DEFAULT_CRISIS_COUNTRY = "US"
ENV_FILE_VARIABLE = "IOP_ENV_FILE"
"""Names another file to read instead of the checkout's `.env` (tests, several deployments)."""

_ENV_LINE = re.compile(r"^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$")


class ConfigError(ValueError):
    """A setting has a value the assistant cannot run with; the message names the variable."""


def parse_env_file(text: str, source: str = ".env") -> dict[str, str]:
    """`KEY=value` lines as a dict: `#` comments, blank lines, `export`, and quoted values.

    An unquoted value ends at ` #` (a trailing comment); a quoted one is taken as written. Any other
    line is an error naming the file and line, so a typo never silently drops a setting.
    """
    values: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENV_LINE.match(line)
        if match is None:
            raise ConfigError(f"{source}, line {number}: expected NAME=value, got {raw.strip()!r}")
        name, value = match.groups()
        if value[:1] in {'"', "'"} and value.endswith(value[0]) and len(value) >= 2:
            value = value[1:-1]
        else:
            value = re.split(r"\s+#", value, maxsplit=1)[0].strip()
        values[name] = value
    return values


def env_file_path(env: Mapping[str, str] | None = None) -> Path:
    """The `.env` file to read: `IOP_ENV_FILE` if set, else `.env` in the checkout."""
    env = os.environ if env is None else env
    override = env.get(ENV_FILE_VARIABLE, "").strip()
    return Path(override) if override else PROJECT_ROOT / ".env"


@lru_cache(maxsize=1)
def _env_file_values(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    return parse_env_file(path.read_text(encoding="utf-8"), str(path))


def environment() -> dict[str, str]:
    """The process environment over the `.env` file: a variable set in the shell always wins.

    Read once per process (settings change with a restart, as for any server).
    """
    return {**_env_file_values(env_file_path()), **os.environ}


def setting(name: str, env: Mapping[str, str] | None = None, default: str = "") -> str:
    """The variable `name` from `env` (default: `environment()`), stripped; `default` when unset or empty."""
    value = (environment() if env is None else env).get(name, "").strip()
    return value or default


def content_path(name: str) -> Path:
    """The path of one content file, e.g. `content_path("programs.yml")`."""
    return CONTENT_DIR / name


def crisis_country(env: Mapping[str, str] | None = None) -> str:
    """`CRISIS_COUNTRY`: whose crisis resources the assistant gives (default US)."""
    return setting("CRISIS_COUNTRY", env, DEFAULT_CRISIS_COUNTRY)


def database_url(env: Mapping[str, str] | None = None) -> str:
    """`DATABASE_URL`, or the embedded SQLite default."""
    return setting("DATABASE_URL", env) or default_database_url()


def _port(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a port number, got {raw!r}") from None
    if not 1 <= port <= 65535:
        raise ConfigError(f"{name} must be between 1 and 65535, got {port}")
    return port


def default_database_url() -> str:
    """The embedded default: a SQLite file under the git-ignored var/ directory."""
    return f"sqlite:///{VAR_DIR / 'app.db'}"


@dataclass(frozen=True)
class Settings:
    """Everything the processes need to find each other and their storage."""

    rasa_port: int = 5005
    action_port: int = 5055
    web_port: int = 8000
    host: str = "127.0.0.1"
    database_url: str = field(default_factory=default_database_url)
    rasa_auth_token: str = ""
    rasa_url: str = "http://127.0.0.1:5005"
    public_rasa_url: str = "http://localhost:5005"
    cookie_secure: bool = True
    rabbitmq_url: str = ""  # set: Rasa publishes events there and the web app consumes them
    events_queue: str = "rasa_events"
    events_exchange: str = "rasa-exchange"  # Rasa 3.6's default fanout exchange

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `env` (default: the process environment over `.env`)."""
        env = environment() if env is None else env
        rasa_port = _port(env, "RASA_PORT", 5005)
        host = env.get("BIND_HOST", "127.0.0.1").strip() or "127.0.0.1"
        return cls(
            rasa_port=rasa_port,
            action_port=_port(env, "ACTION_PORT", 5055),
            web_port=_port(env, "WEB_PORT", 8000),
            host=host,
            database_url=database_url(env),
            rasa_auth_token=env.get("RASA_AUTH_TOKEN", "").strip(),
            rasa_url=env.get("RASA_URL", "").strip() or f"http://127.0.0.1:{rasa_port}",
            public_rasa_url=env.get("PUBLIC_RASA_URL", "").strip()
            or f"http://localhost:{rasa_port}",
            cookie_secure=env.get("COOKIE_SECURE", "1").strip().lower() not in {"0", "false", "no"},
            rabbitmq_url=env.get("RABBITMQ_URL", "").strip(),
            events_queue=env.get("RABBITMQ_QUEUE", "").strip() or cls.events_queue,
            events_exchange=env.get("RABBITMQ_EXCHANGE", "").strip() or cls.events_exchange,
        )
