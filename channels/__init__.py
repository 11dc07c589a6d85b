"""Messaging connectors: Rasa's Telegram, Twilio SMS, Slack and Messenger connectors, made native.

Each module is thin glue over `bot.messaging`; `credentials.yml` names the classes by module path.
Every connector accepts an optional `api_base_url` credential that points its platform client at
another server (the fakes in tests); unset, the platform's production API is used.
"""
