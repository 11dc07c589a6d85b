"""ops/ runs, trains and measures; bot/ is the domain and never imports ops/."""

from __future__ import annotations

import re

from tests.import_graph import ROOT, import_graph


def test_nothing_in_bot_imports_ops() -> None:
    graph = import_graph()
    assert any(name.startswith("ops.") for name in graph)
    for module, imported in graph.items():
        if module == "bot" or module.startswith("bot."):
            assert not [m for m in imported if m == "ops" or m.startswith("ops.")], module


def test_only_bot_config_reads_the_database_url_crisis_country_and_content_folder() -> None:
    pattern = re.compile(r"""["'](DATABASE_URL|CRISIS_COUNTRY|content)["']""")
    readers = sorted(
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if pattern.search(path.read_text(encoding="utf-8"))
    )
    assert readers == ["bot/config.py"]
