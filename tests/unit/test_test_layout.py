"""Tests that need PostgreSQL, Redis or RabbitMQ are marked `services` and live in tests/integration."""

from __future__ import annotations

from pathlib import Path

UNIT = Path(__file__).resolve().parent


def test_no_unit_test_needs_the_real_servers() -> None:
    marked = {
        path.name
        for path in UNIT.glob("test_*.py")
        if path != Path(__file__).resolve() and "@pytest.mark.services" in path.read_text(encoding="utf-8")
    }
    assert not marked, sorted(marked)
