"""Tests that need PostgreSQL, Redis or RabbitMQ are marked `services` and live in tests/integration."""

from __future__ import annotations

from pathlib import Path

UNIT = Path(__file__).resolve().parent
NOT_YET_MOVED = {"test_console_queue.py"}
"""Being rebuilt with the staff triage wing (issue 16 item 2); its one services test moves with it."""


def test_no_unit_test_needs_the_real_servers() -> None:
    marked = {
        path.name
        for path in UNIT.glob("test_*.py")
        if path != Path(__file__).resolve() and "@pytest.mark.services" in path.read_text(encoding="utf-8")
    }
    assert marked <= NOT_YET_MOVED, sorted(marked - NOT_YET_MOVED)
