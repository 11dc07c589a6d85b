"""Every shell command README.md and docs/*.md show, and how the tests run each one.

Collected: each command of a fenced `bash`/`sh`/`shell` block (continuation lines and multi-line
quotes joined), and each inline code span that starts with `make`, `.venv/bin/`, `python -m` or `rasa`.
`COMMANDS` says how each is run (`Run`, `Serve`, `Terminal`) or why it cannot be (`NotRun`, the one
allow-list). A command in the docs without an entry fails the suite, and so does an entry no document
shows any more.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Union

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = ("README.md", "docs/*.md")
_FENCE = re.compile(r"^```(\w*)\s*$")
_INLINE = re.compile(r"(?<!`)`([^`\n]+)`(?!`)")
_COMMAND_START = re.compile(r"^(make(\s|$)|\.venv/bin/|python3? -m |rasa(\s|$))")
_SHELL_LANGUAGES = {"bash", "sh", "shell", "console"}


@dataclass(frozen=True)
class DocCommand:
    """One documented command: its text as written and where it is."""

    text: str
    source: str

    @property
    def key(self) -> str:
        """The command without its trailing comment, line continuations and extra spaces: the registry key."""
        return " ".join(strip_comment(self.text.replace("\\\n", " ")).split())


def strip_comment(line: str) -> str:
    """`line` without a trailing ` # comment` (a `#` inside quotes is kept)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1].isspace()):
            return line[:index].rstrip()
    return line.rstrip()


def _complete(command: str) -> bool:
    if command.rstrip().endswith("\\"):
        return False
    try:
        shlex.split(strip_comment(command))
    except ValueError:  # an open quote: the command goes on on the next line
        return False
    return True


def commands_in(path: Path) -> list[DocCommand]:
    """The commands of one Markdown file, in order."""
    found: list[DocCommand] = []
    language: str | None = None
    pending: list[str] = []
    start = 0
    name = path.relative_to(ROOT).as_posix()
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        fence = _FENCE.match(line.strip())
        if fence:
            language = None if language is not None else fence.group(1).lower()
            pending = []
            continue
        if language is None:
            for span in _INLINE.findall(line):
                # "…" marks a pattern ("python -m …"), not a command to run.
                if _COMMAND_START.match(span.strip()) and "…" not in span:
                    found.append(DocCommand(span.strip(), f"{name}:{number}"))
            continue
        if language not in _SHELL_LANGUAGES:
            continue
        if not pending:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            start = number
        pending.append(line.removeprefix("$ "))
        text = "\n".join(pending)
        if _complete(text):
            found.append(DocCommand(text.strip(), f"{name}:{start}"))
            pending = []
    return found


def documented_commands() -> dict[str, DocCommand]:
    """Every documented command by key (the first place it is shown)."""
    commands: dict[str, DocCommand] = {}
    for pattern in DOCUMENTS:
        for path in sorted(ROOT.glob(pattern)):
            for command in commands_in(path):
                commands.setdefault(command.key, command)
    return commands


# --- how each command is run ------------------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """Run to the end: exit status 0 and output matching `expect`."""

    expect: str = ""
    stdin: str | None = None
    timeout: float = 600
    files: Mapping[str, str] = field(default_factory=dict)
    """Files the command reads, created in a temporary working directory it then runs in."""
    setup: tuple[str, ...] = ()
    """Documented commands that must have run first (e.g. the migration before its check)."""
    creates: str = ""
    """A glob (from the checkout) of files the command must create; the test removes them afterwards."""


@dataclass(frozen=True)
class Serve:
    """A server: started, probed until `probe` (a URL template) answers 200, then stopped with Ctrl-C."""

    probe: str
    port_flag: str = ""
    """Appended with a free port when the command would otherwise bind Rasa's default port."""
    substitute: Mapping[str, str] = field(default_factory=dict)
    """Literal ports in the text replaced by free ones ("8000" -> "{web_port}")."""
    timeout: float = 300
    setup: tuple[str, ...] = ()
    """Documented commands that must have run first (e.g. the migration the server expects)."""
    output: str = ""
    """A pattern the server must have printed by the time it answers."""


