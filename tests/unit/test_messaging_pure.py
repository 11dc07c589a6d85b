"""bot.messaging: credential rendering, numbered replies, splitting and native payloads (no Rasa)."""

from __future__ import annotations

import pytest

from bot.messaging import (
    MESSENGER_BUTTON_TEXT_LIMIT,
    Option,
    disabled_channels,
    effective_credentials,
    messenger_messages,
    parse_numbered_reply,
    render_buttons_as_text,
    resolve_reply,
    slack_blocks,
    split_message,
    telegram_callback_data,
    telegram_needs_mapping,
    utf16_length,
)

TEMPLATE = {
    "rest": {},
    "socketio": {"user_message_evt": "user_uttered"},
    "channels.telegram.TelegramInput": {
        "access_token": "${TELEGRAM_TOKEN}",
        "verify": "${TELEGRAM_BOT_NAME}",
        "webhook_url": "${PUBLIC_URL}/webhooks/telegram/webhook",
        "api_base_url": "${TELEGRAM_API_BASE_URL:-}",
    },
    "channels.sms.SmsInput": {
        "account_sid": "${TWILIO_ACCOUNT_SID}",
        "auth_token": "${TWILIO_AUTH_TOKEN}",
        "validate_signature": True,
    },
}

YES_NO = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]


