"""IOP FAQ content: load and validate the FAQ answers and this deployment's program facts.

Renders them into Rasa retrieval-intent responses ``utter_faq/<topic id>``.

Pure functions, no Rasa imports. ``ops/content.py`` writes the result to
``data/generated/faq.yml`` before ``rasa data validate`` and ``rasa train``.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping

import yaml

from bot.config import content_path
from bot.contracts import FIND_PROGRAM, HUMAN_HANDOFF, REQUEST_CALLBACK, START_SCREENING, payload

#: The fixed topic ids of the retrieval intent ``faq`` (issue 3). A public contract: never rename.
TOPIC_IDS: tuple[str, ...] = (
    "what_is_iop",
    "schedule",
    "work_school",
    "duration",
    "cost",
    "insurance",
    "group_therapy",
    "individual_therapy",
    "therapies",
    "family",
    "virtual",
    "iop_vs_php",
    "iop_vs_outpatient",
    "iop_vs_inpatient",
    "levels_of_care",
    "candidate",
    "conditions",
    "co_occurring",
    "substance_use_during",
    "detox",
    "medication",
    "first_day",
    "missed_session",
    "confidentiality",
    "voluntary",
    "symptoms_worse",
    "after_iop",
    "prior_iop_failed",
    "effectiveness",
    "step_down",
    "step_up",
    "find_program",
    "transportation",
    "relapse_prevention",
    "home_environment",
    "chat_privacy",
)

#: Button payloads that trigger an intent directly instead of being parsed as a question.
CONTROL_PAYLOADS: frozenset[str] = frozenset(
    {payload(START_SCREENING), payload(FIND_PROGRAM), payload(REQUEST_CALLBACK), payload(HUMAN_HANDOFF)}
)

#: Topics whose answer must end with a specific (title, payload) button.
REQUIRED_LAST_BUTTON: Mapping[str, tuple[str, str]] = {
    "candidate": ("Check which level of care may fit", payload(START_SCREENING)),
    "step_up": ("Check which level of care may fit", payload(START_SCREENING)),
    "find_program": ("Find a program", payload(FIND_PROGRAM)),
}

#: Fields every content/program.yml must define: single text values ...
PROGRAM_TEXT_FIELDS: tuple[str, ...] = (
    "program_name",
    "phone",
    "intake_hours",
    "address",
    "website",
    "hours_per_week",
    "self_pay",
    "virtual_option",
)
#: ... and lists of text values (rendered joined with "; ").
PROGRAM_LIST_FIELDS: tuple[str, ...] = ("schedule_slots", "accepted_insurance")

MAX_MESSAGES = 3
MAX_MESSAGE_CHARS = 500
RESPONSE_PREFIX = "utter_faq/"

_TOPIC_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_PLACEHOLDER_RE = re.compile(r"\$\{([_a-z][_a-z0-9]*)\}", re.IGNORECASE)  # as _BracedTemplate
_ANSWER_KEYS = frozenset({"messages", "disclaimer", "buttons", "suggestion", "sources"})
_BUTTON_KEYS = frozenset({"title", "payload"})


class FaqContentError(ValueError):
    """Invalid FAQ or program content; the message names the file, topic and field."""


class _BracedTemplate(string.Template):
    """``string.Template`` that only knows ``${name}``, so prices like "$250" stay literal."""

    pattern = r"""
    \$(?:
      (?P<escaped>\$)
      | (?P<named>(?!))
      | \{(?P<braced>[_a-z][_a-z0-9]*)\}
      | (?P<invalid>(?!))
    )
    """  # type: ignore[assignment]  # a str here is compiled by Template.__init_subclass__


@dataclass(frozen=True)
class Button:
    """A follow-up suggestion: the text shown and the message sent when it is chosen."""

    title: str
    payload: str


@dataclass(frozen=True)
class FaqAnswer:
    """One topic's answer as written in faq_answers.yml (placeholders not yet filled)."""

    topic: str
    messages: tuple[str, ...]
    disclaimer: bool
    buttons: tuple[Button, ...]
    sources: tuple[str, ...]
    suggestion: Button  # how the fallback offers this topic; payload is one of its examples


@dataclass(frozen=True)
class FaqContent:
    """All answers plus the shared disclaimer line."""

    disclaimer: str
    answers: Mapping[str, FaqAnswer]