@dataclass(frozen=True)
class Terminal:
    """An interactive program in a pseudo-terminal: for each step, wait for the pattern, then type the
    reply (None: nothing); then Ctrl-C."""

    steps: tuple[tuple[str, str | None], ...]
    port_flag: str = "--port"
    timeout: float = 300


@dataclass(frozen=True)
class InMake:
    """A command a make target of `make test` runs verbatim: `make -n TARGET` must print it."""

    target: str


@dataclass(frozen=True)
class NotRun:
    """The allow-list: a documented command the tests cannot run, and why."""

    reason: str


Spec = Union[Run, Serve, Terminal, InMake, NotRun]

MODEL = '"$(.venv/bin/python -m ops.training path)"'
SCREENING_EXAMPLE = (
    '{"wish_dead": false, "suicidal_thoughts": false, "suicide_method": null, "suicide_intent": null, '
    '"suicide_plan": null, "suicide_behavior": "never", "harm_to_others": false, "withdrawal": "none", '
    '"medically_unstable": false, "substance_use": "none", "functioning": "significant", '
    '"current_care": "weekly_helping", "safe_home": true, "can_attend": "virtual_only", "group_ok": "unsure"}'
)
SHELL_HI = ((r"Bot loaded", "hi"), (r"I'm the IOP assistant", None))
PART_OF_MAKE_TEST = "a step of `make test`, the command that runs this suite: it fails the same run"

