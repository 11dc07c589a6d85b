"""The chat widget in headless Chromium against a fake Rasa socket.io server and the real web app."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.browser.widget_harness import ARTIFACTS, BUNDLE, CHROMIUM, FakeRasa, WebApp, launch_chromium

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
pytestmark = pytest.mark.browser

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

ACTIVE = "document.querySelector('#iop-chat-widget').shadowRoot.activeElement"
FOCUSED_ID = f"() => {ACTIVE}?.id || null"
FOCUSED_CLASS = f"() => {ACTIVE}?.className || null"


@pytest.fixture(scope="module")
def fake_rasa(tmp_path_factory: pytest.TempPathFactory) -> Iterator[FakeRasa]:
    if not BUNDLE.is_file():
        pytest.fail(f"widget bundle missing at {BUNDLE}: run `make widget`")
    server = FakeRasa(tmp_path_factory.mktemp("fake-rasa"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def web_app(fake_rasa: FakeRasa, tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebApp]:
    app = WebApp(tmp_path_factory.mktemp("web"), rasa_url=fake_rasa.url)
    app.start()
    yield app
    app.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium is not installed: run `make system-deps`")
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def dialogs() -> list[str]:
    """Messages of JavaScript dialogs (alert, confirm) the page opened."""
    return []


@pytest.fixture
def page(browser: Any, dialogs: list[str]) -> Iterator[Any]:
    """A fresh browser profile (empty localStorage) per test; any JavaScript dialog is recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    yield page
    context.close()


def shot(page: Any, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def open_widget(page: Any, web_app: WebApp) -> Any:
    page.goto(web_app.url + "/")
    page.get_by_role("button", name="Chat with us").click()
    dialog = page.get_by_role("dialog", name="Harbor Light assistant")
    expect(dialog).to_be_visible()
    expect(page.locator("#iop-panel")).to_have_attribute("data-connection", "online", timeout=15000)
    return dialog


def send(page: Any, text: str) -> None:
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")


def messages(page: Any, who: str) -> Any:
    return page.locator(f".msg--{who} .bubble")


def session_id(page: Any) -> str:
    return str(
        page.evaluate(
            "() => JSON.parse(localStorage.getItem('iop-chat:v1:' + "
            "document.querySelector('script[data-server-url]').dataset.serverUrl)).sessionId"
        )
    )


def test_demo_page_embeds_the_widget_pointed_at_rasa(page: Any, web_app: WebApp, fake_rasa: FakeRasa) -> None:
    page.goto(web_app.url + "/")
    expect(page.get_by_role("heading", name="Intensive Outpatient Program")).to_be_visible()
    expect(page.get_by_text("fictional treatment center")).to_be_visible()
    assert page.locator("script[data-server-url]").get_attribute("data-server-url") == fake_rasa.url
    launcher = page.get_by_role("button", name="Chat with us")
    expect(launcher).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("dialog")).to_be_hidden()


def test_question_buttons_crisis_reply_and_history_after_reload(
    page: Any, web_app: WebApp, fake_rasa: FakeRasa
) -> None:
    dialog = open_widget(page, web_app)
    expect(dialog.get_by_text("I'm an automated assistant, not a clinician")).to_be_visible()
    # the crisis line is always in the header
    expect(dialog.get_by_role("link", name=re.compile("^Call 988"))).to_have_attribute("href", "tel:988")
    expect(dialog.get_by_role("link", name=re.compile("^Text 988"))).to_have_attribute("href", "sms:988")

    send(page, "hello")
    expect(messages(page, "user").last).to_have_text("hello")
    expect(page.get_by_role("button", name="What is IOP?")).to_be_visible()
    sid = session_id(page)
    assert fake_rasa.messages(sid) == ["hello"]

    page.get_by_role("button", name="What is IOP?").click()
    expect(messages(page, "user").last).to_have_text("What is IOP?")  # the title is shown ...
    answer = messages(page, "bot").last
    expect(answer).to_contain_text("You go home after each session.")
    assert fake_rasa.messages(sid) == ["hello", "/faq_what_is_iop"]  # ... the payload is sent
    expect(page.get_by_role("button", name="What is IOP?")).to_have_count(0)  # used quick replies go away
    assert answer.locator("br").count() == 2
    link = answer.get_by_role("link", name="https://example.org/iop")
    expect(link).to_have_attribute("href", "https://example.org/iop")
    expect(link).to_have_attribute("target", "_blank")
    assert "noopener" in (link.get_attribute("rel") or "")

    send(page, "I want to hurt myself")
    crisis = messages(page, "bot").last
    expect(crisis).to_contain_text("call or text 988")
    shot(page, "desktop-conversation")

    page.reload()
    dialog = page.get_by_role("dialog", name="Harbor Light assistant")
    expect(dialog).to_be_visible()  # it was open, so it reopens
    expect(messages(page, "user")).to_have_text(["hello", "What is IOP?", "I want to hurt myself"])
    expect(messages(page, "bot").last).to_contain_text("call or text 988")
    expect(page.locator("#iop-panel")).to_have_attribute("data-connection", "online", timeout=15000)
    assert fake_rasa.events("session_request")[-1]["requested"] == sid  # same Rasa conversation
    send(page, "still there?")
    expect(messages(page, "bot").last).to_have_text("You said: still there?")
    assert fake_rasa.messages(sid)[-1] == "still there?"


