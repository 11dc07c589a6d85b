"""Imports every module that defines tables on `bot.orm.Base`, so metadata is complete.

Only the storage wiring imports this (`bot.db.init_db`, migrations, retention); table modules import
`bot.orm` alone, so the import graph has no cycle.
"""

from __future__ import annotations

from bot import analytics_store, messaging_store
from bot.referral import store as referral_store
from bot.safety import store as safety_store
from bot.screening import store as screening_store
from bot.triage import audit, state, users

TABLE_MODULES = (
    safety_store,
    screening_store,
    referral_store,
    messaging_store,
    users,
    audit,
    state,
    analytics_store,
)