def load_yaml_mapping(path: Path | str) -> dict[str, Any]:
    """Read a YAML file whose top level must be a mapping."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise FaqContentError(f"{path}: cannot read file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise FaqContentError(f"{path}: invalid YAML ({exc})") from exc
    if not isinstance(data, dict):
        raise FaqContentError(f"{path}: the top level must be a mapping")
    return data


def _text(value: Any, where: str) -> str:
    """Return a stripped, non-empty string or raise naming ``where``."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise FaqContentError(f"{where}: must be text, got {type(value).__name__}")
    text = str(value).strip()
    if not text:
        raise FaqContentError(f"{where}: must not be empty")
    bare = _PLACEHOLDER_RE.sub("", text)
    if "{" in bare or "}" in bare:
        raise FaqContentError(
            f"{where}: curly braces are only allowed in ${{placeholder}} (Rasa reads them as slots)"
        )
    return text


def parse_program(data: Mapping[str, Any], source: str = "program.yml") -> dict[str, str]:
    """Validate program facts and return the placeholder values (lists joined with "; ").

    Extra top-level text fields are allowed and become placeholders too.
    """
    missing = [f for f in PROGRAM_TEXT_FIELDS + PROGRAM_LIST_FIELDS if f not in data]
    if missing:
        raise FaqContentError(f"{source}: missing field(s): {', '.join(missing)}")
    values: dict[str, str] = {}
    for field in PROGRAM_LIST_FIELDS:
        items = data[field]
        if not isinstance(items, list) or not items:
            raise FaqContentError(f"{source}: field '{field}' must be a non-empty list")
        values[field] = "; ".join(
            _text(item, f"{source}: field '{field}' item {i + 1}") for i, item in enumerate(items)
        )
    for field, value in data.items():
        if field in PROGRAM_LIST_FIELDS:
            continue
        if field in PROGRAM_TEXT_FIELDS or isinstance(value, (str, int)):
            values[str(field)] = _text(value, f"{source}: field '{field}'")
    return values


def load_program(path: Path | str) -> dict[str, str]:
    """Load and validate content/program.yml; return its placeholder values."""
    return parse_program(load_yaml_mapping(path), source=str(path))


def placeholders_in(text: str) -> set[str]:
    """Names of the ``${name}`` placeholders in ``text``."""
    return set(_PLACEHOLDER_RE.findall(text))


