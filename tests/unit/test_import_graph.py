"""The project's import graph (tests/import_graph.py) has no cycle, and tables never import the wiring."""

from __future__ import annotations

from tests.import_graph import cycles, import_graph, reachable

TABLE_MODULES = (
    "bot.safety.store",
    "bot.screening.store",
    "bot.referral.store",
    "bot.messaging_store",
    "bot.analytics_store",
    "bot.triage.users",
    "bot.triage.audit",
    "bot.triage.state",
)


def test_the_project_import_graph_has_no_cycle() -> None:
    assert cycles() == []


def test_the_declarative_base_imports_nothing_of_the_project() -> None:
    assert import_graph()["bot.orm"] == frozenset()


def test_table_modules_never_import_the_engine_and_sessions() -> None:
    for module in TABLE_MODULES:
        assert "bot.db" not in reachable(module), module
        assert "bot.orm" in import_graph()[module], module


def test_the_triage_wing_takes_sessions_and_never_opens_them() -> None:
    triage = [name for name in import_graph() if name.startswith("bot.triage")]
    assert {"bot.triage.items", "bot.triage.sources", "bot.triage.state", "bot.triage.view"} <= set(triage)
    for module in triage:
        assert "bot.db" not in reachable(module), module


def test_the_wiring_registers_every_table_module() -> None:
    assert set(TABLE_MODULES) <= reachable("bot.db")


def test_nothing_in_the_domain_or_triage_imports_the_web_layer() -> None:
    domain = [
        name
        for name in import_graph()
        if name.startswith(("bot.safety", "bot.screening", "bot.referral", "bot.triage"))
    ]
    assert domain
    for module in domain:
        assert not any(m.startswith("bot.web") for m in reachable(module)), module


DOMAIN = (
    "bot.safety",
    "bot.screening",
    "bot.referral",
    "bot.triage",
    "bot.contracts",
    "bot.dialogue",
    "bot.form_answers",
    "bot.faq",
    "bot.fallback",
    "bot.assisted",
    "bot.events",
    "bot.messaging",
)


def test_the_domain_never_reaches_the_storage_wiring_the_web_or_ops() -> None:
    domain = [name for name in import_graph() if name.startswith(DOMAIN)]
    assert "bot.safety.escalation" in domain
    for module in domain:
        wiring = {m for m in reachable(module) if m == "bot.db" or m.startswith(("bot.web", "ops"))}
        assert not wiring, (module, wiring)
