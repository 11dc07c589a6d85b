"""docs/screening.md and the code describe the same rules, values and levels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.screening.engine import FLAG_RULES, LEVEL_RULES, RISK_RULES, show
from bot.screening.flow import DECLINED_VALUES, QUESTION_ORDER
from bot.screening.messages import LEVEL_NAMES, level_time

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "screening.md").read_text(encoding="utf-8")
SOURCES = (ROOT / "docs" / "sources.md").read_text(encoding="utf-8")


def table_after(heading: str, text: str = DOC) -> list[list[str]]:
    """The rows (without header and separator) of the first Markdown table after `heading`."""
    start = text.index(heading)
    lines = text[start:].splitlines()[1:]
    rows: list[list[str]] = []
    for line in lines:
        if line.startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    assert len(rows) > 2, f"no table after {heading!r}"
    return rows[2:]


def test_risk_table_matches_code() -> None:
    code = [[r.id, r.condition.text(), r.risk, r.source] for r in RISK_RULES]
    assert table_after("## Risk") == code


def test_level_table_matches_code() -> None:
    code = [[r.id, r.condition.text(), str(r.level), r.flag or "-", r.source] for r in LEVEL_RULES]
    assert table_after("## Level of care") == code


def test_flag_table_matches_code() -> None:
    code = [[r.id, r.condition.text(), str(r.flag), r.source] for r in FLAG_RULES]
    assert table_after("## Flags") == code


def test_declined_table_matches_code() -> None:
    rows = table_after('### "I\'d rather not say"')
    assert rows == [[f"`{name}`", show(value)] for name, value in DECLINED_VALUES.items()]


def test_level_meanings_match_messages() -> None:
    rows = table_after("## What each level means")
    assert rows == [[level, LEVEL_NAMES[level], level_time(level)] for level in LEVEL_NAMES]


def test_question_order_matches_flow() -> None:
    paragraph = DOC[DOC.index("Questions are asked in this order") :].split("\n\n")[0]
    assert tuple(re.findall(r"`(\w+)`", paragraph)) == QUESTION_ORDER


def _source_keys() -> set[str]:
    keys = {row[0].strip("`") for row in table_after("## Sources")}
    for heading in ("## Seed documents", "## Public sources"):
        keys |= {row[0].strip("`") for row in table_after(heading, SOURCES)}
    return keys


@pytest.mark.parametrize("rule", [*RISK_RULES, *LEVEL_RULES, *FLAG_RULES], ids=lambda r: r.id)
def test_every_rule_cites_defined_sources(rule: object) -> None:
    source = rule.source  # type: ignore[attr-defined]
    cited = set(re.findall(r"(?:^|[;,] )([a-z0-9][a-z0-9-]*)(?= \(|,|;|$)", source))
    assert cited, source
    assert cited <= _source_keys()


def test_disclaimer_is_stated() -> None:
    assert "This is not a diagnosis. A clinician makes the final decision." in DOC
