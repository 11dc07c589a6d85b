"""The connectors' Sanic blueprints fed real platform webhooks, answering into the fake platform APIs.

No model: `on_new_message` is a stub that records the UserMessage and answers like the bot would.
"""

from __future__ import annotations

import socket
import uuid
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import httpx
import pytest

from tests.fakes import inbound
from tests.fakes.platforms import FakePlatforms

pytestmark = pytest.mark.rasa

CRISIS = "If you might act on thoughts of suicide, call or text 988 now, or call 911."
BUTTONS = [
    {"title": "Yes", "payload": "/affirm"},
    {"title": "No", "payload": "/deny"},
    {"title": "Talk to a person", "payload": "/human_handoff"},
]
TWILIO_SID, TWILIO_TOKEN = "AC" + "1" * 32, "twilio-auth-token"


@pytest.fixture
def fake() -> Any:
    with FakePlatforms() as platforms:
        yield platforms


@pytest.fixture(autouse=True)
def database(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")


class Bot:
    """A stand-in for Rasa's message handler: records messages and sends a scripted reply."""

    def __init__(self, reply: dict[str, Any]) -> None:
        self.reply, self.received = reply, []

    async def __call__(self, message: Any) -> None:
        self.received.append(message)
        await message.output_channel.send_response(message.sender_id, dict(self.reply))


@asynccontextmanager
async def serve(blueprint: Any, prefix: str) -> AsyncIterator[str]:
    """Run `blueprint` under /webhooks/<prefix> on an ephemeral port; yield the webhook URL."""
    from sanic import Sanic

    Sanic.test_mode = True
    app = Sanic(f"t{uuid.uuid4().hex}")
    app.blueprint(blueprint, url_prefix=f"/webhooks/{prefix}")
    # Bind the socket here: Sanic 21.12 turns port=0 into its default 8000, which a running app may hold.
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = await app.create_server(sock=sock, return_asyncio_server=True, access_log=False)
    assert server is not None
    await server.startup()
    try:
        yield f"http://127.0.0.1:{port}/webhooks/{prefix}/webhook"
    finally:
        await server.close()


async def post(url: str, request: tuple[bytes, dict[str, str]]) -> httpx.Response:
    body, headers = request
    async with httpx.AsyncClient() as client:
        return await client.post(url, content=body, headers=headers, timeout=20)


# --- SMS -----------------------------------------------------------------------------------------


def sms_channel(fake: FakePlatforms, webhook_url: str | None = None) -> Any:
    from channels.sms import SmsInput

    return SmsInput.from_credentials(
        {
            "account_sid": TWILIO_SID,
            "auth_token": TWILIO_TOKEN,
            "twilio_number": "+15550009999",
            "webhook_url": webhook_url or "",
            "api_base_url": fake.url("twilio"),
        }
    )


async def test_sms_crisis_reply_reaches_the_twilio_api(fake):
    bot = Bot({"text": CRISIS})
    channel = sms_channel(fake)
    async with serve(channel.blueprint(bot), "twilio") as url:
        response = await post(
            url, inbound.twilio_sms(TWILIO_TOKEN, url, "+15551230000", "+15550009999", "I want to die")
        )
    assert response.status_code == 204
    assert [m.text for m in bot.received] == ["I want to die"]
    assert bot.received[0].sender_id == "+15551230000"
    [call] = fake.calls("twilio", "Messages.json")
    assert call.body == {"To": "+15551230000", "From": "+15550009999", "Body": CRISIS}
    assert call.path == f"/twilio/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"


async def test_sms_rejects_unsigned_and_forged_webhooks(fake):
    bot = Bot({"text": "hi"})
    channel = sms_channel(fake)
    async with serve(channel.blueprint(bot), "twilio") as url:
        body, headers = inbound.twilio_sms("wrong-token", url, "+15551230000", "+15550009999", "hi")
        forged = await post(url, (body, headers))
        unsigned = await post(url, (body, {"Content-Type": headers["Content-Type"]}))
    assert (forged.status_code, unsigned.status_code) == (403, 403)
    assert bot.received == [] and fake.calls() == []


async def test_sms_buttons_become_a_numbered_list_and_a_number_maps_back(fake):
    bot = Bot({"text": "Would you like to talk to someone?", "buttons": BUTTONS})
    channel = sms_channel(fake, webhook_url="https://bot.example/webhooks/twilio/webhook")
    public = "https://bot.example/webhooks/twilio/webhook"  # signed for the public URL, as behind a proxy
    async with serve(channel.blueprint(bot), "twilio") as url:
        await post(url, inbound.twilio_sms(TWILIO_TOKEN, public, "+15551230000", "+15550009999", "hello"))
        await post(url, inbound.twilio_sms(TWILIO_TOKEN, public, "+15551230000", "+15550009999", "3"))
        await post(url, inbound.twilio_sms(TWILIO_TOKEN, public, "+15551239999", "+15550009999", "3"))
    [first, *_] = fake.calls("twilio", "Messages.json")
    assert first.body["Body"] == (
        "Would you like to talk to someone?\n\nReply 1 for Yes, 2 for No or 3 for Talk to a person."
    )
    assert [m.text for m in bot.received] == ["hello", "/human_handoff", "3"]  # another sender: unmapped


async def test_sms_long_reply_is_split_into_ordered_bodies_of_1600(fake):
    text = ("IOP meets three to five days a week for about three hours. " * 60).strip()
    bot = Bot({"text": text})
    channel = sms_channel(fake)
    async with serve(channel.blueprint(bot), "twilio") as url:
        await post(url, inbound.twilio_sms(TWILIO_TOKEN, url, "+15551230000", "+15550009999", "schedule?"))
    bodies = [c.body["Body"] for c in fake.calls("twilio", "Messages.json")]
    assert len(bodies) == 3 and all(len(b) <= 1600 for b in bodies)
    assert " ".join(bodies) == text


async def test_sms_reply_still_goes_out_when_the_database_is_down(fake, tmp_path, monkeypatch):
    (tmp_path / "blocked").write_text("not a directory")
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'blocked' / 'db' / 'app.db'}")
    bot = Bot({"text": CRISIS, "buttons": BUTTONS})
    channel = sms_channel(fake)
    async with serve(channel.blueprint(bot), "twilio") as url:
        response = await post(url, inbound.twilio_sms(TWILIO_TOKEN, url, "+15551230000", "+15550009999", "2"))
    assert response.status_code == 204
    assert [m.text for m in bot.received] == ["2"]
    [call] = fake.calls("twilio", "Messages.json")
    assert call.body["Body"].startswith(CRISIS)


