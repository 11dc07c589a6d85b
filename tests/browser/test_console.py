"""The staff console in headless Debian Chromium: sign-in, live queue, assisted screening, live handoff.

The first three run the real web app (`python -m bot.web`) on a free loopback port over a temp SQLite
database seeded directly. The live handoff test needs the whole stack (session fixture `stack`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from bot.db import init_db, session_scope
from bot.triage.users import add_user
from tests.browser.widget_harness import CHROMIUM, PROJECT_ROOT, free_port, launch_chromium
from tests.unit.console_support import PASSWORD, make_app, seed_queue

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "console"


@pytest.fixture(scope="module")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """(URL, database URL) of the web app over a seeded database: one of each item, the user `sam`."""
    workdir: Path = tmp_path_factory.mktemp("console")
    app = make_app(workdir)
    seed_queue(app, now=datetime.now(timezone.utc))
    with session_scope(app.ctx.settings.database_url) as db:
        add_user(db, "sam", PASSWORD)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": app.ctx.settings.database_url,
        "COOKIE_SECURE": "0",
        "RASA_URL": "http://127.0.0.1:9",  # no Rasa: the transcript shows as unavailable
        "WEB_PORT": str(port),
    }
    log = (workdir / "web.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "bot.web", "--port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(url + "/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the web app did not start: {(workdir / 'web.log').read_text()[-2000:]}")
        time.sleep(0.3)
    yield url, app.ctx.settings.database_url
    process.terminate()
    process.wait(timeout=10)
    log.close()


@pytest.fixture(scope="module")
def console_url(console: tuple[str, str]) -> str:
    return console[0]


@pytest.fixture
def page(console_url: str) -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium is not installed: run `make system-deps`")
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


def sign_in(page: Any, password: str = PASSWORD) -> None:
    page.get_by_label("Username").fill("sam")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.mark.browser
def test_sign_in_then_queue_shows_crisis_first_and_updates_live(page: Any, console: tuple[str, str]) -> None:
    console_url, database_url = console
    page.goto(console_url + "/console")
    expect(page).to_have_url(re.compile(r"/console/login\?next=/console$"))
    sign_in(page, "not the password")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    sign_in(page)
    expect(page).to_have_url(console_url + "/console")
    rows = page.locator("#queue tbody tr")
    expect(rows.first).to_have_attribute("class", re.compile("kind-crisis"))
    expect(rows).to_have_count(5)
    kinds = [rows.nth(i).locator("td").first.inner_text() for i in range(5)]
    assert kinds == ["crisis", "handoff (urgent)", "handoff", "callback", "screening"]

    # A new request written by another part appears without a reload.
    from bot.referral.store import save_callback_request

    with session_scope(database_url) as db:
        save_callback_request(
            db, conversation_id="conv-new", name="Jo", contact_kind="email", contact="jo@example.org",
            best_time="any", consent_text="email me", now=datetime.now(timezone.utc) - timedelta(hours=5),
        )  # fmt: skip
    expect(rows).to_have_count(6, timeout=15000)
    expect(page.locator('#queue a[href="/console/conversations/conv-new"]')).to_be_visible()

    first = rows.first
    first.get_by_role("button", name="Claim").click()
    expect(rows.first.locator("td.status")).to_contain_text("claimed (sam)")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "queue.png"), full_page=True)

    page.locator('#queue a[href="/console/conversations/conv-callback"]').click()
    expect(page.locator("dd.contact")).to_have_text("+12125550199")
    expect(page.locator("#transcript-status")).to_contain_text("Transcript unavailable", timeout=10000)
    page.screenshot(path=str(ARTIFACTS / "conversation.png"), full_page=True)

    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile("/console/login"))
    page.goto(console_url + "/console")
    expect(page).to_have_url(re.compile(r"/console/login\?next="))


@pytest.mark.browser
def test_assisted_screening_shows_level_reasons_programs_and_prints(page: Any, console_url: str) -> None:
    page.goto(console_url + "/console/screening")
    sign_in(page)
    expect(page).to_have_url(console_url + "/console/screening")
    answers = {
        "functioning": "A lot (missing work, isolating)", "current_care": "No", "wish_dead": "No",
        "suicidal_thoughts": "No", "suicide_behavior": "Never", "harm_to_others": "No",
        "substance_use": "Weekly or more often", "withdrawal": "Mild (a bit shaky, poor sleep)",
        "medically_unstable": "No", "safe_home": "Yes",
        "can_attend": "Only online", "group_ok": "Prefers not to say",
    }  # fmt: skip
    for field, label in answers.items():
        page.locator(f"#q-{field}").get_by_label(label, exact=True).check()
    page.get_by_label("ZIP code").fill("10001")
    page.get_by_role("button", name="Show suggested level of care").click()
    expect(page.locator("#level")).to_have_text("an intensive outpatient program (IOP)")
    expect(page.locator("#reasons li").first).to_contain_text("get in the way of work")
    expect(page.locator("#reasons")).to_contain_text("only attend online")
    expect(page.locator("#programs li").first).to_contain_text("(fictional)")
    expect(page.get_by_text("A clinician makes the final decision.")).to_be_visible()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "screening-result.png"), full_page=True)
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()
    expect(page.get_by_role("button", name="Print summary")).to_be_hidden()
    page.screenshot(path=str(ARTIFACTS / "screening-print.png"), full_page=True)


@pytest.mark.model
@pytest.mark.browser
def test_live_handoff_crisis_reaches_the_queue_and_staff_reply_reaches_the_widget(stack: Any) -> None:
    """Crisis in the widget -> top of the console queue -> staff reply shown in the widget as staff."""
    if not CHROMIUM.exists():
        pytest.skip("Debian Chromium is not installed: run `make system-deps`")
    init_db(stack.database_url)
    name = f"staff{uuid.uuid4().hex[:8]}"
    with session_scope(stack.database_url) as db:
        add_user(db, name, PASSWORD)
    with sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        person = browser.new_context().new_page()
        person.goto(stack.web_url + "/")
        person.get_by_role("button", name="Chat with us").click()
        expect(person.locator("#iop-panel")).to_have_attribute("data-connection", "online", timeout=20000)
        box = person.get_by_label("Your message")
        box.fill("I want to kill myself")
        box.press("Enter")
        expect(person.locator(".msg--bot .bubble").filter(has_text="988").last).to_be_visible(timeout=30000)

        staff = browser.new_context().new_page()
        staff.goto(stack.web_url + "/console")
        staff.get_by_label("Username").fill(name)
        staff.get_by_label("Password").fill(PASSWORD)
        staff.get_by_role("button", name="Sign in").click()
        top = staff.locator("#queue tbody tr").first
        expect(top).to_have_attribute("class", re.compile("kind-crisis"), timeout=15000)
        top.locator("a").click()
        staff.locator("#reply-text").fill("Hi, this is Sam from intake.")
        staff.get_by_role("button", name="Send").click()
        expect(staff.locator("#transcript li.staff")).to_contain_text("Hi, this is Sam", timeout=15000)
        expect(person.locator(".msg--staff .bubble").last).to_contain_text("Hi, this is Sam", timeout=15000)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        person.screenshot(path=str(ARTIFACTS / "handoff-widget.png"))
        staff.screenshot(path=str(ARTIFACTS / "handoff-console.png"), full_page=True)
        staff.get_by_role("button", name="Hand back to assistant").click()
        expect(staff.locator("#transcript-status")).to_contain_text("Handed back", timeout=15000)
        staff.wait_for_timeout(4000)  # longer than a transcript poll (3 s): the confirmation stays
        assert "Handed back" in staff.locator("#transcript-status").inner_text()
        browser.close()