def test_markup_in_messages_is_shown_as_text(page: Any, web_app: WebApp, dialogs: list[str]) -> None:
    open_widget(page, web_app)
    attacks = [
        "<img src=x onerror=alert('img')>",
        "<script>alert('script')</script>",
        "[click me](javascript:alert('link'))",
    ]
    for attack in attacks:
        send(page, attack)
        expect(messages(page, "bot").last).to_have_text(f"You said: {attack}")
    expect(messages(page, "user")).to_have_text(attacks)
    log = page.get_by_role("log")
    assert log.locator("img").count() == 0
    assert log.locator("script").count() == 0
    assert log.locator("a[href^='javascript']").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []
    shot(page, "xss-as-text")


def test_staff_reply_is_labelled(page: Any, web_app: WebApp) -> None:
    open_widget(page, web_app)
    send(page, "can I talk to staff")
    staff = page.locator(".msg--staff")
    expect(staff.locator(".who")).to_have_text("Staff member")
    expect(staff.locator(".bubble")).to_have_text("Hi, this is Sam from the intake team.")


def test_empty_messages_are_not_sent_and_long_ones_are_capped(
    page: Any, web_app: WebApp, fake_rasa: FakeRasa
) -> None:
    open_widget(page, web_app)
    sid = session_id(page)
    box = page.get_by_label("Your message")
    box.fill("   ")
    box.press("Enter")
    page.get_by_role("button", name="Send message").click()
    page.wait_for_timeout(700)
    expect(messages(page, "user")).to_have_count(0)
    assert fake_rasa.messages(sid) == []

    box.fill("x" * 2500)
    expect(page.get_by_text("Messages can be up to 2,000 characters")).to_be_visible()
    box.press("Enter")
    expect(messages(page, "bot").last).to_have_text("Received 2000 characters.")
    assert [len(m) for m in fake_rasa.messages(sid)] == [2000]


def test_narrow_phone_screen_uses_the_full_screen(browser: Any, web_app: WebApp) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 700}, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        page.goto(web_app.url + "/")
        shot(page, "phone-closed")
        page.get_by_role("button", name="Chat with us").click()
        panel = page.get_by_role("dialog", name="Harbor Light assistant")
        expect(panel).to_be_visible()
        send(page, "hello")
        expect(page.get_by_role("button", name="What is IOP?")).to_be_visible()
        box = panel.bounding_box()
        assert box is not None
        assert (box["x"], box["y"]) == (0, 0)
        assert box["width"] == 375 and box["height"] == 700
        expect(panel.get_by_role("link", name=re.compile("^Call 988"))).to_be_in_viewport()
        expect(page.get_by_label("Your message")).to_be_in_viewport()
        # nothing sticks out sideways
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        shot(page, "phone-open")
        page.get_by_role("button", name="Close chat").click()
        expect(panel).to_be_hidden()
        expect(page.get_by_role("button", name="Chat with us")).to_be_visible()
    finally:
        context.close()


def test_keyboard_open_close_and_focus_return(page: Any, web_app: WebApp) -> None:
    page.goto(web_app.url + "/")
    launcher = page.get_by_role("button", name="Chat with us")
    launcher.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(launcher).to_have_attribute("aria-expanded", "true")
    assert page.evaluate(FOCUSED_ID) == "iop-input"  # focus moved into the panel

    page.keyboard.press("Tab")
    assert page.evaluate(FOCUSED_CLASS) == "send"
    outline = page.evaluate(f"() => getComputedStyle({ACTIVE}).outlineStyle")
    assert outline == "solid"  # a visible focus ring

    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert page.evaluate(FOCUSED_CLASS) == "launcher"  # focus is back on the launcher

    page.keyboard.press("Space")
    expect(page.get_by_role("dialog")).to_be_visible()
    page.get_by_role("button", name="Close chat").click()
    assert page.evaluate(FOCUSED_CLASS) == "launcher"


