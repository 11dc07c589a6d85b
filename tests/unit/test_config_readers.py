"""bot/config.py is the one reader of the environment and the one place that knows where content/ is."""

from __future__ import annotations

import pytest

from bot.config import (
    PROJECT_ROOT,
    content_path,
    crisis_country,
    database_url,
    default_database_url,
    setting,
)


def test_a_setting_is_stripped_and_falls_back_when_unset_or_blank() -> None:
    assert setting("X", {"X": "  value "}) == "value"
    assert setting("X", {"X": "   "}, "fallback") == "fallback"
    assert setting("X", {}, "fallback") == "fallback"
    assert setting("X", {}) == ""


def test_without_a_mapping_the_process_environment_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IOP_TEST_SETTING", " from-env ")
    assert setting("IOP_TEST_SETTING") == "from-env"


def test_crisis_country_and_database_url_keep_their_documented_defaults() -> None:
    assert crisis_country({}) == "US"
    assert crisis_country({"CRISIS_COUNTRY": " GB "}) == "GB"
    assert database_url({"DATABASE_URL": " "}) == default_database_url()
    assert database_url({"DATABASE_URL": "postgresql://db/iop"}) == "postgresql://db/iop"


def test_the_database_module_reads_database_url_through_config(monkeypatch: pytest.MonkeyPatch) -> None:
    from bot import db

    monkeypatch.setenv("DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    assert db.database_url() == "sqlite:////tmp/elsewhere.db"


def test_content_files_are_found_in_the_checkouts_content_folder() -> None:
    path = content_path("programs.yml")
    assert path == PROJECT_ROOT / "content" / "programs.yml" and path.is_file()


def test_every_module_reading_content_uses_the_same_files() -> None:
    from bot.referral.callback import PROGRAM_PATH
    from bot.referral.programs import PROGRAMS_PATH
    from bot.safety.net import RESOURCES_PATH

    assert {PROGRAM_PATH, PROGRAMS_PATH, RESOURCES_PATH} == {
        content_path("program.yml"), content_path("programs.yml"), content_path("crisis_resources.yml")
    }