# --- Telegram ------------------------------------------------------------------------------------


def telegram_channel(fake: FakePlatforms) -> Any:
    from channels.telegram import TelegramInput

    return TelegramInput.from_credentials(
        {
            "access_token": "123456:TEST-token",
            "verify": "iop_test_bot",
            "webhook_url": "https://bot.example/webhooks/telegram/webhook",
            "secret_token": "tg-secret",
            "api_base_url": fake.url("telegram"),
        }
    )


def test_telegram_registers_its_webhook_with_the_secret_token(fake):
    channel = telegram_channel(fake)
    channel.blueprint(Bot({"text": "hi"}))  # outside an event loop, as when Rasa starts
    [call] = fake.calls("telegram", "setWebhook")
    assert call.body == {"url": "https://bot.example/webhooks/telegram/webhook", "secret_token": "tg-secret"}
    assert call.path == "/telegram/bot123456:TEST-token/setWebhook"


async def test_telegram_crisis_reply_and_buttons_reach_the_bot_api(fake):
    bot = Bot({"text": CRISIS, "buttons": BUTTONS})
    channel = telegram_channel(fake)
    async with serve(channel.blueprint(bot), "telegram") as url:
        response = await post(url, inbound.telegram_message(777, "I want to die", "tg-secret"))
    assert response.status_code == 200
    assert [(m.text, m.sender_id) for m in bot.received] == [("I want to die", "777")]
    [call] = fake.calls("telegram", "sendMessage")
    assert call.body["chat_id"] == "777" and call.body["text"] == CRISIS
    import json

    keyboard = json.loads(call.body["reply_markup"])["inline_keyboard"]
    assert [[k["callback_data"] for k in row] for row in keyboard] == [
        ["/affirm"],
        ["/deny"],
        ["/human_handoff"],
    ]


async def test_telegram_rejects_updates_without_the_secret(fake):
    bot = Bot({"text": "hi"})
    channel = telegram_channel(fake)
    async with serve(channel.blueprint(bot), "telegram") as url:
        response = await post(url, inbound.telegram_message(777, "hi", "wrong"))
    assert response.status_code == 403 and bot.received == []


async def test_telegram_button_tap_is_acknowledged_and_long_payloads_map_back(fake):
    long_payload = '/inform{"substance_use":"alcohol_daily_heavy_use","functioning":"struggling"}'
    bot = Bot({"text": "Which fits?", "buttons": [{"title": "Alcohol", "payload": long_payload}]})
    channel = telegram_channel(fake)
    async with serve(channel.blueprint(bot), "telegram") as url:
        await post(url, inbound.telegram_message(777, "hi", "tg-secret"))
        sent = fake.calls("telegram", "sendMessage")[0]
        import json

        data = json.loads(sent.body["reply_markup"])["inline_keyboard"][0][0]["callback_data"]
        await post(url, inbound.telegram_button(777, data, "tg-secret"))
    assert data == "1"
    assert [m.text for m in bot.received] == ["hi", long_payload]
    assert len(fake.calls("telegram", "answerCallbackQuery")) == 1


async def test_telegram_long_text_is_split_at_4096(fake):
    bot = Bot({"text": "word " * 1500})
    channel = telegram_channel(fake)
    async with serve(channel.blueprint(bot), "telegram") as url:
        await post(url, inbound.telegram_message(777, "tell me everything", "tg-secret"))
    texts = [c.body["text"] for c in fake.calls("telegram", "sendMessage")]
    assert len(texts) == 2 and all(len(t) <= 4096 for t in texts)


