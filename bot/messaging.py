"""Messaging channels without Rasa: credential rendering, text-only buttons, splitting, native payloads.

The connectors in `channels/` are thin glue over these functions. Lengths are counted the way each
platform counts them: code points (SMS, Messenger, Slack) or UTF-16 code units (Telegram).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Sequence

ALWAYS_ON_CHANNELS = (
    "rest",
    "socketio",
    "channels.rest.RestInput",
    "channels.socketio.SocketIOInput",
)

SMS_LIMIT = 1600  # Twilio's maximum body; longer bodies are rejected (error 21617)
TELEGRAM_LIMIT = 4096  # sendMessage text, in UTF-16 code units
TELEGRAM_CALLBACK_DATA_LIMIT = 64  # bytes
MESSENGER_LIMIT = 2000  # text message
MESSENGER_BUTTON_TEXT_LIMIT = 640  # button template text
MESSENGER_TITLE_LIMIT = 20  # postback button and quick reply titles
MESSENGER_MAX_TEMPLATE_BUTTONS = 3
MESSENGER_MAX_QUICK_REPLIES = 13
SLACK_SECTION_LIMIT = 3000  # section block text
SLACK_BUTTON_TEXT_LIMIT = 75
SLACK_BUTTONS_PER_BLOCK = 5  # Slack allows 25; five keeps each row readable

_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?\}")
_NUMBER_REPLY = re.compile(r"^\s*(?:#|no\.?\s*|number\s+|option\s+)?\(?\s*(\d{1,3})\s*[.):]?\s*$", re.I)


# --- credentials ---------------------------------------------------------------------------------


def required_variables(value: Any) -> set[str]:
    """The `${VAR}` names (without a `:-default`) anywhere in a credentials value."""
    if isinstance(value, str):
        return {m.group(1) for m in _VARIABLE.finditer(value) if m.group(2) is None}
    if isinstance(value, Mapping):
        return set().union(*(required_variables(v) for v in value.values()))
    if isinstance(value, (list, tuple)):
        return set().union(*(required_variables(v) for v in value))
    return set()


def substitute(value: Any, env: Mapping[str, str]) -> Any:
    """`value` with `${VAR}` replaced by env (unset: "") and `${VAR:-default}` by env or default."""
    if isinstance(value, str):
        return _VARIABLE.sub(lambda m: env.get(m.group(1)) or (m.group(3) or ""), value)
    if isinstance(value, Mapping):
        return {k: substitute(v, env) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [substitute(v, env) for v in value]
    return value


def effective_credentials(template: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """The channels Rasa should start: rest and socketio always, others only when all variables are set.

    A variable counts as set when it is present and not blank. `${VAR:-default}` never disables a channel.
    """
    result: dict[str, Any] = {}
    for channel, settings in template.items():
        missing = {name for name in required_variables(settings) if not env.get(name, "").strip()}
        if missing and channel not in ALWAYS_ON_CHANNELS:
            continue
        result[channel] = substitute(settings, env) if settings is not None else {}
    return result


def disabled_channels(template: Mapping[str, Any], env: Mapping[str, str]) -> dict[str, list[str]]:
    """For each channel left out, the variables it still needs (for the launcher's message)."""
    return {
        channel: sorted(n for n in required_variables(settings) if not env.get(n, "").strip())
        for channel, settings in template.items()
        if channel not in ALWAYS_ON_CHANNELS
        and any(not env.get(n, "").strip() for n in required_variables(settings))
    }


# --- buttons as text -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Option:
    """One button the bot offered: what the user sees and what Rasa receives."""

    title: str
    payload: str


def options_from_buttons(buttons: Sequence[Mapping[str, Any]]) -> list[Option]:
    """Rasa button dicts as options; buttons without a payload (e.g. links) are skipped."""
    options = []
    for button in buttons:
        payload = str(button.get("payload") or "").strip()
        if payload:
            options.append(Option(str(button.get("title") or payload).strip(), payload))
    return options


def render_buttons_as_text(text: str, buttons: Sequence[Mapping[str, Any]]) -> str:
    """`text` followed by "Reply 1 for A, 2 for B or 3 for C." for channels without buttons."""
    options = options_from_buttons(buttons)
    if not options:
        return text
    parts = [f"{i} for {o.title}" for i, o in enumerate(options, start=1)]
    choices = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]
    prompt = f"Reply {choices}."
    return f"{text.rstrip()}\n\n{prompt}" if text.strip() else prompt


def parse_numbered_reply(text: str, count: int) -> int | None:
    """The 0-based option index a reply like "2", "2.", "#2" or "option 2" picks, if within 1..count."""
    match = _NUMBER_REPLY.match(text or "")
    if not match:
        return None
    number = int(match.group(1))
    return number - 1 if 1 <= number <= count else None