def _parse_buttons(raw: Any, where: str) -> tuple[Button, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise FaqContentError(f"{where}: 'buttons' must be a list")
    buttons = []
    for i, item in enumerate(raw, start=1):
        at = f"{where}: button {i}"
        if not isinstance(item, dict) or set(item) != _BUTTON_KEYS:
            raise FaqContentError(f"{at}: needs exactly 'title' and 'payload'")
        payload = _text(item["payload"], f"{at} payload")
        if payload.startswith("/") and payload not in CONTROL_PAYLOADS:
            raise FaqContentError(
                f"{at}: payload '{payload}' must be a natural-language question or one of "
                f"{', '.join(sorted(CONTROL_PAYLOADS))}"
            )
        buttons.append(Button(title=_text(item["title"], f"{at} title"), payload=payload))
    return tuple(buttons)


def parse_answer(topic: str, raw: Any, source: str = "faq_answers.yml") -> FaqAnswer:
    """Validate one topic's entry of faq_answers.yml."""
    where = f"{source}: topic '{topic}'"
    if not _TOPIC_ID_RE.match(topic):
        raise FaqContentError(f"{where}: topic ids are lower_snake_case")
    if not isinstance(raw, dict):
        raise FaqContentError(f"{where}: must be a mapping")
    unknown = sorted(set(raw) - _ANSWER_KEYS)
    if unknown:
        raise FaqContentError(f"{where}: unknown field(s): {', '.join(unknown)}")
    messages = raw.get("messages")
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES:
        raise FaqContentError(f"{where}: 'messages' must be a list of 1-{MAX_MESSAGES} texts")
    texts = tuple(_text(m, f"{where}: message {i}") for i, m in enumerate(messages, start=1))
    for i, text in enumerate(texts, start=1):
        if len(text) > MAX_MESSAGE_CHARS:
            raise FaqContentError(f"{where}: message {i} is {len(text)} characters (max {MAX_MESSAGE_CHARS})")
    disclaimer = raw.get("disclaimer", False)
    if not isinstance(disclaimer, bool):
        raise FaqContentError(f"{where}: 'disclaimer' must be true or false")
    buttons = _parse_buttons(raw.get("buttons"), where)
    required = REQUIRED_LAST_BUTTON.get(topic)
    if required and (not buttons or (buttons[-1].title, buttons[-1].payload) != required):
        raise FaqContentError(
            f"{where}: the last button must be title '{required[0]}', payload '{required[1]}'"
        )
    suggestion = raw.get("suggestion")
    if not isinstance(suggestion, dict) or set(suggestion) != {"title", "question"}:
        raise FaqContentError(f"{where}: 'suggestion' must be a mapping with 'title' and 'question'")
    sources = raw.get("sources")
    if not isinstance(sources, list) or not sources:
        raise FaqContentError(f"{where}: 'sources' must be a non-empty list")
    return FaqAnswer(
        topic=topic,
        messages=texts,
        disclaimer=disclaimer,
        buttons=buttons,
        sources=tuple(_text(s, f"{where}: source") for s in sources),
        suggestion=Button(
            title=_text(suggestion["title"], f"{where}: suggestion title"),
            payload=_text(suggestion["question"], f"{where}: suggestion question"),
        ),
    )


def parse_answers(data: Mapping[str, Any], source: str = "faq_answers.yml") -> FaqContent:
    """Validate faq_answers.yml: a disclaimer line and an answer for every fixed topic id."""
    unknown = sorted(set(data) - {"disclaimer", "topics"})
    if unknown:
        raise FaqContentError(f"{source}: unknown top-level field(s): {', '.join(unknown)}")
    disclaimer = _text(data.get("disclaimer"), f"{source}: 'disclaimer'")
    topics = data.get("topics")
    if not isinstance(topics, dict):
        raise FaqContentError(f"{source}: 'topics' must be a mapping of topic id to answer")
    missing = [t for t in TOPIC_IDS if t not in topics]
    if missing:
        raise FaqContentError(f"{source}: no answer for topic(s): {', '.join(missing)}")
    answers = {str(t): parse_answer(str(t), raw, source) for t, raw in topics.items()}
    return FaqContent(disclaimer=disclaimer, answers=answers)


def load_answers(path: Path | str) -> FaqContent:
    """Load and validate content/faq_answers.yml."""
    return parse_answers(load_yaml_mapping(path), source=str(path))


def render_text(text: str, values: Mapping[str, str], where: str) -> str:
    """Fill ``${name}`` placeholders; an unknown name is an error naming it and ``where``."""
    unknown = sorted(placeholders_in(text) - set(values))
    if unknown:
        raise FaqContentError(
            f"{where}: unknown placeholder(s) {', '.join('${' + u + '}' for u in unknown)}; "
            f"known: {', '.join(sorted(values))}"
        )
    rendered = _BracedTemplate(text).substitute(values)
    if "${" in rendered:
        raise FaqContentError(f"{where}: malformed placeholder (use ${{lower_snake_case}})")
    return rendered


def render_answer(answer: FaqAnswer, disclaimer: str, values: Mapping[str, str]) -> dict[str, Any]:
    """One Rasa response variation: messages (and disclaimer) joined by a blank line, buttons."""
    parts = [
        render_text(m, values, f"topic '{answer.topic}' message {i}")
        for i, m in enumerate(answer.messages, start=1)
    ]
    if answer.disclaimer:
        parts.append(disclaimer)
    response: dict[str, Any] = {"text": "\n\n".join(parts)}
    if answer.buttons:
        response["buttons"] = [{"title": b.title, "payload": b.payload} for b in answer.buttons]
    return response


def render_faq_responses(
    answers_path: Path | str, program_path: Path | str
) -> dict[str, list[dict[str, Any]]]:
    """Rasa responses ``utter_faq/<topic id>``, each a list with one variation.

    Fixed topics come first in ``TOPIC_IDS`` order, then any extra topics alphabetically.
    """
    content = load_answers(answers_path)
    values = load_program(program_path)
    order = list(TOPIC_IDS) + sorted(set(content.answers) - set(TOPIC_IDS))
    return {
        RESPONSE_PREFIX + topic: [render_answer(content.answers[topic], content.disclaimer, values)]
        for topic in order
    }


@lru_cache(maxsize=1)
def topic_suggestions(answers_path: Path | str | None = None) -> Mapping[str, Button]:
    """Each topic's fallback suggestion (title and a question it recognises), read once."""
    path = answers_path or content_path("faq_answers.yml")
    return {topic: answer.suggestion for topic, answer in load_answers(path).answers.items()}