# --- Slack ---------------------------------------------------------------------------------------

SLACK_SECRET = "slack-signing-secret"


def slack_channel(fake: FakePlatforms) -> Any:
    from channels.slack import SlackInput

    return SlackInput.from_credentials(
        {"slack_token": "xoxb-test", "slack_signing_secret": SLACK_SECRET, "api_base_url": fake.url("slack")}
    )


async def test_slack_crisis_reply_reaches_chat_post_message(fake):
    bot = Bot({"text": CRISIS, "buttons": BUTTONS})
    channel = slack_channel(fake)
    async with serve(channel.blueprint(bot), "slack") as url:
        response = await post(url, inbound.slack_message(SLACK_SECRET, "U123", "D456", "I want to die"))
        [call] = await fake.wait_for_async("slack", "chat.postMessage", timeout=10)
    assert response.status_code == 200
    assert [(m.text, m.sender_id) for m in bot.received] == [("I want to die", "U123")]
    assert call.body["channel"] == "D456" and call.body["text"] == CRISIS
    assert call.headers["authorization"] == "Bearer xoxb-test"
    blocks = call.body["blocks"]
    assert blocks[0]["text"]["text"] == CRISIS
    assert [e["value"] for e in blocks[1]["elements"]] == ["/affirm", "/deny", "/human_handoff"]


async def test_slack_button_click_arrives_as_its_payload(fake):
    bot = Bot({"text": "ok"})
    channel = slack_channel(fake)
    async with serve(channel.blueprint(bot), "slack") as url:
        await post(url, inbound.slack_button(SLACK_SECRET, "U123", "D456", "/human_handoff"))
        await fake.wait_for_async("slack", "chat.postMessage", timeout=10)
    assert [m.text for m in bot.received] == ["/human_handoff"]


async def test_slack_rejects_bad_signatures_and_stale_timestamps(fake):
    bot = Bot({"text": "hi"})
    channel = slack_channel(fake)
    async with serve(channel.blueprint(bot), "slack") as url:
        forged = await post(url, inbound.slack_message("other-secret", "U1", "D1", "hi"))
        stale = await post(
            url, inbound.slack_message(SLACK_SECRET, "U1", "D1", "hi", timestamp=1_000_000_000)
        )
    assert (forged.status_code, stale.status_code) == (400, 400)
    assert bot.received == []


# --- Messenger -----------------------------------------------------------------------------------

FB_SECRET = "fb-app-secret"


def facebook_channel(fake: FakePlatforms) -> Any:
    from channels.facebook import FacebookInput

    return FacebookInput.from_credentials(
        {
            "verify": "fb-verify",
            "secret": FB_SECRET,
            "page-access-token": "EAAtest",
            "api_base_url": fake.url("facebook"),
        }
    )


async def test_messenger_verification_handshake(fake):
    channel = facebook_channel(fake)
    async with serve(channel.blueprint(Bot({"text": "hi"})), "facebook") as url:
        async with httpx.AsyncClient() as client:
            good = await client.get(
                url, params={"hub.mode": "subscribe", "hub.verify_token": "fb-verify", "hub.challenge": "42"}
            )
            bad = await client.get(
                url, params={"hub.mode": "subscribe", "hub.verify_token": "nope", "hub.challenge": "42"}
            )
    assert (good.status_code, good.text) == (200, "42")
    assert bad.status_code == 403


async def test_messenger_crisis_reply_reaches_the_send_api(fake):
    bot = Bot({"text": CRISIS, "buttons": BUTTONS})
    channel = facebook_channel(fake)
    async with serve(channel.blueprint(bot), "facebook") as url:
        response = await post(url, inbound.messenger_message(FB_SECRET, "PAGE1", "PSID9", "I want to die"))
    assert response.status_code == 200
    assert [(m.text, m.sender_id) for m in bot.received] == [("I want to die", "PSID9")]
    sends = [c for c in fake.calls("facebook", "me/messages") if "message" in c.body]
    [send] = sends
    assert send.query["access_token"] == "EAAtest" and send.body["recipient"] == {"id": "PSID9"}
    template = send.body["message"]["attachment"]["payload"]
    assert template["text"] == CRISIS
    assert [b["payload"] for b in template["buttons"]] == ["/affirm", "/deny", "/human_handoff"]
    actions = [
        c.body["sender_action"] for c in fake.calls("facebook", "me/messages") if "sender_action" in c.body
    ]
    assert actions == ["mark_seen", "typing_on", "typing_off"]


async def test_messenger_postback_arrives_as_its_payload_and_forgeries_are_refused(fake):
    bot = Bot({"text": "ok"})
    channel = facebook_channel(fake)
    async with serve(channel.blueprint(bot), "facebook") as url:
        ok = await post(url, inbound.messenger_postback(FB_SECRET, "PAGE1", "PSID9", "/human_handoff"))
        forged = await post(url, inbound.messenger_message("wrong", "PAGE1", "PSID9", "hi"))
    assert (ok.status_code, forged.status_code) == (200, 403)
    assert [m.text for m in bot.received] == ["/human_handoff"]
