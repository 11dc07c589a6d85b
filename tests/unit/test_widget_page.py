"""The widget blueprint: demo page rendering, its security policy, the bundle routes (no browser needed)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.config import Settings
from bot.web import widget
from bot.web.app import create_app


def test_demo_page_points_the_widget_at_the_public_rasa_url() -> None:
    page = widget.render_demo_page("http://localhost:5005")
    assert 'data-server-url="http://localhost:5005"' in page
    assert '<script src="/widget/widget.js"' in page
    assert "fictional" in page
    # no inline scripts: the page works under script-src 'self'
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []


def test_the_crisis_note_quotes_the_content_helplines_not_the_page() -> None:
    template = (widget.PAGE_DIR / "demo.html").read_text(encoding="utf-8")
    assert "988" not in template and "911" not in template
    page = widget.render_demo_page("http://localhost:5005")
    assert "If you are in crisis, call or text 988 (Suicide &amp; Crisis Lifeline)." in page
    assert "In an emergency, call 911." in page and "{{" not in page


def test_server_url_cannot_break_out_of_the_attribute() -> None:
    page = widget.render_demo_page(
        'http://x/"><script>alert(1)</script>', template='<b data-u="{{server_url}}">'
    )
    assert page == '<b data-u="http://x/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://localhost:5005", ["http://localhost:5005", "ws://localhost:5005"]),
        ("https://chat.example.org/", ["https://chat.example.org", "wss://chat.example.org"]),
        ("javascript:alert(1)", []),
        ("", []),
    ],
)
def test_socket_origins(url: str, expected: list[str]) -> None:
    assert widget.socket_origins(url) == expected


def test_policy_allows_only_own_scripts_and_the_rasa_socket() -> None:
    policy = widget.content_security_policy("https://chat.example.org")
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["connect-src"] == "'self' https://chat.example.org wss://chat.example.org"
    assert "unsafe-inline" not in policy


def test_routes_are_public(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}"))
    handlers = {route.path.strip("/"): route.handler for route in app.router.routes}
    for path in ["", "widget/widget.js", "widget/widget.css", "widget/demo.css"]:
        assert getattr(handlers[path], "__public__", False), path


async def test_bundle_missing_is_reported_and_present_is_served(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(widget, "DIST_DIR", tmp_path)
    missing = await widget.widget_script(None)  # type: ignore[arg-type]
    assert missing.status == 503
    assert b"make widget" in (missing.body or b"")

    (tmp_path / "widget.js").write_text("console.log(1)")
    served = await widget.widget_script(None)  # type: ignore[arg-type]
    assert served.status == 200
    assert served.body == b"console.log(1)"
    assert served.content_type == "application/javascript"
