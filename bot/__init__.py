"""IOP referral assistant: clinical and business logic, web app and command-line tools.

Nothing in this package imports Rasa; `actions/` and `components/` are the thin Rasa glue.
"""
