"""The chat widget's main path against the real stack: trained model, Rasa's socket.io channel, web app.

Uses the session fixture `stack` (tests/conftest.py), which skips when there is no trained model.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterator

import pytest

from tests.browser.widget_harness import ARTIFACTS, BUNDLE, CHROMIUM, launch_chromium

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
pytestmark = [pytest.mark.model, pytest.mark.browser]

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
REPLY_TIMEOUT_MS = 30000  # the first prediction of a freshly loaded model can be slow


@pytest.fixture(scope="module")
def live_browser(stack: Any) -> Iterator[Any]:
    """One Chromium for the module: Playwright's sync API allows one running instance per thread."""
    if not BUNDLE.is_file():
        pytest.fail(f"widget bundle missing at {BUNDLE}: run `make widget`")
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium is not installed: run `make system-deps`")
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def live_page(live_browser: Any) -> Iterator[Any]:
    context = live_browser.new_context(viewport={"width": 1280, "height": 860})
    yield context.new_page()
    context.close()


def bot_count(page: Any) -> int:
    return int(page.locator(".msg--bot").count())


def ask(page: Any, text: str) -> Any:
    """Send `text` and return the locator of the bot messages that answer it."""
    before = bot_count(page)
    box = page.get_by_label("Your message")
    box.fill(text)
    box.press("Enter")
    expect(page.locator(".msg--bot").nth(before)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
    page.wait_for_timeout(1500)  # let the rest of a multi-message answer arrive
    return page.locator(".msg--bot .bubble").nth(before)


def test_widget_main_path_against_rasa(live_page: Any, stack: Any) -> None:
    page = live_page
    page.goto(stack.web_url + "/")
    page.get_by_role("button", name="Chat with us").click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(page.locator("#iop-panel")).to_have_attribute("data-connection", "online", timeout=20000)
    expect(dialog.get_by_role("link", name=re.compile("^Call 988"))).to_have_attribute("href", "tel:988")

    ask(page, "hello")
    answer = ask(page, "what is an intensive outpatient program?")
    expect(answer).to_contain_text("intensive outpatient", ignore_case=True)

    suggestions = page.locator(".quick-reply")
    if suggestions.count():  # the FAQ answer offers follow-up buttons: one must work
        title = suggestions.first.inner_text()
        before = bot_count(page)
        suggestions.first.click()
        expect(page.locator(".msg--user .bubble").last).to_have_text(title)
        expect(page.locator(".msg--bot").nth(before)).to_be_visible(timeout=REPLY_TIMEOUT_MS)

    ask(page, "I want to kill myself")
    expect(page.locator(".msg--bot .bubble").filter(has_text="988").last).to_be_visible()
    # the crisis turn ends with the safety check; wait for it before taking the transcript
    expect(page.locator(".msg--bot .bubble").last).to_contain_text("safe", timeout=REPLY_TIMEOUT_MS)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "live-conversation.png"))

    shown = page.locator(".msg .bubble").all_inner_texts()
    page.reload()
    expect(page.get_by_role("dialog")).to_be_visible()
    restored = page.locator(".msg .bubble")
    expect(restored).to_have_count(len(shown))
    assert restored.all_inner_texts() == shown
    expect(page.locator("#iop-panel")).to_have_attribute("data-connection", "online", timeout=20000)
    # Rasa kept the tracker: the same conversation continues after the reload
    session_id = page.evaluate(
        "() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find("
        "k => k.startsWith('iop-chat:')))).sessionId"
    )
    events = stack.tracker(session_id)["events"]
    assert any(e.get("event") == "user" and e.get("text") == "hello" for e in events)
    ask(page, "thanks")


def test_widget_screening_then_referral_against_rasa(live_browser: Any, stack: Any) -> None:
    """Screening started from a button and answered in the widget, then matching programs."""
    from tests.integration.conversation import answer_payload
    from tests.integration.test_conversations import LEVELS

    context = live_browser.new_context(viewport={"width": 390, "height": 844})  # a phone, a new visitor
    try:
        page = context.new_page()
        page.goto(stack.web_url + "/")
        page.get_by_role("button", name="Chat with us").click()
        expect(page.locator("#iop-panel")).to_have_attribute("data-connection", "online", timeout=20000)
        ask(page, "hello")
        before = bot_count(page)
        page.locator(".quick-reply", has_text="Is IOP right for me?").last.click()
        expect(page.locator(".msg--bot").nth(before)).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        page.wait_for_timeout(1500)
        session_id = page.evaluate(
            "() => JSON.parse(localStorage.getItem(Object.keys(localStorage).find("
            "k => k.startsWith('iop-chat:')))).sessionId"
        )
        answers = LEVELS["iop"]
        for _ in range(20):
            tracker = stack.tracker(session_id)
            if (tracker.get("active_loop") or {}).get("name") != "screening_form":
                break
            slot = tracker["slots"]["requested_slot"]
            ask(page, answer_payload(slot, answers[slot]))
        assert stack.tracker(session_id)["slots"]["screening_level"] == "iop"
        first = bot_count(page)
        expect(ask(page, "evening, online, Medicaid")).to_contain_text("programs that may fit")
        answers_after = page.locator(".msg--bot .bubble").filter(has_text="(fictional)")
        expect(answers_after.first).to_be_visible(timeout=REPLY_TIMEOUT_MS)
        assert answers_after.count() >= 1 and bot_count(page) > first
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "live-screening-referral.png"))
    finally:
        context.close()
