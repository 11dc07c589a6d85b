"""Staff accounts: validation, argon2 hashing, sessions, rate limiting, and the `python -m bot.users` CLI."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from bot.db import session_scope
from bot.triage.users import (
    FAILURE_WINDOW,
    MAX_FAILURES,
    SESSION_IDLE,
    UserError,
    add_user,
    authenticate,
    find_user,
    resume_session,
    start_session,
)
from bot.users import main
from tests.unit.console_support import NOW, PASSWORD


@pytest.fixture
def db_url(db_url, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", db_url)
    return db_url


def test_add_user_validates_and_hashes_with_argon2(db_url):
    with session_scope(db_url) as db:
        user = add_user(db, " Sam.Lee ", PASSWORD, "admin")
        assert user.username == "sam.lee" and user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        for name, password, role in [
            ("sam.lee", PASSWORD, "staff"),
            ("x", PASSWORD, "staff"),
            ("kim", "short", "staff"),
            ("kim", PASSWORD, "root"),
        ]:
            with pytest.raises(UserError):
                add_user(db, name, password, role)


def test_rate_limit_window_and_reset_on_success(db_url):
    with session_scope(db_url) as db:
        add_user(db, "sam", PASSWORD)
        for _ in range(MAX_FAILURES - 1):
            assert authenticate(db, "sam", "nope", "1.2.3.4", NOW).outcome == "bad"
        assert authenticate(db, "sam", PASSWORD, "1.2.3.4", NOW).outcome == "ok"  # clears failures
        for _ in range(MAX_FAILURES):
            authenticate(db, "sam", "nope", "1.2.3.4", NOW)
        assert authenticate(db, "sam", PASSWORD, "1.2.3.4", NOW).outcome == "locked"
        later = NOW + FAILURE_WINDOW + timedelta(seconds=1)
        assert authenticate(db, "sam", PASSWORD, "1.2.3.4", later).outcome == "ok"
        assert authenticate(db, "nobody", PASSWORD, "1.2.3.4", NOW).outcome == "bad"


def test_sessions_expire_when_idle(db_url):
    with session_scope(db_url) as db:
        user = add_user(db, "sam", PASSWORD)
        token, csrf = start_session(db, user, NOW)
        signed_in = resume_session(db, token, NOW + timedelta(minutes=30))
        assert signed_in is not None and signed_in.csrf_token == csrf and not signed_in.is_admin
        assert resume_session(db, token, NOW + timedelta(minutes=30) + SESSION_IDLE) is None
        assert resume_session(db, "made-up", NOW) is None


def test_cli_reads_the_password_from_stdin_never_argv(db_url, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["add", "kim", "--role", "admin"]) == 0
    with session_scope(db_url) as db:
        assert authenticate(db, "kim", PASSWORD, "127.0.0.1").outcome == "ok"
    with pytest.raises(SystemExit):
        main(["add", "lee", "--password", PASSWORD])
    assert main(["disable", "kim"]) == 0
    assert main(["list"]) == 0
    assert "kim\tadmin\tdisabled" in capsys.readouterr().out
    with session_scope(db_url) as db:
        assert find_user(db, "kim").active is False
    assert main(["disable", "ghost"]) == 2
