"""Staff triage: accounts and sign-in (users), the audit log, and the work queue."""
