"""The declarative base every app table shares; it imports nothing of the project.

Table modules (`bot/safety/store.py`, `bot/screening/store.py`, `bot/triage/state.py`, ...) import
only this, never the engine and sessions in `bot.db`, so the storage wiring can import every table
module (`bot.models`) without an import cycle.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import declarative_base

# Typed as Any: without the SQLAlchemy mypy plugin a declarative base is opaque to mypy.
Base: Any = declarative_base()
