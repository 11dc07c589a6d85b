"""One database session per request, and blocking database work off the event loop.

Handlers never open sessions themselves: `await run_blocking(request, work, *args)` runs
`work(session, *args)` in a worker thread on the request's own session, as one unit of work
(committed when it returns, rolled back when it raises). The session is created on first use, used by
one request only (its units run one after another), and closed when the response goes out. `install`
adds that closing step; `create_app` calls it.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Callable, Concatenate, ParamSpec, TypeVar

from sanic import Sanic
from sanic.request import Request
from sanic.response import BaseHTTPResponse
from sqlalchemy.orm import Session

from bot.db import new_session

P = ParamSpec("P")
T = TypeVar("T")

INSTALLED_CTX = "request_sessions_installed"


class RequestSession:
    """The database session of one request: opened on first use, closed once at the end."""

    def __init__(self, url: str) -> None:
        """Remember the database; nothing is opened yet."""
        self.url = url
        self.session: Session | None = None
        self.closed = False
        self.units = 0
        self._lock = asyncio.Lock()

    def _unit(self, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        if self.session is None:
            self.session = new_session(self.url)
        session = self.session
        try:
            result = work(session, *args, **kwargs)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        return result

    async def run(self, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`work(session, *args, **kwargs)` in a worker thread as one unit of work; returns its result."""
        async with self._lock:
            if self.closed:
                raise RuntimeError("the request's database session is already closed")
            self.units += 1
            return await asyncio.to_thread(functools.partial(self._unit, work, *args, **kwargs))

    async def close(self) -> None:
        """Close the session (in a worker thread: returning its connection may block); idempotent."""
        async with self._lock:
            self.closed = True
            session, self.session = self.session, None
            if session is not None:
                await asyncio.to_thread(session.close)


def request_session(request: Request) -> RequestSession:
    """The request's database session (created on first use)."""
    if not getattr(request.app.ctx, INSTALLED_CTX, False):
        raise RuntimeError("bot.web.db.install(app) was not called: the session would never be closed")
    current: RequestSession | None = getattr(request.ctx, "db", None)
    if current is None:
        current = RequestSession(str(request.app.ctx.settings.database_url))
        request.ctx.db = current
    return current


async def run_blocking(
    request: Request, work: Callable[Concatenate[Session, P], T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """Run `work(session, *args, **kwargs)` off the event loop on the request's session (one unit of work)."""
    return await request_session(request).run(work, *args, **kwargs)


async def _close_request_session(request: Request, _response: BaseHTTPResponse) -> None:
    current: RequestSession | None = getattr(request.ctx, "db", None)
    if current is not None:
        await current.close()


def install(app: Sanic) -> None:
    """Close every request's session when its response goes out (idempotent).

    Registered after the other response middleware, so it runs first and no earlier step can skip it.
    """
    if getattr(app.ctx, INSTALLED_CTX, False):
        return
    setattr(app.ctx, INSTALLED_CTX, True)
    app.register_middleware(_close_request_session, "response")
