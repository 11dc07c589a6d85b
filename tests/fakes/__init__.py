"""Fake platform APIs (Telegram, Twilio, Slack, Graph) on 127.0.0.1 and signed inbound payloads."""
