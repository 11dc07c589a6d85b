"""Staff accounts, sign-in sessions and login rate limiting (tables plus small functions).

Passwords are argon2 hashes; session tokens are stored only as SHA-256 digests, so a copy of the
database cannot be replayed as a sign-in. Failed sign-ins are rows, so the limit holds across processes.
The command line is `python -m bot.users` (bot/users.py), kept apart so that this module, which
defines tables, is never also `__main__`.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, delete, func, select
from sqlalchemy.orm import Session

from bot.orm import Base

ROLES = ("staff", "admin")
MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(hours=2)
SESSION_MAX = timedelta(hours=12)
_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
_HASHER = PasswordHasher()


class UserError(ValueError):
    """A user-management request is invalid; the message says why."""


def utcnow() -> datetime:
    """The current time in UTC."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """`moment` as an aware UTC datetime (SQLite hands back naive UTC values)."""
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


class StaffUser(Base):
    """A helpline or intake staff member who can sign in to the console."""

    __tablename__ = "staff_users"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, unique=True)
    password_hash = Column(String(255), nullable=False)
    role = Column(String(8), nullable=False, default="staff")
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class StaffSession(Base):
    """A server-side sign-in session; `id` is the SHA-256 of the cookie token."""

    __tablename__ = "staff_sessions"

    id = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("staff_users.id", ondelete="CASCADE"), nullable=False, index=True)
    csrf_token = Column(String(64), nullable=False)
    created_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)
    last_seen_at = Column(DateTime(timezone=True), nullable=False, default=utcnow)


class LoginFailure(Base):
    """One failed sign-in for a username from an address (for rate limiting)."""

    __tablename__ = "login_failures"

    id = Column(Integer, primary_key=True)
    username = Column(String(64), nullable=False, index=True)
    ip = Column(String(64), nullable=False)
    at = Column(DateTime(timezone=True), nullable=False, default=utcnow, index=True)


@dataclass(frozen=True)
class SignedIn:
    """Who a valid session belongs to, as the web layer needs it."""

    user_id: int
    username: str
    role: str
    csrf_token: str

    @property
    def is_admin(self) -> bool:
        """Whether this user may manage users and read the audit log."""
        return self.role == "admin"


@dataclass(frozen=True)
class LoginResult:
    """The outcome of a sign-in attempt: `ok`, `bad` (wrong name or password) or `locked`."""

    outcome: Literal["ok", "bad", "locked"]
    user: StaffUser | None = None


def normalize_username(name: str) -> str:
    """The canonical (lower-case, trimmed) username; raises `UserError` if it is not allowed."""
    clean = name.strip().lower()
    if not _USERNAME_RE.match(clean):
        raise UserError("username: 2-64 characters, letters, digits, '.', '_' or '-'")
    return clean


def hash_password(password: str) -> str:
    """An argon2id hash of `password` (refuses passwords shorter than MIN_PASSWORD_LENGTH)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether `password` matches `password_hash`."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _HASHER.hash("not a real password, only used to keep timing even")


