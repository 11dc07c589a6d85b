"""Helpers for tests marked `services`: the real PostgreSQL, Redis and RabbitMQ on 127.0.0.1.

Each helper skips (with the reason) when its server is absent; scratch databases are dropped after use.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from contextlib import contextmanager
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

PG_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
RABBITMQ_URL = os.environ.get("TEST_RABBITMQ_URL", "amqp://guest:guest@127.0.0.1:5672/")


def listening(port: int, host: str = "127.0.0.1") -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        socket.create_connection((host, port), timeout=2).close()
        return True
    except OSError:
        return False


def require(port: int, what: str) -> None:
    """Skip the test when `what` does not listen on `port`."""
    if not listening(port):
        pytest.skip(f"{what} is not running on 127.0.0.1:{port} (needed by tests marked services)")


@contextmanager
def scratch_postgres(prefix: str = "iop_test") -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    require(5432, "PostgreSQL")
    name = f"{prefix}_{secrets.token_hex(4)}"
    server = create_engine(
        f"{PG_SERVER}/postgres", future=True, poolclass=NullPool, isolation_level="AUTOCOMMIT"
    )
    with server.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_SERVER}/{name}"
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()


def rabbitmqctl(*args: str) -> None:
    """Run rabbitmqctl (the fault tests stop and start the RabbitMQ app)."""
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=120)


def wait_listening(port: int, timeout: float = 60) -> None:
    """Wait until something accepts connections on `port`."""
    deadline = time.monotonic() + timeout
    while not listening(port):
        if time.monotonic() > deadline:
            raise TimeoutError(f"nothing listens on {port} after {timeout} s")
        time.sleep(0.5)
