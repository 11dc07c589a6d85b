"""`python -m bot.users`: manage staff accounts from the command line.

    python -m bot.users add NAME --role staff|admin   # password from a prompt, or one line on stdin
    python -m bot.users list
    python -m bot.users disable NAME
    python -m bot.users enable NAME

Only the command line lives here. The tables and functions are in `bot.triage.users`, so running this
file as `__main__` never defines a table a second time (nothing imports this module).
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Sequence

from bot.triage.users import ROLES, UserError, add_user, list_users, set_active


def read_password(confirm: bool) -> str:
    """The new password: one line from stdin when it is not a terminal, else prompted (twice)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = getpass.getpass("Password: ")
    if confirm and getpass.getpass("Repeat password: ") != password:
        raise UserError("password: the two entries differ")
    return password


def main(argv: Sequence[str] | None = None) -> int:
    """Run one account command; 0 on success, 2 with one line on stderr when it is refused."""
    from bot.db import database_url, init_db, session_scope

    parser = argparse.ArgumentParser(prog="python -m bot.users", description="Manage staff accounts.")
    commands = parser.add_subparsers(dest="command", required=True)
    add = commands.add_parser("add", help="create an account (password from a prompt or stdin)")
    add.add_argument("name")
    add.add_argument("--role", choices=ROLES, default="staff")
    commands.add_parser("list", help="list accounts")
    for verb in ("disable", "enable"):
        commands.add_parser(verb, help=f"{verb} an account").add_argument("name")
    args = parser.parse_args(argv)

    url = database_url()
    init_db(url)
    try:
        with session_scope(url) as session:
            if args.command == "add":
                user = add_user(session, args.name, read_password(confirm=True), args.role)
                print(f"added {user.username} ({user.role})")
            elif args.command == "list":
                for user in list_users(session):
                    state = "active" if user.active else "disabled"
                    print(f"{user.username}\t{user.role}\t{state}")
            else:
                user = set_active(session, args.name, args.command == "enable")
                print(f"{args.command}d {user.username}")
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