def token_digest(token: str) -> str:
    """The stored form of a session token."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_user(session: Session, username: str) -> StaffUser | None:
    """The account called `username` (any case), or None."""
    name = username.strip().lower()
    query = select(StaffUser).where(StaffUser.username == name)
    user: StaffUser | None = session.execute(query).scalars().first()
    return user


def add_user(session: Session, username: str, password: str, role: str = "staff") -> StaffUser:
    """Create an account; raises `UserError` for a bad name, role, short password or duplicate."""
    name = normalize_username(username)
    if role not in ROLES:
        raise UserError(f"role: one of {', '.join(ROLES)}")
    if find_user(session, name) is not None:
        raise UserError(f"username: {name} already exists")
    user = StaffUser(username=name, password_hash=hash_password(password), role=role, active=True)
    session.add(user)
    session.flush()
    return user


FIRST_ACCOUNT_COMMAND = ".venv/bin/python -m bot.users add NAME --role admin"
"""How the first administrator is created on the server (the password is prompted)."""


def count_active_users(session: Session) -> int:
    """How many accounts can sign in; 0 means a new installation that needs its first account."""
    query = select(func.count(StaffUser.id)).where(StaffUser.active.is_(True))
    return int(session.execute(query).scalar_one())


def list_users(session: Session) -> list[StaffUser]:
    """Every account, by username."""
    return list(session.execute(select(StaffUser).order_by(StaffUser.username)).scalars())


def set_active(session: Session, username: str, active: bool) -> StaffUser:
    """Enable or disable an account; disabling ends its sessions at once."""
    user = find_user(session, username)
    if user is None:
        raise UserError(f"username: no such user {username.strip().lower()!r}")
    user.active = active
    if not active:
        session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))
    session.flush()
    return user


def recent_failures(session: Session, username: str, ip: str, now: datetime) -> int:
    """Failed sign-ins for this username from this address within FAILURE_WINDOW."""
    query = (
        select(func.count(LoginFailure.id))
        .where(LoginFailure.username == username.strip().lower()[:64])
        .where(LoginFailure.ip == ip[:64])
        .where(LoginFailure.at > now - FAILURE_WINDOW)
    )
    return int(session.execute(query).scalar_one())


def authenticate(
    session: Session, username: str, password: str, ip: str, now: datetime | None = None
) -> LoginResult:
    """Check a sign-in: locked after MAX_FAILURES per username+address in FAILURE_WINDOW.

    A failure is recorded; a success clears that username+address's failures. Unknown names cost
    the same hashing time as known ones, so timing does not reveal which accounts exist.
    """
    now = now or utcnow()
    name = username.strip().lower()[:64]
    if recent_failures(session, name, ip, now) >= MAX_FAILURES:
        return LoginResult("locked")
    user = find_user(session, name)
    valid = verify_password(user.password_hash if user else _dummy_hash(), password)
    if user is None or not valid or not user.active:
        session.add(LoginFailure(username=name, ip=ip[:64], at=now))
        session.flush()
        return LoginResult("bad")
    session.execute(delete(LoginFailure).where(LoginFailure.username == name, LoginFailure.ip == ip[:64]))
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    session.flush()
    return LoginResult("ok", user)


def start_session(session: Session, user: StaffUser, now: datetime | None = None) -> tuple[str, str]:
    """Open a session for `user`; returns (cookie token, CSRF token). Only the digest is stored."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    session.add(
        StaffSession(
            id=token_digest(token), user_id=user.id, csrf_token=csrf, created_at=now, last_seen_at=now
        )
    )
    session.flush()
    return token, csrf


def session_is_live(created_at: datetime, last_seen_at: datetime, now: datetime) -> bool:
    """Whether a session is within both the idle and the absolute limit."""
    return as_utc(last_seen_at) + SESSION_IDLE > now and as_utc(created_at) + SESSION_MAX > now


def resume_session(session: Session, token: str, now: datetime | None = None) -> SignedIn | None:
    """The signed-in user for a cookie token, refreshing its idle timer; None if invalid or expired."""
    if not token:
        return None
    now = now or utcnow()
    row = session.get(StaffSession, token_digest(token))
    if row is None:
        return None
    user = session.get(StaffUser, row.user_id)
    if user is None or not user.active or not session_is_live(row.created_at, row.last_seen_at, now):
        session.delete(row)
        session.flush()
        return None
    row.last_seen_at = now
    session.flush()
    return SignedIn(user_id=user.id, username=user.username, role=user.role, csrf_token=row.csrf_token)


def end_session(session: Session, token: str) -> None:
    """Sign out: delete the session for this cookie token (no error if it is gone)."""
    session.execute(delete(StaffSession).where(StaffSession.id == token_digest(token)))


def csrf_matches(expected: str, given: str | None) -> bool:
    """Constant-time comparison of a submitted CSRF token."""
    return bool(expected) and given is not None and hmac.compare_digest(expected, given)
