"""`python -m bot.web`: serve the web app on WEB_PORT (default 8000)."""

from __future__ import annotations

import argparse
import logging

from bot.config import Settings
from bot.web.app import create_app


def main() -> None:
    """Parse the command line and serve until interrupted."""
    settings = Settings.from_env()
    parser = argparse.ArgumentParser(prog="python -m bot.web")
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.web_port)
    parser.add_argument(
        "--migrated", action="store_true", help="schema managed by `python -m ops.migrate`: no create_all"
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(settings, create_tables=not args.migrated)
    app.run(host=args.host, port=args.port, access_log=False, motd=False, workers=1)


if __name__ == "__main__":
    main()
