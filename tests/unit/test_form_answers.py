"""A typed answer inside a form is that answer (bot.form_answers, components.form_answer)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.form_answers import answers_open_question
from tests.unit.policy_support import create_policy, predicted, user_turn_tracker


@pytest.mark.parametrize(
    ("form", "slot", "text"),
    [
        ("screening_form", "functioning", "a lot, i missed work twice this week"),
        ("screening_form", "current_care", "i see a therapist once a week but its not enough"),
        ("screening_form", "substance_use", "yes, I drink every day"),
        ("screening_form", "wish_dead", "yeah sometimes"),
        ("screening_form", "wish_dead", "id rather not say"),  # declined: the form records it
        ("screening_form", "wish_dead", "yes? i guess sometimes"),  # a "?" alone is no question
        ("screening_form", "group_ok", "groups? sure"),
        ("callback_form", "callback_consent", "no, don't store it"),
        ("callback_form", "callback_consent", "yes that's fine"),
        ("callback_form", "callback_name", "Marcus"),
        ("callback_form", "callback_contact", "313-555-0144"),
        ("callback_form", "callback_contact", "can u email me instead? bree.thomas@example.com"),
        ("callback_form", "callback_best_time", "weekday mornings before 10 is best"),
        ("callback_form", "callback_best_time", "any time is fine"),
        ("screening_form", "functioning", "im wiped by the time i get home. so kind of i guess?"),  # hedged
        # every sentence typed with a rising tone (dev16): the hedged one answers
        ("screening_form", "functioning", "a little, i think? i still go to work, i dont see friends?"),
        ("screening_form", "harm_to_others", "hurt someone else? no, of course not?"),
    ],
)
def test_answers_to_the_open_question_are_recognised(form: str, slot: str, text: str) -> None:
    assert answers_open_question(form, slot, text)


@pytest.mark.parametrize(
    ("form", "slot", "text"),
    [
        ("screening_form", "functioning", "how much does it cost?"),
        ("screening_form", "substance_use", "is it normal to drink every day?"),  # a question
        ("screening_form", "withdrawal", "do i need detox first"),
        ("screening_form", "can_attend", "is there an online option? i work days"),  # asked first
        ("screening_form", "not_a_field", "yes"),
        ("callback_form", "callback_name", "what do you need my name for?"),
        ("callback_form", "callback_name", "actually nvm i changed my mind"),
        ("callback_form", "callback_best_time", "wait, if im still drinking will they take me"),  # no time
        ("screening_form", "functioning", "really?"),
        ("screening_form", "functioning", "sometimes? is that bad?"),  # a question after the answer
        ("callback_form", "callback_contact", "i'd rather not give my number"),
        ("callback_form", "callback_consent", "why do you need it"),
        ("other_form", "callback_consent", "yes"),
        ("callback_form", "callback_consent", "   "),
    ],
)
def test_questions_and_other_slots_are_not_taken_as_answers(form: str, slot: str, text: str) -> None:
    assert not answers_open_question(form, slot, text)


DOMAIN_YAML = """
version: "3.1"
intents: [crisis, faq, request_callback, stop, affirm, inform, human_handoff, prefer_not_say]
slots:
  functioning:
    type: any
    mappings:
    - type: from_text
      not_intent: [faq, crisis, stop]
      conditions:
      - active_loop: screening_form
        requested_slot: functioning
  callback_consent:
    type: bool
    mappings:
    - type: custom
  callback_name:
    type: any
    mappings:
    - type: custom
forms:
  screening_form:
    required_slots: [functioning]
  callback_form:
    required_slots: [callback_consent, callback_name]
responses:
  utter_crisis:
  - text: "call 988"
  utter_ask_safe_now:
  - text: "Are you safe right now?"
actions: [action_record_escalation]
"""


@pytest.fixture(scope="module")
def domain() -> Any:
    pytest.importorskip("rasa")
    from rasa.shared.core.domain import Domain

    return Domain.from_yaml(DOMAIN_YAML)


@pytest.fixture()
def policy(tmp_path: Path) -> Any:
    from components.form_answer import FormAnswerPolicy

    return create_policy(FormAnswerPolicy, tmp_path)


def _tracker(
    domain: Any, form: str, slot: str, text: str, intent: str, after: list[str] = (), confidence: float = 0.99
) -> Any:
    """The user's message `text` while `form` asks for `slot`."""
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered

    asking = [
        UserUttered("start", {"name": "affirm"}),
        ActionExecuted(form),
        ActiveLoop(form),
        SlotSet("requested_slot", slot),
        ActionExecuted("action_listen"),
    ]
    return user_turn_tracker(domain, text, intent, confidence=confidence, before=asking, after=after)


