"""Each messaging channel end to end: a real platform webhook into the running Rasa, the reply
captured on the fake platform API (tests/fakes). Needs the trained model (`make test`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest

from tests.fakes import inbound
from tests.fakes.platforms import FakePlatforms
from tests.integration.stack import RunningStack, start_stack

pytestmark = pytest.mark.model

FAQ_QUESTION = "What is an intensive outpatient program?"
CRISIS_MESSAGE = "I want to kill myself tonight"
TWILIO_TOKEN, SLACK_SECRET, FB_SECRET, TG_SECRET = "tw-token", "slack-secret", "fb-secret", "tg-secret"
PUBLIC_URL = "https://bot.example"


@pytest.fixture(scope="module")
def fake() -> Iterator[FakePlatforms]:
    with FakePlatforms() as platforms:
        yield platforms


@pytest.fixture(scope="module")
def channel_stack(
    trained_model: Path, tmp_path_factory: pytest.TempPathFactory, fake: FakePlatforms
) -> Iterator[RunningStack]:
    """Rasa and the action server with all four messaging channels enabled against the fakes."""
    env = {
        "PUBLIC_URL": PUBLIC_URL,
        "TELEGRAM_TOKEN": "123456:TEST-token",
        "TELEGRAM_BOT_NAME": "iop_test_bot",
        "TELEGRAM_WEBHOOK_SECRET": TG_SECRET,
        "TELEGRAM_API_BASE_URL": fake.url("telegram"),
        "TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_NUMBER": "+15550009999",
        "TWILIO_API_BASE_URL": fake.url("twilio"),
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SLACK_SECRET,
        "SLACK_API_BASE_URL": fake.url("slack"),
        "FACEBOOK_VERIFY_TOKEN": "fb-verify",
        "FACEBOOK_APP_SECRET": FB_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": "EAAtest",
        "FACEBOOK_API_BASE_URL": fake.url("facebook"),
    }
    running = start_stack(trained_model, tmp_path_factory.mktemp("channels"), with_web=False, extra_env=env)
    yield running
    running.stop()


def _post(stack: RunningStack, path: str, request: tuple[bytes, dict[str, str]]) -> httpx.Response:
    body, headers = request
    return httpx.post(f"{stack.rasa_url}{path}", content=body, headers=headers, timeout=60)


def _telegram_texts(fake: FakePlatforms, chat_id: int) -> str:
    calls = fake.calls("telegram", "sendMessage")
    return " ".join(c.body["text"] for c in calls if c.body.get("chat_id") == str(chat_id))


def _twilio_texts(fake: FakePlatforms, to: str) -> str:
    return " ".join(c.body["Body"] for c in fake.calls("twilio", "Messages.json") if c.body["To"] == to)


def _slack_texts(fake: FakePlatforms, channel: str) -> str:
    calls = fake.calls("slack", "chat.postMessage")
    return " ".join(c.body.get("text", "") for c in calls if c.body.get("channel") == channel)


def _messenger_texts(fake: FakePlatforms, psid: str) -> str:
    texts = []
    for call in fake.calls("facebook", "me/messages"):
        message: dict[str, Any] = call.body.get("message") or {}
        if call.body["recipient"]["id"] != psid or not message:
            continue
        texts.append(message.get("text") or message["attachment"]["payload"].get("text", ""))
    return " ".join(texts)


def _assert_faq(text: str) -> None:
    assert "outpatient" in text.lower() or "IOP" in text, text[:200]
    assert "didn't understand" not in text


def test_telegram_registered_its_webhook_at_startup(channel_stack, fake):
    [call] = fake.calls("telegram", "setWebhook")
    assert call.body == {"url": f"{PUBLIC_URL}/webhooks/telegram/webhook", "secret_token": TG_SECRET}


@pytest.mark.parametrize(("chat_id", "text"), [(9001, FAQ_QUESTION), (9002, CRISIS_MESSAGE)])
def test_telegram(channel_stack, fake, chat_id, text):
    response = _post(
        channel_stack, "/webhooks/telegram/webhook", inbound.telegram_message(chat_id, text, TG_SECRET)
    )
    assert response.status_code == 200
    replies = _telegram_texts(fake, chat_id)
    if text == FAQ_QUESTION:
        _assert_faq(replies)
    else:
        assert "988" in replies


@pytest.mark.parametrize(
    ("sender", "text"), [("+15551110001", FAQ_QUESTION), ("+15551110002", CRISIS_MESSAGE)]
)
def test_twilio_sms(channel_stack, fake, sender, text):
    public = f"{PUBLIC_URL}/webhooks/twilio/webhook"
    response = _post(
        channel_stack,
        "/webhooks/twilio/webhook",
        inbound.twilio_sms(TWILIO_TOKEN, public, sender, "+15550009999", text),
    )
    assert response.status_code == 204
    replies = _twilio_texts(fake, sender)
    assert all(len(c.body["Body"]) <= 1600 for c in fake.calls("twilio", "Messages.json"))
    if text == FAQ_QUESTION:
        _assert_faq(replies)
    else:
        assert "988" in replies


def test_twilio_sms_numbered_reply_picks_the_offered_button(channel_stack, fake):
    public = f"{PUBLIC_URL}/webhooks/twilio/webhook"
    sender = "+15551110003"
    _post(
        channel_stack,
        "/webhooks/twilio/webhook",
        inbound.twilio_sms(TWILIO_TOKEN, public, sender, "+1555", "hi"),
    )
    greeting = _twilio_texts(fake, sender)
    assert "Reply 1 for" in greeting
    _post(
        channel_stack,
        "/webhooks/twilio/webhook",
        inbound.twilio_sms(TWILIO_TOKEN, public, sender, "+1555", "1"),
    )
    events = channel_stack.tracker(sender)["events"]
    user_texts = [e.get("text") for e in events if e["event"] == "user"]
    assert user_texts[-1] != "1"  # mapped to the first button's payload


@pytest.mark.parametrize(("user", "text"), [("U0FAQ", FAQ_QUESTION), ("U0CRISIS", CRISIS_MESSAGE)])
def test_slack(channel_stack, fake, user, text):
    channel = f"D{user}"
    response = _post(
        channel_stack, "/webhooks/slack/webhook", inbound.slack_message(SLACK_SECRET, user, channel, text)
    )
    assert response.status_code == 200
    fake.wait_for("slack", "chat.postMessage", timeout=60, channel=channel)
    replies = _slack_texts(fake, channel)
    if text == FAQ_QUESTION:
        _assert_faq(replies)
    else:
        assert "988" in replies


@pytest.mark.parametrize(("psid", "text"), [("PSIDFAQ", FAQ_QUESTION), ("PSIDCRISIS", CRISIS_MESSAGE)])
def test_messenger(channel_stack, fake, psid, text):
    response = _post(
        channel_stack, "/webhooks/facebook/webhook", inbound.messenger_message(FB_SECRET, "PAGE1", psid, text)
    )
    assert response.status_code == 200
    replies = _messenger_texts(fake, psid)
    if text == FAQ_QUESTION:
        _assert_faq(replies)
    else:
        assert "988" in replies


def test_forged_webhooks_are_refused(channel_stack):
    body, headers = inbound.messenger_message("wrong", "PAGE1", "PSIDX", "hi")
    assert _post(channel_stack, "/webhooks/facebook/webhook", (body, headers)).status_code == 403
    body, headers = inbound.twilio_sms("wrong", f"{PUBLIC_URL}/webhooks/twilio/webhook", "+1", "+2", "hi")
    assert _post(channel_stack, "/webhooks/twilio/webhook", (body, headers)).status_code == 403
    assert (
        _post(
            channel_stack, "/webhooks/telegram/webhook", inbound.telegram_message(1, "hi", "no")
        ).status_code
        == 403
    )
    assert httpx.get(f"{channel_stack.rasa_url}/", timeout=10).status_code == 200
