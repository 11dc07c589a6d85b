"""Inbound webhook requests exactly as each platform sends them, signed where the platform signs.

Each builder returns (body bytes, headers) ready for an HTTP POST to the connector's webhook.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import time
from typing import Any
from urllib.parse import urlencode

_ids = itertools.count(1000)


def telegram_message(
    chat_id: int, text: str, secret_token: str | None = None
) -> tuple[bytes, dict[str, str]]:
    """A Telegram Update with a private-chat text message (Bot API `Update` object)."""
    now = int(time.time())
    update = {
        "update_id": next(_ids),
        "message": {
            "message_id": next(_ids),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "en"},
            "chat": {"id": chat_id, "first_name": "Test", "type": "private"},
            "date": now,
            "text": text,
        },
    }
    return _telegram(update, secret_token)


def telegram_button(chat_id: int, data: str, secret_token: str | None = None) -> tuple[bytes, dict[str, str]]:
    """A Telegram Update for a tap on an inline keyboard button (`callback_query`)."""
    update = {
        "update_id": next(_ids),
        "callback_query": {
            "id": str(next(_ids)),
            "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
            "message": {
                "message_id": next(_ids),
                "from": {
                    "id": 4242,
                    "is_bot": True,
                    "first_name": "IOP assistant",
                    "username": "iop_test_bot",
                },
                "chat": {"id": chat_id, "first_name": "Test", "type": "private"},
                "date": int(time.time()),
                "text": "earlier question",
            },
            "chat_instance": "-1",
            "data": data,
        },
    }
    return _telegram(update, secret_token)


def _telegram(update: dict[str, Any], secret_token: str | None) -> tuple[bytes, dict[str, str]]:
    headers = {"Content-Type": "application/json"}
    if secret_token:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret_token
    return json.dumps(update).encode(), headers


def twilio_signature(auth_token: str, url: str, params: dict[str, str]) -> str:
    """X-Twilio-Signature: base64 HMAC-SHA1 of the URL followed by the sorted POST parameters."""
    data = url + "".join(f"{key}{params[key]}" for key in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_sms(
    auth_token: str, url: str, sender: str, to: str, text: str, account_sid: str = "AC" + "0" * 32
) -> tuple[bytes, dict[str, str]]:
    """Twilio's form-encoded incoming-SMS webhook, signed for `url`."""
    params = {
        "ToCountry": "US",
        "ToState": "CA",
        "SmsMessageSid": f"SM{next(_ids):032d}",
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": f"SM{next(_ids):032d}",
        "FromState": "CA",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": text,
        "FromCountry": "US",
        "To": to,
        "ToZip": "",
        "NumSegments": "1",
        "MessageSid": f"SM{next(_ids):032d}",
        "AccountSid": account_sid,
        "From": sender,
        "ApiVersion": "2010-04-01",
    }
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilio_signature(auth_token, url, params),
    }
    return urlencode(params).encode(), headers


def slack_headers(
    signing_secret: str, body: bytes, content_type: str, timestamp: int | None = None
) -> dict[str, str]:
    """X-Slack-Signature v0: HMAC-SHA256 of "v0:{timestamp}:{body}" with the signing secret."""
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    digest = hmac.new(signing_secret.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
    }


def slack_message(
    signing_secret: str, user: str, channel: str, text: str, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """An Events API `event_callback` for a direct message to the bot (`message.im`)."""
    ts = f"{time.time():.6f}"
    payload = {
        "token": "verification-token-unused",
        "team_id": "T0001",
        "api_app_id": "A0001",
        "event": {
            "client_msg_id": f"c{next(_ids)}",
            "type": "message",
            "text": text,
            "user": user,
            "ts": ts,
            "team": "T0001",
            "channel": channel,
            "event_ts": ts,
            "channel_type": "im",
        },
        "type": "event_callback",
        "event_id": f"Ev{next(_ids)}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": "T0001", "user_id": "UBOT", "is_bot": True}],
        "is_ext_shared_channel": False,
    }
    body = json.dumps(payload).encode()
    return body, slack_headers(signing_secret, body, "application/json", timestamp)


def slack_button(signing_secret: str, user: str, channel: str, value: str) -> tuple[bytes, dict[str, str]]:
    """An interactivity `block_actions` payload for a button click (form-encoded `payload=`)."""
    ts = f"{time.time():.6f}"
    payload = {
        "type": "block_actions",
        "user": {"id": user, "team_id": "T0001"},
        "team": {"id": "T0001"},
        "channel": {"id": channel, "name": "directmessage"},
        "container": {"type": "message", "message_ts": ts},
        "message": {"type": "message", "ts": ts, "text": "earlier question"},
        "actions": [
            {
                "type": "button",
                "action_id": "option_1",
                "block_id": "b1",
                "value": value,
                "text": {"type": "plain_text", "text": "Choice"},
                "action_ts": ts,
            }
        ],
    }
    body = urlencode({"payload": json.dumps(payload)}).encode()
    return body, slack_headers(signing_secret, body, "application/x-www-form-urlencoded")


def messenger_message(app_secret: str, page_id: str, sender: str, text: str) -> tuple[bytes, dict[str, str]]:
    """A Messenger Platform webhook (object=page) with one text message, signed with X-Hub-Signature-256."""
    return _messenger(app_secret, page_id, sender, {"message": {"mid": f"m_{next(_ids)}", "text": text}})


def messenger_postback(
    app_secret: str, page_id: str, sender: str, payload: str
) -> tuple[bytes, dict[str, str]]:
    """A Messenger webhook for a button-template tap (`postback`)."""
    return _messenger(
        app_secret,
        page_id,
        sender,
        {"postback": {"mid": f"m_{next(_ids)}", "title": "Choice", "payload": payload}},
    )


def _messenger(
    app_secret: str, page_id: str, sender: str, event: dict[str, Any]
) -> tuple[bytes, dict[str, str]]:
    now = int(time.time() * 1000)
    messaging = {"sender": {"id": sender}, "recipient": {"id": page_id}, "timestamp": now, **event}
    payload = {"object": "page", "entry": [{"id": page_id, "time": now, "messaging": [messaging]}]}
    body = json.dumps(payload).encode()
    digest = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return body, {"Content-Type": "application/json", "X-Hub-Signature-256": f"sha256={digest}"}
