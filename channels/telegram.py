"""Telegram: native inline keyboards, messages split at 4096, webhook secret checked.

credentials.yml: `channels.telegram.TelegramInput` with access_token, verify (the bot's username),
webhook_url, secret_token, and optionally api_base_url (a Bot API server other than api.telegram.org).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from typing import Any, Awaitable, Callable, Dict, List

from aiogram.bot.api import TelegramAPIServer
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput as RasaTelegramInput
from rasa.core.channels.telegram import TelegramOutput as RasaTelegramOutput
from rasa.shared.exceptions import RasaException
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.messaging import (
    TELEGRAM_LIMIT,
    options_from_buttons,
    split_message,
    telegram_callback_data,
    telegram_needs_mapping,
    utf16_length,
)
from channels.common import credential, mapping_numbered_replies, remember
from channels.safety_net import with_crisis_safety_net

logger = logging.getLogger(__name__)

CHANNEL = "telegram"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a header name


class TelegramOutput(RasaTelegramOutput):
    """Rasa's Telegram output with length-safe messages and one button per row when there are many."""

    def __init__(self, access_token: str | None, api_base_url: str | None = None) -> None:
        """Rasa's Telegram output; with `api_base_url`, it calls that Bot API server instead of Telegram's."""
        super().__init__(access_token)
        if api_base_url:
            self.server = TelegramAPIServer.from_base(api_base_url)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """One message per paragraph, each at most 4096 UTF-16 units."""
        for paragraph in text.strip().split("\n\n"):
            for part in split_message(paragraph, TELEGRAM_LIMIT, utf16_length):
                await self.send_message(recipient_id, part)

    async def send_text_with_buttons(
        self,
        recipient_id: str,
        text: str,
        buttons: List[Dict[str, Any]],
        button_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        """An inline keyboard on the last part; payloads over 64 bytes go as numbers, mapped back."""
        options = options_from_buttons(buttons)
        if button_type == "reply" or not options:
            await super().send_text_with_buttons(
                recipient_id, text, buttons, button_type or "inline", **kwargs
            )
            return
        if telegram_needs_mapping(options):
            await remember(CHANNEL, recipient_id, options)
        keyboard = InlineKeyboardMarkup()
        keys = [
            InlineKeyboardButton(o.title, callback_data=telegram_callback_data(o, i))
            for i, o in enumerate(options, start=1)
        ]
        if button_type == "vertical" or (button_type is None and len(keys) > 2):
            for key in keys:
                keyboard.row(key)
        else:
            keyboard.row(*keys)
        parts = split_message(text, TELEGRAM_LIMIT, utf16_length) or ["…"]
        for part in parts[:-1]:
            await self.send_message(recipient_id, part)
        await self.send_message(recipient_id, parts[-1], reply_markup=keyboard)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies become an inline keyboard."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


class TelegramInput(RasaTelegramInput):
    """Rasa's Telegram webhook, accepting only updates that carry our secret token."""

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        """Build from the credentials.yml section (Rasa's error when it is missing), not in debug mode."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # for mypy: the line above raises
        return cls(
            credential(credentials, "access_token"),
            credential(credentials, "verify"),
            credential(credentials, "webhook_url"),
            debug_mode=False,
            secret_token=credential(credentials, "secret_token"),
            api_base_url=credential(credentials, "api_base_url"),
        )

    def __init__(
        self,
        access_token: str | None,
        verify: str | None,
        webhook_url: str | None,
        debug_mode: bool = False,
        *,
        secret_token: str | None = None,
        api_base_url: str | None = None,
    ) -> None:
        """Rasa's Telegram input plus the webhook's secret token and an API base URL."""
        super().__init__(access_token, verify, webhook_url, debug_mode)
        self.secret_token = secret_token
        self.api_base_url = api_base_url

    def has_valid_secret(self, request: Request) -> bool:
        """Whether the request carries the secret given to setWebhook (always, when none is configured)."""
        if not self.secret_token:
            return True
        return hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self.secret_token)

    async def register_webhook(self) -> None:
        """Call setWebhook with our URL and secret token, on a client that is closed afterwards."""
        client = TelegramOutput(self.access_token, self.api_base_url)
        try:
            payload: Dict[str, Any] = {"url": self.webhook_url}
            if self.secret_token:
                payload["secret_token"] = self.secret_token
            await client.request("setWebhook", payload)
        finally:
            await client.session.close()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Register the webhook, then Rasa's routes behind the secret check, acknowledging button taps."""
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            try:
                asyncio.run(self.register_webhook())
            except Exception as error:  # aiogram raises TelegramAPIError and network errors
                raise RasaException(f"Failed to set the Telegram webhook: {type(error).__name__}") from error
        else:  # called inside a running loop (tests): register in the background
            asyncio.get_running_loop().create_task(self.register_webhook())
        webhook = super().blueprint(
            mapping_numbered_replies(CHANNEL, with_crisis_safety_net(on_new_message))
        )
        acknowledger = self.get_output_channel()

        # Sanic 21.12 wraps Blueprint.middleware in an untyped decorator (sanic.blueprints.lazy)
        @webhook.middleware("request")  # type: ignore[untyped-decorator]
        async def check_secret(request: Request) -> HTTPResponse | None:
            if request.method != "POST" or not request.path.endswith("/webhook"):
                return None
            if not self.has_valid_secret(request):
                logger.warning("rejected a Telegram webhook call without the secret token")
                return response.text("forbidden", status=403)
            query = (request.json or {}).get("callback_query") if isinstance(request.json, dict) else None
            if query and query.get("id"):
                try:
                    await acknowledger.answer_callback_query(str(query["id"]))
                except Exception as exc:
                    logger.warning("answerCallbackQuery failed: %s", type(exc).__name__)
            return None

        return webhook

    def get_output_channel(self) -> TelegramOutput:
        """An output client; unlike Rasa's, it does not call setWebhook each time."""
        return TelegramOutput(self.access_token, self.api_base_url)
