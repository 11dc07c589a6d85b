"""Imports every module that defines tables on `bot.db.Base`, so metadata is complete."""

from __future__ import annotations

from bot import analytics_store, audit, messaging_store, queue
from bot.referral import store as referral_store
from bot.safety import store as safety_store
from bot.screening import store as screening_store
from bot.triage import users

TABLE_MODULES = (
    safety_store,
    screening_store,
    referral_store,
    messaging_store,
    users,
    audit,
    queue,
    analytics_store,
)
