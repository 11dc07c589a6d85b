"""DialoguePolicy against real Rasa trackers and a small domain (no trained model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.policy_support import create_policy, predicted, user_turn_tracker

pytestmark = pytest.mark.rasa

DOMAIN_YAML = """
version: "3.1"
intents: [affirm, deny, faq, crisis, inform, nlu_fallback, share_feelings]
entities: [insurance, zip_code, specialty]
slots:
  q1:
    type: any
    mappings:
    - type: from_text
      conditions:
      - active_loop: screening_form
forms:
  screening_form:
    required_slots: [q1]
responses:
  utter_screening_intro:
  - text: "I can ask you up to 15 short questions."
  utter_offer_other_help:
  - text: "No problem."
  utter_goodbye:
  - text: "Take care."
  utter_crisis:
  - text: "call 988"
  utter_ask_safe_now:
  - text: "Are you safe right now?"
actions: [action_find_programs, action_record_escalation, utter_faq]
"""


@pytest.fixture(scope="module")
def domain() -> Any:
    from rasa.shared.core.domain import Domain

    return Domain.from_yaml(DOMAIN_YAML)


@pytest.fixture()
def policy(tmp_path: Path) -> Any:
    from components.dialogue_policy import DialoguePolicy

    return create_policy(DialoguePolicy, tmp_path)


def _tracker(domain: Any, said: str, text: str, intent: str, done: list[str], entities: Any = ()) -> Any:
    """The user's answer `text` right after the bot's offer `said` (an FAQ answer's utter_action)."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    offer = [
        UserUttered("who is iop for", {"name": "faq"}),
        ActionExecuted("utter_faq"),
        BotUttered("If you like, I can ask a few questions.", metadata={"utter_action": said}),
        ActionExecuted("action_listen"),
    ]
    return user_turn_tracker(
        domain, text, intent, confidence=0.9, entities=entities, before=offer, after=done
    )


def _predicted(policy: Any, domain: Any, tracker: Any) -> str | None:
    return predicted(policy, domain, tracker)[0]


@pytest.mark.parametrize(
    ("said", "text", "intent", "done", "expected"),
    [
        ("utter_faq/candidate", "yeah sure", "affirm", [], "utter_screening_intro"),
        ("utter_faq/candidate", "yeah sure", "affirm", ["utter_screening_intro"], "screening_form"),
        ("utter_faq/candidate", "nah not now", "deny", [], "utter_offer_other_help"),
        ("utter_faq/candidate", "nah not now", "deny", ["utter_offer_other_help"], "action_listen"),
        ("utter_faq/cost", "yeah sure", "affirm", [], None),  # no offer was made
        ("utter_faq/candidate", "what does it cost", "faq", [], None),  # not a yes or a no
        ("utter_faq/candidate", "nope thats it thanks", "deny", [], "utter_goodbye"),  # a closing
        ("utter_faq/candidate", "ok yeah lets do those", "nlu_fallback", [], "utter_screening_intro"),
        ("utter_faq/candidate", "nah maybe another time", "nlu_fallback", [], "utter_offer_other_help"),
        ("utter_faq/candidate", "no thanks, not yet", "start_screening", [], "utter_offer_other_help"),
        ("utter_faq/cost", "ok yeah lets do those", "nlu_fallback", [], None),  # no offer was made
        ("utter_faq/candidate", "yes, how long is it?", "faq", [], None),  # a question keeps its answer
        ("utter_faq/cost", "nope that's all", "faq", [], "utter_goodbye"),
        ("utter_faq/cost", "nope that's all", "faq", ["utter_goodbye"], "action_listen"),
    ],
)
def test_a_typed_yes_or_no_answers_the_offer_just_made(
    policy: Any, domain: Any, said: str, text: str, intent: str, done: list[str], expected: str | None
) -> None:
    assert _predicted(policy, domain, _tracker(domain, said, text, intent, done)) == expected


def test_a_preference_statement_searches_and_a_danger_message_is_left_to_the_guard(
    policy: Any, domain: Any
) -> None:
    medicaid = [{"entity": "insurance", "value": "medicaid", "start": 9, "end": 17}]
    tracker = _tracker(domain, "utter_faq/cost", "ok i have medicaid", "faq", [], medicaid)
    assert _predicted(policy, domain, tracker) == "action_find_programs"
    question = _tracker(domain, "utter_faq/cost", "does medicaid pay?", "faq", [], medicaid)
    assert _predicted(policy, domain, question) is None
    danger = _tracker(domain, "utter_faq/candidate", "yes and i have the pills", "crisis", [])
    assert _predicted(policy, domain, danger) is None


def _after(domain: Any, action: str, text: str, intent: str, entities: Any) -> Any:
    """`text` read as `intent` right after the assistant ran `action`."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered

    before = [
        UserUttered("can you help me find an iop", {"name": "find_program"}),
        ActionExecuted(action),
        BotUttered("What ZIP code should I search near?"),
        ActionExecuted("action_listen"),
    ]
    return user_turn_tracker(domain, text, intent, confidence=0.5, entities=entities, before=before)


@pytest.mark.parametrize(
    ("action", "text", "intent", "expected"),
    [
        ("action_find_programs", "its for alcohol", "nlu_fallback", "action_find_programs"),
        ("action_find_programs", "for my drinking", "faq", "action_find_programs"),
        ("action_find_programs", "do you treat drinking?", "faq", None),  # a question keeps its answer
        ("action_find_programs", "is there one just for drinking?", "faq", "action_find_programs"),
        ("utter_faq", "is there one just for drinking?", "faq", None),
        ("action_find_programs", "my drinking is getting worse", "share_feelings", None),  # a need
        ("utter_faq", "its for alcohol", "nlu_fallback", None),  # no search spoke last
    ],
)
def test_a_specialty_said_right_after_the_search_answers_it(
    policy: Any, domain: Any, action: str, text: str, intent: str, expected: str | None
) -> None:
    start = text.index("alcohol") if "alcohol" in text else text.index("drinking")
    found = [{"entity": "specialty", "value": "substance_use", "start": start, "end": start + 7}]
    assert _predicted(policy, domain, _after(domain, action, text, intent, found)) == expected


def _question(domain: Any, text: str, intent: str, faq: float) -> Any:
    """`text` read as `intent`, the response selector `faq` sure of the schedule topic."""
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    selector = {"faq": {"response": {"intent_response_key": "faq/schedule", "confidence": faq}}}
    parse = {"intent": {"name": intent, "confidence": 0.45}, "entities": [], "text": text,
             "response_selector": selector}
    events = [ActionExecuted("action_listen"), UserUttered(text, parse["intent"], [], parse)]
    return DialogueStateTracker.from_events("s", events, domain.slots)


@pytest.mark.parametrize(
    ("text", "intent", "faq", "expected"),
    [
        ("are there evening groups?", "nlu_fallback", 0.98, "utter_faq"),
        ("would my plan pay for iop", "inform", 0.97, "utter_faq"),
        ("are there evening groups?", "nlu_fallback", 0.6, None),  # unsure: the fallback offers topics
        ("evenings are best for me", "inform", 0.98, None),  # a statement, not a question
        ("are there evening groups?", "deny", 0.98, None),  # placed by the classifier: its own rules
    ],
)
def test_a_question_the_classifier_did_not_place_gets_the_faq_answer_the_selector_is_sure_of(
    policy: Any, domain: Any, text: str, intent: str, faq: float, expected: str | None
) -> None:
    assert _predicted(policy, domain, _question(domain, text, intent, faq)) == expected
