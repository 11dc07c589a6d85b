"""bot.messaging_store: options per channel and sender, one use, expiry, and a database that fails."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from bot.db import session_scope
from bot.messaging import Option
from bot.messaging_store import ReplyOptions, purge_expired, remember_options, take_options
from channels.common import save_options_safely, take_options_safely

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
OPTIONS = [Option("Yes", "/affirm"), Option("No", "/deny")]


@pytest.fixture
def url(db_url):
    return db_url


def test_options_are_returned_once_for_the_same_channel_and_sender(url):
    with session_scope(url) as s:
        remember_options(s, "twilio", "+15550001111", OPTIONS, NOW)
    with session_scope(url) as s:
        assert take_options(s, "telegram", "+15550001111", NOW) == []
        assert take_options(s, "twilio", "+15550002222", NOW) == []
        assert take_options(s, "twilio", "+15550001111", NOW) == OPTIONS
    with session_scope(url) as s:
        assert take_options(s, "twilio", "+15550001111", NOW) == []


def test_newer_options_replace_older_ones_and_empty_forgets(url):
    with session_scope(url) as s:
        remember_options(s, "twilio", "a", OPTIONS, NOW)
    with session_scope(url) as s:
        remember_options(s, "twilio", "a", [Option("Talk to a person", "/human_handoff")], NOW)
    with session_scope(url) as s:
        assert take_options(s, "twilio", "a", NOW) == [Option("Talk to a person", "/human_handoff")]
    with session_scope(url) as s:
        remember_options(s, "twilio", "a", OPTIONS, NOW)
    with session_scope(url) as s:
        remember_options(s, "twilio", "a", [], NOW)
    with session_scope(url) as s:
        assert take_options(s, "twilio", "a", NOW) == []


def test_expired_options_are_not_used_and_can_be_purged(url):
    with session_scope(url) as s:
        remember_options(s, "twilio", "old", OPTIONS, NOW - timedelta(hours=25))
        remember_options(s, "twilio", "new", OPTIONS, NOW)
    with session_scope(url) as s:
        assert purge_expired(s, NOW) == 1
    with session_scope(url) as s:
        remember_options(s, "twilio", "old", OPTIONS, NOW - timedelta(hours=25))
    with session_scope(url) as s:
        assert take_options(s, "twilio", "old", NOW) == []


def test_no_phone_number_is_stored(url):
    with session_scope(url) as s:
        remember_options(s, "twilio", "+15550001111", OPTIONS, NOW)
    with session_scope(url) as s:
        row = s.execute(select(ReplyOptions)).scalar_one()
        assert "5550001111" not in repr((row.sender_key, row.channel, row.options))


def test_safe_helpers_create_the_table_and_round_trip(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"  # no init_db: Rasa's process may start first
    assert save_options_safely("twilio", "+15550001111", OPTIONS, url)
    assert take_options_safely("twilio", "+15550001111", url) == OPTIONS


def test_safe_helpers_survive_a_broken_database(tmp_path, caplog):
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'x' / 'app.db'}"
    (tmp_path / "missing-dir").write_text("a file where a directory should be")
    assert save_options_safely("twilio", "+15550001111", OPTIONS, url) is False
    assert take_options_safely("twilio", "+15550001111", url) == []
    assert "5550001111" not in caplog.text
