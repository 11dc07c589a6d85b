"""Imports every module that defines tables on `bot.db.Base`, so metadata is complete."""

from __future__ import annotations

import importlib

TABLE_MODULES = (
    "bot.safety.store",
    "bot.screening.store",
    "bot.referral.store",
    "bot.messaging_store",
    "bot.users",
    "bot.audit",
    "bot.queue",
    "bot.analytics_store",
)

for _name in TABLE_MODULES:
    try:
        importlib.import_module(_name)
    except ModuleNotFoundError as exc:  # a part not built yet must not break the others
        if exc.name != _name:
            raise
