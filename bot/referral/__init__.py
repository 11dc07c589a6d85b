"""Referral: the program directory, matching, contacts, staff hours, handoff routing."""
