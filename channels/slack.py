"""Slack: small section blocks, button rows of five, an optional Web API base URL.

credentials.yml: `channels.slack.SlackInput` with slack_token, slack_signing_secret, and optionally
api_base_url. Rasa's signature check (X-Slack-Signature, five-minute timestamp window) is kept.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.channels.slack import SlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint
from slack_sdk.web.async_client import AsyncWebClient

from bot.messaging import SLACK_SECTION_LIMIT, slack_blocks, split_message
from channels.common import credential
from channels.safety_net import with_crisis_safety_net

logger = logging.getLogger(__name__)


class SlackOutput(SlackBot):
    """Rasa's Slack output with length-safe text and any number of buttons."""

    def __init__(
        self,
        token: str,
        slack_channel: str | None = None,
        thread_id: str | None = None,
        proxy: str | None = None,
        api_base_url: str | None = None,
    ) -> None:
        """Rasa's Slack output; with `api_base_url`, its web client calls that server instead of Slack."""
        super().__init__(token, slack_channel, thread_id, proxy)
        if api_base_url:
            self.client = AsyncWebClient(token, base_url=api_base_url, proxy=proxy)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """One message per paragraph, each at most 3000 characters."""
        recipient = self.slack_channel or recipient_id
        for paragraph in text.strip().split("\n\n"):
            for part in split_message(paragraph, SLACK_SECTION_LIMIT):
                await self._post_message(channel=recipient, as_user=True, text=part, type="mrkdwn")

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Section blocks and button rows in one message; `text` is the notification fallback."""
        recipient = self.slack_channel or recipient_id
        fallback = split_message(text, SLACK_SECTION_LIMIT)
        await self._post_message(
            channel=recipient,
            as_user=True,
            text=fallback[0] if fallback else " ",
            blocks=slack_blocks(text, buttons),
        )

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Quick replies become buttons."""
        await self.send_text_with_buttons(recipient_id, text, quick_replies)


class SlackInput(RasaSlackInput):
    """Rasa's Slack Events API connector answering through `SlackOutput`."""

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> InputChannel:
        """Build from the credentials.yml section (Rasa's error when it is missing), with `api_base_url`."""
        if not credentials:
            cls.raise_missing_credentials_exception()
        assert credentials is not None  # for mypy: the line above raises
        channel = super().from_credentials(credentials)
        assert isinstance(channel, cls)  # for mypy: Rasa's from_credentials builds `cls`
        channel.api_base_url = credential(credentials, "api_base_url")
        return channel

    api_base_url: str | None = None

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> SlackOutput:
        """The output for one event: its channel (or the configured one) and thread."""
        return SlackOutput(
            self.slack_token, channel or self.slack_channel, thread_id, self.proxy, self.api_base_url
        )

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's Slack blueprint around the crisis safety-net handler."""
        return super().blueprint(with_crisis_safety_net(on_new_message))