def test_accessible_structure(page: Any, web_app: WebApp) -> None:
    dialog = open_widget(page, web_app)
    log = dialog.get_by_role("log", name="Conversation")
    expect(log).to_have_attribute("aria-live", "polite")
    for name in ["Close chat", "Delete this conversation from this device", "Send message"]:
        expect(dialog.get_by_role("button", name=name)).to_be_visible()
    expect(dialog.get_by_role("textbox", name="Your message")).to_be_visible()
    send(page, "hello")
    expect(dialog.get_by_role("group", name="Suggested replies")).to_be_visible()
    # screen readers hear who said what
    expect(log.locator(".msg--user .sr-only").last).to_have_text("You said: ")


CONTRAST_JS = """
(selectors) => {
  const root = document.querySelector('#iop-chat-widget').shadowRoot;
  const rgb = (value) => value.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((c) => {
    c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
  const background = (node) => {
    for (let n = node; n; n = n.parentElement || (n.getRootNode() && n.getRootNode().host)) {
      const color = getComputedStyle(n).backgroundColor;
      const parts = rgb(color);
      if (parts.length < 4 || parts[3] > 0) return parts.slice(0, 3);
    }
    return [255, 255, 255];
  };
  return Object.fromEntries(selectors.map((selector) => {
    const node = root.querySelector(selector);
    const a = lum(rgb(getComputedStyle(node).color)), b = lum(background(node));
    return [selector, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)];
  }));
}
"""


def test_text_meets_wcag_aa_contrast(page: Any, web_app: WebApp) -> None:
    open_widget(page, web_app)
    send(page, "hello")
    expect(page.get_by_role("button", name="What is IOP?")).to_be_visible()
    selectors = [
        ".launcher",
        ".header h2",
        ".subtitle",
        ".crisis",
        ".crisis a",
        ".msg--user .bubble",
        ".msg--bot .bubble",
        ".quick-reply",
        ".disclaimer",
    ]
    ratios = page.evaluate(CONTRAST_JS, selectors)
    assert len(ratios) == len(selectors)
    assert all(ratio >= 4.5 for ratio in ratios.values()), ratios  # (NaN fails too)


def test_reconnects_after_the_server_restarts(page: Any, web_app: WebApp, fake_rasa: FakeRasa) -> None:
    open_widget(page, web_app)
    sid = session_id(page)
    send(page, "before")
    expect(messages(page, "bot").last).to_have_text("You said: before")

    fake_rasa.stop()
    status = page.get_by_role("status").filter(has_text="Reconnecting")
    expect(status).to_be_visible(timeout=15000)
    expect(page.locator("#iop-panel")).to_have_attribute("data-connection", "reconnecting")
    send(page, "while down")
    expect(page.get_by_text("Not sent yet")).to_be_visible()
    shot(page, "reconnecting")

    fake_rasa.start()
    expect(page.get_by_text("Reconnected.")).to_be_visible(timeout=20000)
    expect(messages(page, "bot").last).to_have_text("You said: while down", timeout=10000)
    expect(page.get_by_text("Not sent yet")).to_have_count(0)
    assert fake_rasa.messages(sid)[-2:] == ["before", "while down"]
    assert fake_rasa.events("session_request")[-1]["requested"] == sid


def test_delete_conversation_starts_over(page: Any, web_app: WebApp, fake_rasa: FakeRasa) -> None:
    open_widget(page, web_app)
    send(page, "something private")
    expect(messages(page, "bot").last).to_have_text("You said: something private")
    old = session_id(page)
    page.get_by_role("button", name="Delete this conversation from this device").click()
    expect(page.get_by_text("Conversation deleted from this device.")).to_be_visible()
    expect(messages(page, "user")).to_have_count(0)
    assert page.evaluate("() => Object.values(localStorage).join(' ')").find("something private") == -1
    send(page, "hello")
    expect(messages(page, "bot").last).to_have_text("Hi! What would you like to know?")
    new = session_id(page)
    assert new != old  # a new Rasa conversation
    assert fake_rasa.messages(new) == ["hello"]
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(messages(page, "user")).to_have_text(["hello"])
    expect(page.get_by_text("something private")).to_have_count(0)
