"""The web chat widget: the demo page at `/` and the widget bundle built from web/widget/ (`make widget`)."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlsplit

from sanic import Blueprint
from sanic.request import Request
from sanic.response import HTTPResponse, file, text
from sanic.response import html as html_response

from bot.safety.net import helpline_text
from bot.web.auth import public

STATIC_DIR = Path(__file__).resolve().parent / "static"
DIST_DIR = STATIC_DIR / "dist"
PAGE_DIR = STATIC_DIR / "widget"
BUNDLE_FILES = {"widget.js": "application/javascript", "widget.css": "text/css"}
NOT_BUILT = "The chat widget is not built: run `make widget` (or `make install`)."

bp = Blueprint("widget")


def socket_origins(server_url: str) -> list[str]:
    """The origins the page must be allowed to connect to for Rasa's socket.io at `server_url`."""
    parts = urlsplit(server_url.strip())
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        return []
    websocket = "wss" if parts.scheme == "https" else "ws"
    return [f"{parts.scheme}://{parts.netloc}", f"{websocket}://{parts.netloc}"]


def content_security_policy(server_url: str) -> str:
    """A strict policy for the demo page: own scripts and styles only, sockets to Rasa only."""
    connect = " ".join(["'self'", *socket_origins(server_url)])
    return (
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        f"connect-src {connect}; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


def render_demo_page(server_url: str, template: str | None = None) -> str:
    """The demo page with the widget pointed at `server_url` (HTML-escaped into an attribute).

    Its crisis note quotes the helplines of content/crisis_resources.yml (CRISIS_COUNTRY's numbers
    come from there, never from the page).
    """
    page = template if template is not None else (PAGE_DIR / "demo.html").read_text(encoding="utf-8")
    page = page.replace("{{crisis_note}}", html.escape(helpline_text("web_crisis_note")))
    return page.replace("{{server_url}}", html.escape(server_url, quote=True))


@bp.get("/")
@public
async def demo_page(request: Request) -> HTTPResponse:
    """A fictional treatment center's page that embeds the widget."""
    server_url = request.app.ctx.settings.public_rasa_url
    return html_response(
        render_demo_page(server_url),
        headers={
            "Content-Security-Policy": content_security_policy(server_url),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cache-Control": "no-cache",
        },
    )


@bp.get("/widget/demo.css")
@public
async def demo_stylesheet(_request: Request) -> HTTPResponse:
    """The demo page's own stylesheet."""
    return await file(PAGE_DIR / "demo.css", mime_type="text/css", headers={"Cache-Control": "no-cache"})


async def _bundle_file(name: str) -> HTTPResponse:
    path = DIST_DIR / name
    if not path.is_file():
        return text(NOT_BUILT, status=503)
    return await file(
        path,
        mime_type=BUNDLE_FILES[name],
        headers={
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
            # Any site may embed the widget.
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


@bp.get("/widget/widget.js")
@public
async def widget_script(_request: Request) -> HTTPResponse:
    """The widget bundle (socket.io-client included): one script tag adds the chat to a page."""
    return await _bundle_file("widget.js")


@bp.get("/widget/widget.css")
@public
async def widget_stylesheet(_request: Request) -> HTTPResponse:
    """The widget's stylesheet, loaded by the script into its shadow root."""
    return await _bundle_file("widget.css")