@pytest.mark.parametrize(
    ("env", "expected_channels"),
    [
        ({}, ["rest", "socketio"]),
        ({"TELEGRAM_TOKEN": "1:a", "TELEGRAM_BOT_NAME": "b"}, ["rest", "socketio"]),  # PUBLIC_URL missing
        (
            {"TELEGRAM_TOKEN": "1:a", "TELEGRAM_BOT_NAME": "b", "PUBLIC_URL": "https://x"},
            ["rest", "socketio", "channels.telegram.TelegramInput"],
        ),
        ({"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "  "}, ["rest", "socketio"]),  # blank is unset
        (
            {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"},
            ["rest", "socketio", "channels.sms.SmsInput"],
        ),
    ],
)
def test_a_channel_is_enabled_only_when_all_its_variables_are_set(env, expected_channels):
    assert list(effective_credentials(TEMPLATE, env)) == expected_channels


def test_variables_are_substituted_and_defaults_apply():
    env = {"TELEGRAM_TOKEN": "1:a", "TELEGRAM_BOT_NAME": "iop_bot", "PUBLIC_URL": "https://bot.example"}
    telegram = effective_credentials(TEMPLATE, env)["channels.telegram.TelegramInput"]
    assert telegram == {
        "access_token": "1:a",
        "verify": "iop_bot",
        "webhook_url": "https://bot.example/webhooks/telegram/webhook",
        "api_base_url": "",
    }
    env["TELEGRAM_API_BASE_URL"] = "http://127.0.0.1:9"
    assert (
        effective_credentials(TEMPLATE, env)["channels.telegram.TelegramInput"]["api_base_url"]
        == "http://127.0.0.1:9"
    )


def test_non_string_settings_are_kept_and_the_template_is_not_modified():
    env = {"TWILIO_ACCOUNT_SID": "AC1", "TWILIO_AUTH_TOKEN": "t"}
    sms = effective_credentials(TEMPLATE, env)["channels.sms.SmsInput"]
    assert sms["validate_signature"] is True
    assert TEMPLATE["channels.sms.SmsInput"]["account_sid"] == "${TWILIO_ACCOUNT_SID}"


def test_the_repository_channel_files_render_to_rest_and_socketio_without_env() -> None:
    import yaml

    template: dict = {}
    for path in ("credentials.yml", "channels/messaging.yml"):
        with open(path, encoding="utf-8") as handle:
            template.update(yaml.safe_load(handle))
    always_on = {"channels.rest.RestInput", "channels.socketio.SocketIOInput"}
    assert set(effective_credentials(template, {})) == always_on
    assert set(disabled_channels(template, {})) == set(template) - always_on


@pytest.mark.parametrize(
    ("buttons", "expected"),
    [
        ([], "Pick one"),
        ([{"title": "Yes", "payload": "/affirm"}], "Pick one\n\nReply 1 for Yes."),
        (YES_NO, "Pick one\n\nReply 1 for Yes or 2 for No."),
        (
            [*YES_NO, {"title": "Not sure", "payload": "/prefer_not_say"}],
            "Pick one\n\nReply 1 for Yes, 2 for No or 3 for Not sure.",
        ),
        ([{"title": "Docs", "url": "https://x"}, *YES_NO], "Pick one\n\nReply 1 for Yes or 2 for No."),
    ],
)
def test_buttons_render_as_a_numbered_reply_prompt(buttons, expected):
    assert render_buttons_as_text("Pick one", buttons) == expected


@pytest.mark.parametrize(
    ("text", "count", "expected"),
    [
        ("1", 2, 0),
        (" 2 ", 2, 1),
        ("2.", 3, 1),
        ("#3", 3, 2),
        ("(1)", 2, 0),
        ("option 2", 2, 1),
        ("3", 2, None),
        ("0", 2, None),
        ("1 2", 2, None),
        ("12 drinks", 20, None),
        ("I want to die", 2, None),
        ("", 2, None),
        ("1", 0, None),
    ],
)
def test_numbered_replies_are_parsed_within_range(text, count, expected):
    assert parse_numbered_reply(text, count) == expected


OPTIONS = [Option("Yes", "/affirm"), Option("No", "/deny"), Option("Talk to a person", "/human_handoff")]


@pytest.mark.parametrize(
    ("text", "options", "expected"),
    [
        ("2", OPTIONS, "/deny"),
        ("3.", OPTIONS, "/human_handoff"),
        ("4", OPTIONS, "4"),
        ("yes!", OPTIONS, "/affirm"),
        ("talk to a person", OPTIONS, "/human_handoff"),
        ("yes but I also want to hurt myself", OPTIONS, "yes but I also want to hurt myself"),
        ("2", [], "2"),
    ],
)
def test_replies_resolve_to_payloads_only_on_an_exact_pick(text, options, expected):
    assert resolve_reply(text, options) == expected


LONG = ("This is a sentence about IOP. " * 80).strip()  # 2399 characters


@pytest.mark.parametrize("limit", [50, 160, 1600, 2000])
def test_split_parts_fit_the_limit_and_keep_every_word(limit):
    parts = split_message(LONG, limit)
    assert all(0 < len(part) <= limit for part in parts)
    assert " ".join(parts).split() == LONG.split()


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("", 10, []),
        ("short", 10, ["short"]),
        ("One two. Three four five.", 16, ["One two.", "Three four five."]),
        ("Para one is here.\n\nPara two.", 24, ["Para one is here.", "Para two."]),
        ("aaaaaaaaaaaaaaa", 6, ["aaaaaa", "aaaaaa", "aaa"]),
        ("Call 988 now. Or text.", 14, ["Call 988 now.", "Or text."]),
    ],
)
def test_split_prefers_paragraph_sentence_and_word_boundaries(text, limit, expected):
    assert split_message(text, limit) == expected


def test_sms_split_ends_parts_on_sentences():
    parts = split_message(LONG, 1600)
    assert len(parts) == 2
    assert parts[0].endswith("IOP.")


def test_telegram_split_counts_utf16_units():
    text = "😀" * 3000  # 6000 UTF-16 units
    parts = split_message(text, 4096, utf16_length)
    assert [utf16_length(p) for p in parts] == [4096, 1904]
    assert "".join(parts) == text


def test_telegram_callback_data_falls_back_to_a_number_over_64_bytes():
    short, long = (
        Option("Yes", "/affirm"),
        Option("Alcohol", '/inform{"substance_use":"alcohol_daily_heavy_use","functioning":"struggling"}'),
    )
    assert telegram_callback_data(short, 1) == "/affirm"
    assert telegram_callback_data(long, 2) == "2"
    assert not telegram_needs_mapping([short])
    assert telegram_needs_mapping([short, long])


def test_slack_blocks_split_text_and_keep_all_buttons():
    buttons = [{"title": f"Choice {i}", "payload": f"/p{i}"} for i in range(7)]
    blocks = slack_blocks("x " * 2000, buttons)
    sections = [b for b in blocks if b["type"] == "section"]
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(sections) == 2 and all(len(s["text"]["text"]) <= 3000 for s in sections)
    assert [len(a["elements"]) for a in actions] == [5, 2]
    assert [e["value"] for a in actions for e in a["elements"]] == [f"/p{i}" for i in range(7)]


def test_messenger_uses_a_button_template_for_up_to_three_buttons():
    [message] = messenger_messages("Pick one", [*YES_NO, {"title": "Talk to a person now", "payload": "/h"}])
    payload = message["attachment"]["payload"]
    assert payload["template_type"] == "button" and payload["text"] == "Pick one"
    assert [b["payload"] for b in payload["buttons"]] == ["/affirm", "/deny", "/h"]
    assert all(len(b["title"]) <= 20 for b in payload["buttons"])


def test_messenger_uses_quick_replies_for_more_buttons_instead_of_dropping_them():
    buttons = [{"title": f"Choice {i}", "payload": f"/p{i}"} for i in range(5)]
    [message] = messenger_messages("Pick one", buttons)
    assert [q["payload"] for q in message["quick_replies"]] == [f"/p{i}" for i in range(5)]


def test_messenger_long_text_with_buttons_puts_buttons_on_the_last_part():
    messages = messenger_messages("word " * 300, YES_NO)
    assert all("attachment" not in m for m in messages[:-1])
    assert len(messages[-1]["attachment"]["payload"]["text"]) <= MESSENGER_BUTTON_TEXT_LIMIT
    assert all(len(m["text"]) <= 2000 for m in messages[:-1])


def test_messenger_plain_text_is_split_at_2000():
    messages = messenger_messages("word " * 1000, [])
    assert len(messages) == 3 and all(len(m["text"]) <= 2000 for m in messages)
