"""Analytics records on the real PostgreSQL (tests marked services); SQLite is in the unit tests."""

from __future__ import annotations

import pytest

from bot.db import get_engine
from tests.analytics_support import exercise
from tests.services import scratch_postgres


@pytest.mark.services
def test_records_are_stored_once_on_postgresql() -> None:
    with scratch_postgres() as url:
        try:
            exercise(url)
        finally:
            get_engine(url).dispose()
