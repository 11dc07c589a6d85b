"""The widget against Rasa's own socket.io channel code, as credentials.yml configures it (no model needed).

A scripted bot stands in for the model, so this checks exactly the part the widget depends on: Rasa's
session_request / session_confirm handling, session persistence (replies go to the session's room),
buttons, and the custom payload the staff console uses, over WebSocket through Sanic.
"""

from __future__ import annotations

import os
from typing import Any, Iterator

import pytest

from tests.browser.widget_harness import BUNDLE, CHROMIUM, FakeRasa, WebApp, launch_chromium

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
pytestmark = [pytest.mark.rasa, pytest.mark.browser]

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect


@pytest.fixture(scope="module")
def rasa_channel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeRasa]:
    if not BUNDLE.is_file():
        pytest.fail(f"widget bundle missing at {BUNDLE}: run `make widget`")
    server = FakeRasa(tmp_path_factory.mktemp("rasa-channel"), command="rasa-channel")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def page(rasa_channel: FakeRasa, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium is not installed: run `make system-deps`")
    app = WebApp(tmp_path_factory.mktemp("web"), rasa_url=rasa_channel.url)
    app.start()
    try:
        with sync_api.sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            page = browser.new_page()
            page.goto(app.url + "/")
            yield page
            browser.close()
    finally:
        app.stop()


def test_conversation_through_rasas_socketio_channel(page: Any, rasa_channel: FakeRasa) -> None:
    page.get_by_role("button", name="Chat with us").click()
    expect(page.locator("#iop-panel")).to_have_attribute("data-connection", "online", timeout=20000)
    box = page.get_by_label("Your message")
    box.fill("hello")
    box.press("Enter")
    # Rasa sends replies to the session's room: this fails if the socket never joined it
    expect(page.get_by_role("button", name="What is IOP?")).to_be_visible(timeout=10000)
    page.get_by_role("button", name="What is IOP?").click()
    expect(page.locator(".msg--bot .bubble").last).to_contain_text("You go home after each session.")
    box.fill("can I talk to staff")
    box.press("Enter")
    expect(page.locator(".msg--staff .bubble")).to_have_text("Hi, this is Sam from the intake team.")

    session_id = page.evaluate(
        "() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find("
        "k => k.startsWith('iop-chat:')))).sessionId"
    )
    assert rasa_channel.messages(session_id) == ["hello", "/faq_what_is_iop", "can I talk to staff"]

    page.reload()
    expect(page.locator(".msg--user .bubble")).to_have_text(["hello", "What is IOP?", "can I talk to staff"])
    expect(page.locator("#iop-panel")).to_have_attribute("data-connection", "online", timeout=20000)
    page.get_by_label("Your message").fill("after reload")
    page.get_by_label("Your message").press("Enter")
    expect(page.locator(".msg--bot .bubble").last).to_have_text("You said: after reload", timeout=10000)
    assert rasa_channel.messages(session_id)[-1] == "after reload"
