"""SMS through Twilio: numbered replies instead of buttons, long texts split, signed webhooks only.

credentials.yml: `channels.sms.SmsInput` with account_sid, auth_token, twilio_number, and optionally
webhook_url (the public URL Twilio calls; needed for signature checks behind a proxy) and api_base_url.
The webhook stays at /webhooks/twilio/webhook.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, List
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput, TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator

from bot.messaging import SMS_LIMIT, options_from_buttons, render_buttons_as_text, split_message
from channels.common import credential, mapping_numbered_replies, remember
from channels.safety_net import with_crisis_safety_net

logger = logging.getLogger(__name__)

CHANNEL = "twilio"


class RebasedHttpClient(TwilioHttpClient):
    """Twilio's HTTP client sending every request to `base_url` instead of *.twilio.com."""

    def __init__(self, base_url: str, timeout: float = 10.0) -> None:
        """Send every request to `base_url` (scheme, host and path prefix), `timeout` in seconds."""
        super().__init__(timeout=timeout)
        parts = urlsplit(base_url)
        self.scheme, self.netloc, self.prefix = parts.scheme, parts.netloc, parts.path.rstrip("/")

    # twilio's own TwilioHttpClient renames HttpClient.request's `uri` to `url`; we follow our parent
    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:  # type: ignore[override]
        """Send the request to the same path under `base_url`, with its query; the fragment is dropped."""
        parts = urlsplit(url)
        rebased = urlunsplit((self.scheme, self.netloc, self.prefix + parts.path, parts.query, ""))
        return super().request(method, rebased, *args, **kwargs)


class SmsOutput(TwilioOutput):
    """Sends SMS: buttons as "Reply 1 for ...", bodies of at most 1600 characters."""

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        api_base_url: str | None = None,
    ) -> None:
        """Rasa's Twilio output, on a client rebased to `api_base_url` when given, with a 10 s timeout."""
        super().__init__(account_sid, auth_token, twilio_number)
        self.http_client = RebasedHttpClient(api_base_url) if api_base_url else TwilioHttpClient(timeout=10)

    async def _send_message(self, message_data: Dict[str, Any]) -> Any:
        """Create the message off the event loop; log failures by Twilio code only (no number, no text)."""
        try:
            return await asyncio.to_thread(self.messages.create, **message_data)
        except TwilioRestException as exc:
            logger.error("Twilio refused an SMS: status %s, code %s", exc.status, exc.code)
        except Exception as exc:
            logger.error("sending an SMS failed: %s", type(exc).__name__)
        return None

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """One SMS per 1600 characters, cut at sentence or word boundaries, in order."""
        for part in split_message(text, SMS_LIMIT):
            await self._send_message({"to": recipient_id, "from_": self.twilio_number, "body": part})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """The text with a numbered choice list; the options are stored first so "2" maps back."""
        await remember(CHANNEL, recipient_id, options_from_buttons(buttons))
        await self.send_text_message(recipient_id, render_buttons_as_text(text, buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies read like buttons on SMS."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


class SmsInput(TwilioInput):
    """Twilio's SMS webhook with signature validation and numbered-reply mapping."""

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        """Build from the credentials.yml section (Rasa's error if missing); signatures checked by default."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # for mypy: the line above raises
        return cls(
            credential(credentials, "account_sid"),
            credential(credentials, "auth_token"),
            credential(credentials, "twilio_number"),
            webhook_url=credential(credentials, "webhook_url"),
            api_base_url=credential(credentials, "api_base_url"),
            validate_signature=str(credentials.get("validate_signature", True)).lower() != "false",
        )

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        twilio_number: str | None,
        debug_mode: bool = False,
        *,
        webhook_url: str | None = None,
        api_base_url: str | None = None,
        validate_signature: bool = True,
    ) -> None:
        """Rasa's Twilio input plus the signed webhook URL, an API base URL and the signature switch."""
        super().__init__(account_sid, auth_token, twilio_number, debug_mode)
        self.webhook_url = webhook_url
        self.api_base_url = api_base_url
        self.validate_signature = validate_signature

    def is_signed_by_twilio(self, request: Request) -> bool:
        """Whether X-Twilio-Signature matches the body, the auth token and the webhook URL."""
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or not self.auth_token:
            return False
        # Twilio signs blank parameters too, which Sanic's request.form drops
        params = dict(parse_qsl(request.body.decode("utf-8", "replace"), keep_blank_values=True))
        url = self.webhook_url or request.url
        return bool(RequestValidator(self.auth_token).validate(url, params, signature))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's Twilio routes behind a signature check, with replies like "2" mapped to payloads."""
        webhook = super().blueprint(
            mapping_numbered_replies(CHANNEL, with_crisis_safety_net(on_new_message))
        )

        # Sanic 21.12 wraps Blueprint.middleware in an untyped decorator (sanic.blueprints.lazy)
        @webhook.middleware("request")  # type: ignore[untyped-decorator]
        async def check_signature(request: Request) -> HTTPResponse | None:
            if request.method == "POST" and self.validate_signature and not self.is_signed_by_twilio(request):
                logger.warning("rejected an SMS webhook call without a valid Twilio signature")
                return response.text("invalid signature", status=403)
            return None

        return webhook

    def get_output_channel(self) -> OutputChannel:
        """An output on the account's number, sending to `api_base_url` when given."""
        return SmsOutput(self.account_sid, self.auth_token, self.twilio_number, self.api_base_url)
