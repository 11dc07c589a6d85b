"""Staff triage: the work queue, staff accounts and sign-in, and the audit log.

- `items`: queue items and their order (pure);
- `sources`: each part's open items as queue items (through that part's store);
- `state`: the console's own state of items, and the state changes staff make;
- `queue`: the open queue (sources + state, in order);
- `view`: what the console shows (an item as JSON, one conversation's details);
- `users`: accounts, sign-in sessions, rate limiting; `audit`: the audit log.
"""