COMMANDS: dict[str, Spec] = {
    # --- the two commands and the Makefile ---
    "make run": Serve(
        probe="http://127.0.0.1:{web_port}/health",
        # a new database: the banner says how to create the first staff account
        output=r"No staff account exists yet.*\.venv/bin/python -m bot\.users add NAME --role admin",
    ),
    "make test": NotRun("runs this suite itself (.ci/run calls it); a test cannot start it again"),
    "make help": Run(expect=r"make run\s.*make test\s"),
    "make install": Run(),
    "make train": Run(expect=r"models/[0-9a-f]{16}\.tar\.gz"),
    "make lint": NotRun(PART_OF_MAKE_TEST),
    "make test-unit": NotRun(PART_OF_MAKE_TEST),
    "make validate": NotRun(PART_OF_MAKE_TEST),
    "make lock": NotRun(
        "re-resolves requirements.in against today's PyPI and rewrites requirements.lock, so its result "
        "changes whenever a dependency releases; `make install` from the committed lock is what is tested"
    ),
    "make eval": NotRun(
        "takes about 25 minutes (cross-validation trains five models, then the speed runs); its steps are "
        "unit-tested in tests/unit/test_evaluation_*.py and each release runs it in full"
    ),
    "make run-prod": NotRun(
        "needs the default ports of a second Rasa instance and a database named iop; the same stack is "
        "started from ops.production on free ports by tests/integration/test_scale_out.py"
    ),
    "make migrate": Run(),
    "make test-dialogue": NotRun(PART_OF_MAKE_TEST),
    "make test-integration": NotRun(PART_OF_MAKE_TEST),
    "make train widget": Run(),
    # --- python -m ---
    "python -m ops.content": Run(expect=r"data/generated"),
    "python -m ops.retention purge": Run(expect=r"deleted"),
    ".venv/bin/python -m ops.retention purge": Run(expect=r"deleted"),
    "python -m bot.screening < answers.json": Run(
        files={"answers.json": SCREENING_EXAMPLE}, expect=r'"level": "iop"'
    ),
    ".venv/bin/python -m bot.users add NAME --role admin": Run(
        stdin="a long enough password\n", expect=r"added name \(admin\)"
    ),
    "python -m bot.encoder install": Run(expect=r"all-MiniLM-L6-v2 ready at "),
    "python -m ops.evaluation": NotRun("is `make eval` (see there)"),
    "python -m ops.evaluation --only held-out": NotRun(
        "one step of `make eval` (about 8 minutes: the frozen test sets through two servers); `make test` "
        "runs the same sets as gates in tests/integration/test_held_out.py"
    ),
    "python -m ops.migrate": Run(),
    "python -m ops.migrate check": Run(setup=("python -m ops.migrate",)),
    "python -m ops.training path": Run(expect=r"models/[0-9a-f]{16}\.tar\.gz"),
    "python -m bot.screening": Run(stdin=SCREENING_EXAMPLE, expect=r'"level": "iop"'),
    f"echo '{SCREENING_EXAMPLE}' | .venv/bin/python -m bot.screening": Run(expect=r'"level": "iop"'),
    "alembic upgrade head": Run(),
    'python -m ops.migrate revision -m "add x"': Run(
        expect=r"Generating .*add_x\.py", creates="migrations/versions/*_add_x.py"
    ),
    "python -m ops.production config": Run(expect=r"credentials\.yml"),
    ".venv/bin/python -m ops.production config --out var": Run(expect=r"var/credentials\.yml"),
    "python -m bot.web --port 8000 --migrated": Serve(
        probe="http://127.0.0.1:{web_port}/health", substitute={"8000": "{web_port}"},
        setup=("python -m ops.migrate",),
    ),
    # --- Rasa's own CLI ---
    f".venv/bin/rasa shell --model {MODEL}": Terminal(steps=SHELL_HI),
    ".venv/bin/rasa run actions": Serve(probe="http://127.0.0.1:{port}/health", port_flag="--port"),
    ".venv/bin/rasa run --model models": Serve(
        probe="http://127.0.0.1:{port}/webhooks/rest/", port_flag="--port"
    ),
    f".venv/bin/rasa test core --model {MODEL} --stories tests/stories --fail-on-prediction-errors "
    "--out results/core --quiet": InMake("test-dialogue"),
    f".venv/bin/rasa test nlu --model {MODEL} --nlu tests/nlu --out results/nlu --quiet": InMake(
        "test-dialogue"
    ),
    f".venv/bin/rasa interactive --model {MODEL} --skip-visualization": Terminal(
        steps=(
            (r"Your input ->", "hi"),
            (r"is this correct\?", ""),
            (r"wants to run 'utter_greet'", ""),
            (r"IOP assistant", None),
        )
    ),
    "rasa train": NotRun("trains for about five minutes; `make train` (run above) trains the same data"),
    "rasa data validate": NotRun("is `make validate`, " + PART_OF_MAKE_TEST),
    "rasa test core": NotRun("names the story tests `make eval` runs; run above with its options"),
    "rasa init": NotRun("names the stock assistant `make eval` scaffolds in a temporary directory"),
    # --- docs/channels.md ---
    ".venv/bin/pytest tests/unit/test_messaging_pure.py tests/unit/test_messaging_store.py": Run(
        expect=r"passed"
    ),
    ".venv/bin/pytest -m rasa tests/unit/test_messaging_connectors.py": Run(expect=r"passed"),
    # --- docs/production.md: containers and clusters ---
    "RASA_AUTH_TOKEN=$(openssl rand -hex 32) POSTGRES_PASSWORD=... docker compose up --build": NotRun(
        "needs a Docker engine, which this machine does not run; tests/unit/test_deploy_files.py checks "
        "the compose file and Dockerfiles"
    ),
    **{
        command: NotRun(
            "needs a Kubernetes cluster and the chart repository; tests/unit/test_deploy_files.py checks "
            "deploy/helm/values.yml against the project's endpoints and channels"
        )
        for command in (
            "kubectl create secret generic iop-backends --from-literal=db-host=... "
            "--from-literal=db-user=... --from-literal=db-password=... --from-literal=redis-host=... "
            "--from-literal=redis-password=... --from-literal=rabbitmq-host=... "
            "--from-literal=rabbitmq-user=... --from-literal=rabbitmq-password=...",
            "helm repo add rasa https://helm.rasa.com",
            "helm install iop rasa/rasa -f deploy/helm/values.yml "
            "--set applicationSettings.token=$RASA_AUTH_TOKEN",
            "helm install iop-actions rasa/rasa-action-server "
            "--set image.repository=registry.example.org/iop-actions",
        )
    },
}
