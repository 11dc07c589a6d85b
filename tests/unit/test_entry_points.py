"""Every `python -m ...` entry point runs its module once: never both `__main__` and imported.

Run as `python -m bot.users`, a module that its own imports reach again is executed twice, once as
`__main__` and once under its name: its tables are defined twice on the same metadata (SQLAlchemy
refuses) and its exception classes exist twice (an `except` in one copy misses the other's errors).
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.import_graph import ROOT, project_modules, reachable

_RUN_MODULE = re.compile(r"python3?\s+-m\s+([A-Za-z_][\w.]*)")
_DOCUMENTS = ("Makefile", "README.md", "docs/*.md", "deploy/**/Dockerfile", "docker-compose.yml")


def documented_entry_points() -> set[str]:
    """Project modules started with `python -m` anywhere in the Makefile, docs or deploy files."""
    found: set[str] = set()
    for pattern in _DOCUMENTS:
        for path in ROOT.glob(pattern):
            found.update(_RUN_MODULE.findall(path.read_text(encoding="utf-8")))
    modules = project_modules()
    return {name for name in found if name in modules}


def executed_module(entry: str) -> str:
    """The module Python runs as `__main__` for `python -m entry` (a package runs its __main__)."""
    return f"{entry}.__main__" if f"{entry}.__main__" in project_modules() else entry


def main_guarded_modules() -> set[str]:
    """Modules with an `if __name__ == "__main__":` block: each is meant to be run with -m."""
    return {
        name
        for name, path in project_modules().items()
        if 'if __name__ == "__main__":' in path.read_text(encoding="utf-8")
    }


def test_the_documented_entry_points_are_found() -> None:
    entries = documented_entry_points()
    assert {"bot.users", "ops.retention", "bot.screening", "ops.content", "ops.migrate"} <= entries
    assert {"ops.training", "ops.launcher", "ops.evaluation"} <= entries


@pytest.mark.parametrize(
    "entry", sorted(documented_entry_points() | main_guarded_modules()), ids=lambda entry: entry
)
def test_an_entry_point_never_imports_itself(entry: str) -> None:
    module = executed_module(entry)
    assert module not in reachable(module), f"`python -m {entry}` would import {module} a second time"


def test_users_cli_creates_the_first_account_as_documented(tmp_path: Path) -> None:
    """The README's command, as a subprocess: it crashed with 'Table already defined' before."""
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}"}
    add = subprocess.run(
        [sys.executable, "-m", "bot.users", "add", "NAME", "--role", "admin"],
        input="a long enough password\n", capture_output=True, text=True, cwd=ROOT, env=env, timeout=120,
    )
    assert add.returncode == 0, add.stderr
    assert add.stdout.strip() == "added name (admin)"
    listed = subprocess.run(
        [sys.executable, "-m", "bot.users", "list"], capture_output=True, text=True, cwd=ROOT, env=env,
        timeout=120,
    )
    assert listed.stdout.splitlines() == ["name\tadmin\tactive"], listed.stderr
