"""Every command the docs show has a way to be tested (or a stated reason why not); the collector works."""

from __future__ import annotations

from pathlib import Path

from tests.docs_commands import COMMANDS, NotRun, commands_in, documented_commands, strip_comment


def test_every_documented_command_has_an_entry() -> None:
    documented = documented_commands()
    missing = {key: command.source for key, command in documented.items() if key not in COMMANDS}
    assert not missing, f"documented commands without a test entry in tests/docs_commands.py: {missing}"


def test_no_entry_outlives_its_documentation() -> None:
    stale = set(COMMANDS) - set(documented_commands())
    assert not stale, f"entries for commands no document shows any more: {stale}"


def test_every_command_not_run_says_why() -> None:
    for key, spec in COMMANDS.items():
        if isinstance(spec, NotRun):
            assert len(spec.reason) > 20, key


def test_the_collector_reads_blocks_continuations_quotes_and_inline_commands(tmp_path: Path) -> None:
    import tests.docs_commands as module

    doc = tmp_path / "guide.md"
    doc.write_text(
        "Run `make run` or `python -m …` (a pattern), not `ls`.\n"
        "```bash\n"
        "# a comment line\n"
        "make train   # trains\n"
        "echo '{\"a\": 1,\n"
        "  \"b\": 2}' \\\n"
        "  | .venv/bin/python -m bot.screening\n"
        "```\n"
        "```\n"
        "NOT_A_COMMAND=1\n"
        "```\n"
    )
    original = module.ROOT
    module.ROOT = tmp_path
    try:
        found = commands_in(doc)
    finally:
        module.ROOT = original
    assert [c.key for c in found] == [
        "make run",
        "make train",
        "echo '{\"a\": 1, \"b\": 2}' | .venv/bin/python -m bot.screening",
    ]
    assert found[2].source == "guide.md:5"
    assert "\n" in found[2].text  # run exactly as written, line breaks included


def test_strip_comment_keeps_a_hash_inside_quotes() -> None:
    assert strip_comment("make train   # trains") == "make train"
    assert strip_comment("echo 'a # b'") == "echo 'a # b'"