def _normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", "", text).casefold().split())


def resolve_reply(text: str, options: Sequence[Option]) -> str:
    """The payload a reply selects (by number or exact title), else the reply unchanged."""
    if not options:
        return text
    index = parse_numbered_reply(text, len(options))
    if index is not None:
        return options[index].payload
    wanted = _normalise(text)
    matches = [o for o in options if _normalise(o.title) == wanted]
    return matches[0].payload if len(matches) == 1 else text


# --- splitting -----------------------------------------------------------------------------------


def utf16_length(text: str) -> int:
    """Length in UTF-16 code units, as Telegram counts."""
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int, measure: Callable[[str], int]) -> int:
    """How many code points of `text` fit in `limit` by `measure` (at least one)."""
    if measure is len:
        return max(1, min(len(text), limit))
    used = 0
    for index, char in enumerate(text):
        used += measure(char)
        if used > limit:
            return max(1, index)
    return len(text)


_BOUNDARIES = (
    re.compile(r"\n\s*\n"),
    re.compile(r"\n"),
    re.compile(r"(?<=[.!?…])[\"')\]]?\s+"),
    re.compile(r"\s+"),
)


def split_message(text: str, limit: int, measure: Callable[[str], int] = len) -> list[str]:
    """`text` in parts of at most `limit`, cut at a paragraph, line, sentence or word boundary.

    A boundary is used only in the second half of a part, so no part is tiny; a word longer than
    the limit is cut hard. Parts are stripped; an empty text gives no parts.
    """
    if limit < 1:
        raise ValueError("limit must be positive")
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if measure(rest) <= limit:
            parts.append(rest)
            break
        fit = _fitting_prefix(rest, limit, measure)
        cut = fit
        for boundary in _BOUNDARIES:
            ends = [m for m in boundary.finditer(rest, 0, fit + 1) if m.start() >= fit // 2]
            if ends:
                cut = ends[-1].start()
                break
        head = rest[:cut].strip()
        if head:
            parts.append(head)
        rest = rest[cut:].strip()
    return parts


# --- native payloads -----------------------------------------------------------------------------


def shorten(text: str, limit: int) -> str:
    """`text` cut to `limit` code points with an ellipsis when it is longer."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def telegram_callback_data(option: Option, number: int) -> str:
    """The payload itself when it fits Telegram's 64 bytes, else the option's number (mapped back)."""
    if len(option.payload.encode("utf-8")) <= TELEGRAM_CALLBACK_DATA_LIMIT:
        return option.payload
    return str(number)


def telegram_needs_mapping(options: Sequence[Option]) -> bool:
    """Whether some callback data is a number that must be mapped back through the store."""
    return any(telegram_callback_data(o, i) != o.payload for i, o in enumerate(options, start=1))


def slack_blocks(text: str, buttons: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Section blocks of at most 3000 characters, then button rows of at most five buttons."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": part}}
        for part in split_message(text, SLACK_SECTION_LIMIT)
    ]
    options = options_from_buttons(buttons)
    for start in range(0, len(options), SLACK_BUTTONS_PER_BLOCK):
        row = options[start : start + SLACK_BUTTONS_PER_BLOCK]
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": shorten(o.title, SLACK_BUTTON_TEXT_LIMIT)},
                        "value": o.payload,
                        "action_id": f"option_{start + i + 1}",
                    }
                    for i, o in enumerate(row)
                ],
            }
        )
    return blocks


def messenger_messages(text: str, buttons: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Send API `message` objects: leading text parts, then the buttons on the last part.

    Up to three buttons become a button template (text at most 640); more become quick replies
    (at most 13, text at most 2000). Titles are cut to 20 characters.
    """
    options = options_from_buttons(buttons)[:MESSENGER_MAX_QUICK_REPLIES]
    if not options:
        return [{"text": part} for part in split_message(text, MESSENGER_LIMIT)]
    template = len(options) <= MESSENGER_MAX_TEMPLATE_BUTTONS
    parts = split_message(text, MESSENGER_BUTTON_TEXT_LIMIT if template else MESSENGER_LIMIT) or ["…"]
    messages: list[dict[str, Any]] = [{"text": part} for part in parts[:-1]]
    if template:
        messages.append(
            {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "button",
                        "text": parts[-1],
                        "buttons": [
                            {
                                "type": "postback",
                                "title": shorten(o.title, MESSENGER_TITLE_LIMIT),
                                "payload": o.payload,
                            }
                            for o in options
                        ],
                    },
                }
            }
        )
    else:
        messages.append(
            {
                "text": parts[-1],
                "quick_replies": [
                    {
                        "content_type": "text",
                        "title": shorten(o.title, MESSENGER_TITLE_LIMIT),
                        "payload": o.payload,
                    }
                    for o in options
                ],
            }
        )
    return messages
