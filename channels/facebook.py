"""Facebook Messenger: button templates or quick replies, 2000-character messages, SHA-256 signatures.

credentials.yml: `channels.facebook.FacebookInput` with verify, secret, page-access-token, and
optionally api_base_url (instead of https://graph.facebook.com/v<version>).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List

from fbmessenger import MessengerClient
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.messaging import messenger_messages
from channels.common import credential
from channels.safety_net import with_crisis_safety_net

logger = logging.getLogger(__name__)


def messenger_client(page_access_token: str, api_base_url: str | None) -> MessengerClient:
    """The fbmessenger client, sending to `api_base_url` when given."""
    client = MessengerClient(page_access_token)
    if api_base_url:
        client.graph_url = f"{api_base_url.rstrip('/')}/v{client.api_version}"
    return client


def is_signed(app_secret: str, body: bytes, signature_256: str, signature_1: str) -> bool:
    """Whether X-Hub-Signature-256 (or, failing that, the older SHA-1 X-Hub-Signature) matches the body."""
    for header, algorithm in ((signature_256, hashlib.sha256), (signature_1, hashlib.sha1)):
        if header:
            prefix, _, given = header.partition("=")
            expected = hmac.new(app_secret.encode(), body, algorithm).hexdigest()
            return prefix == algorithm().name and hmac.compare_digest(given, expected)
    return False


class MessengerOutput(MessengerBot):
    """Rasa's Messenger output, off the event loop, with split text and native buttons."""

    async def _post(self, payload: Dict[str, Any], recipient_id: str) -> None:
        answer = await asyncio.to_thread(self.messenger_client.send, payload, recipient_id, "RESPONSE")
        if isinstance(answer, dict) and answer.get("error"):
            logger.error("the Send API refused a message: code %s", answer["error"].get("code"))

    async def send_action(self, recipient_id: str, sender_action: str) -> None:
        """Send a sender action (mark_seen, typing_on/off) off the event loop; a failure is only logged."""
        try:
            await asyncio.to_thread(self.messenger_client.send_action, sender_action, recipient_id)
        except Exception as exc:
            logger.warning("sender action failed: %s", type(exc).__name__)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """One message per paragraph, each at most 2000 characters."""
        for paragraph in text.strip().split("\n\n"):
            for message in messenger_messages(paragraph, []):
                await self._post(message, recipient_id)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """A button template (up to three) or quick replies (more), never dropping the buttons."""
        for message in messenger_messages(text, buttons):
            await self._post(message, recipient_id)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies are sent like buttons."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


class PageMessenger(Messenger):
    """Rasa's webhook parser, answering through `MessengerOutput` and handling every batched event."""

    def __init__(
        self,
        page_access_token: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        api_base_url: str | None = None,
    ) -> None:
        """Rasa's parser with a Messenger client that sends to `api_base_url` when given."""
        super().__init__(page_access_token, on_new_message)
        self.client = messenger_client(page_access_token, api_base_url)

    async def handle(self, payload: Dict[str, Any], metadata: Dict[str, Any] | None) -> None:
        """Handle every message and postback in every entry of a webhook call, in order."""
        for entry in payload.get("entry", []):
            for message in entry.get("messaging", []):
                self.last_message = message
                if message.get("message"):
                    await self.message(message, metadata)
                elif message.get("postback"):
                    await self.postback(message, metadata)

    async def _handle_user_message(self, text: str, sender_id: str, metadata: Dict[str, Any] | None) -> None:
        out_channel = MessengerOutput(self.client)
        await out_channel.send_action(sender_id, "mark_seen")
        await out_channel.send_action(sender_id, "typing_on")
        user_message = UserMessage(text, out_channel, sender_id, input_channel="facebook", metadata=metadata)
        try:
            await self.on_new_message(user_message)
        except Exception as exc:
            logger.error("handling a Messenger message failed: %s", type(exc).__name__)
        finally:
            await out_channel.send_action(sender_id, "typing_off")


class FacebookInput(RasaFacebookInput):
    """The Messenger webhook: verification handshake, signed events, `MessengerOutput` replies."""

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        """Build from the credentials.yml section (Rasa's error when it is missing), with `api_base_url`."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # for mypy: the line above raises
        channel = cls(
            credential(credentials, "verify") or "",
            credential(credentials, "secret") or "",
            credential(credentials, "page-access-token") or "",
        )
        channel.api_base_url = credential(credentials, "api_base_url")
        return channel

    api_base_url: str | None = None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's three routes, with SHA-256 signatures and 403 for unsigned or mis-signed calls."""
        fb_webhook = Blueprint("fb_webhook", __name__)

        # get/post, not route (Sanic 21.12 wraps Blueprint.route untyped); ignore_body=False as route had
        @fb_webhook.get("/", ignore_body=False)
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @fb_webhook.get("/webhook", ignore_body=False)
        async def token_verification(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if self.fb_verify and hmac.compare_digest(token, self.fb_verify):
                return response.text(request.args.get("hub.challenge") or "")
            logger.warning("Messenger verification with a wrong verify token")
            return response.text("failure, invalid token", status=403)

        @fb_webhook.post("/webhook")
        async def webhook(request: Request) -> HTTPResponse:
            if not is_signed(
                self.fb_secret,
                request.body,
                request.headers.get("X-Hub-Signature-256", ""),
                request.headers.get("X-Hub-Signature", ""),
            ):
                logger.warning("rejected a Messenger webhook call with a wrong signature")
                return response.text("not validated", status=403)
            messenger = PageMessenger(
                self.fb_access_token, with_crisis_safety_net(on_new_message), self.api_base_url
            )
            await messenger.handle(request.json or {}, self.get_metadata(request))
            return response.text("success")

        return fb_webhook

    def get_output_channel(self) -> MessengerOutput:
        """An output that sends with the page access token, to `api_base_url` when given."""
        return MessengerOutput(messenger_client(self.fb_access_token, self.api_base_url))