_predict = predicted


@pytest.mark.rasa
@pytest.mark.parametrize(
    ("form", "slot", "text", "intent"),
    [
        ("screening_form", "functioning", "a lot, i missed work twice this week", "faq"),
        ("callback_form", "callback_consent", "no, don't store it", "request_callback"),
    ],
)
def test_an_answer_read_as_another_intent_runs_the_form_with_the_text(
    policy: Any, domain: Any, form: str, slot: str, text: str, intent: str
) -> None:
    action, prediction = _predict(policy, domain, _tracker(domain, form, slot, text, intent))
    assert action == form
    assert prediction.is_no_user_prediction and prediction.policy_priority == 7
    assert [(e.key, e.value) for e in prediction.optional_events] == [(slot, text)]
    assert not prediction.events  # applied only when this prediction wins


@pytest.mark.rasa
def test_a_slot_the_mappings_filled_keeps_its_value_and_the_form_goes_on(policy: Any, domain: Any) -> None:
    from rasa.shared.core.events import SlotSet

    tracker = _tracker(domain, "screening_form", "functioning", "Marcus", "nlu_fallback")
    tracker.update(SlotSet("functioning", "significant"))
    action, prediction = _predict(policy, domain, tracker)
    assert action == "screening_form" and prediction.optional_events == []


@pytest.mark.rasa
@pytest.mark.parametrize(
    ("text", "intent", "after"),
    [
        ("how much does it cost?", "faq", []),  # a real question: the FAQ rule answers it
        ("a lot, i missed work twice this week", "crisis", []),  # the guard's turn
        ("a lot, i missed work twice this week", "stop", []),  # the form's own control
        ("a lot, i missed work twice this week", "faq", ["screening_form"]),  # already acted
    ],
)
def test_questions_controls_and_later_steps_are_left_to_the_other_policies(
    policy: Any, domain: Any, text: str, intent: str, after: list[str]
) -> None:
    tracker = _tracker(domain, "screening_form", "functioning", text, intent, after)
    assert _predict(policy, domain, tracker)[0] is None


@pytest.mark.rasa
@pytest.mark.parametrize(
    ("form", "slot", "text", "intent"),
    [
        ("callback_form", "callback_name", "Alex Example", "human_handoff"),  # read so at 0.52
        ("screening_form", "functioning", "a lot, i missed work twice this week", "stop"),
    ],
)
def test_an_answer_read_as_a_control_without_confidence_is_taken_as_the_answer(
    policy: Any, domain: Any, form: str, slot: str, text: str, intent: str
) -> None:
    tracker = _tracker(domain, form, slot, text, intent, confidence=0.52)
    action, prediction = _predict(policy, domain, tracker)
    assert action == form
    assert [(e.key, e.value) for e in prediction.optional_events] == [(slot, text)]


@pytest.mark.rasa
@pytest.mark.parametrize(
    ("text", "intent", "confidence"),
    [
        ("Alex Example", "human_handoff", 0.97),  # a confident control keeps its meaning
        ("Alex Example", "crisis", 0.30),  # crisis at any confidence is the guard's
        ("Alex Example", "prefer_not_say", 0.50),  # an answer of its own, never a name
    ],
)
def test_crisis_and_confident_controls_keep_their_meaning_inside_a_form(
    policy: Any, domain: Any, text: str, intent: str, confidence: float
) -> None:
    tracker = _tracker(domain, "callback_form", "callback_name", text, intent, confidence=confidence)
    assert _predict(policy, domain, tracker)[0] is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the alcohol question", True),
        ("the one about drinking", True),
        ("never mind", True),
        ("what does it cost?", False),
    ],
)
def test_a_typed_choice_of_the_answer_to_change(text: str, expected: bool) -> None:
    assert answers_open_question("screening_form", "screening_correction", text) is expected


def test_a_name_given_with_its_number_is_an_answer_to_the_name_question() -> None:
    assert answers_open_question("callback_form", "callback_name", "Linh Tran, cell is 714-555-0138")
