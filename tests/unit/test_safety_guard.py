"""SafetyGuardPolicy against real Rasa trackers and domains (no trained model)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.unit.policy_support import create_policy, predicted, user_turn_tracker

pytestmark = pytest.mark.rasa

DOMAIN_YAML = """
version: "3.1"
intents: [crisis, affirm, deny, greet, start_screening, inform]
entities: [risk_cue]
slots:
  risk_severity:
    type: categorical
    values: [moderate, high]
    mappings:
    - type: custom
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
  utter_crisis:
  - text: "call 988"
  utter_greet:
  - text: "hi"
  utter_ask_safe_now:
  - text: "Are you safe right now?"
  utter_safe_glad:
  - text: "glad"
  utter_crisis_repeat:
  - text: "988"
actions: [action_record_escalation]
"""


@pytest.fixture(scope="module")
def domain() -> Any:
    from rasa.shared.core.domain import Domain

    return Domain.from_yaml(DOMAIN_YAML)


@pytest.fixture()
def policy(tmp_path: Path) -> Any:
    from components.safety_guard import SafetyGuardPolicy

    return create_policy(SafetyGuardPolicy, tmp_path)


def _tracker(
    domain: Any,
    intent: str,
    in_form: bool,
    bot_actions: list[str],
    *,
    text: str = "text",
    entities: list[dict[str, Any]] | None = None,
    before: list[Any] | None = None,
) -> Any:
    from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered

    events: list[Any] = list(before or [])
    if in_form:
        events += [
            UserUttered("/start_screening", {"name": "start_screening"}),
            ActionExecuted("screening_form"),
            ActiveLoop("screening_form"),
            SlotSet("requested_slot", "q1"),
            ActionExecuted("action_listen"),
        ]
    return user_turn_tracker(domain, text, intent, entities=entities or [], before=events, after=bot_actions)


_predicted = predicted


@pytest.mark.parametrize(
    ("intent", "in_form", "done", "expected"),
    [
        ("crisis", False, [], "utter_crisis"),
        ("crisis", False, ["utter_crisis"], "action_record_escalation"),
        ("crisis", False, ["utter_crisis", "action_record_escalation"], "utter_ask_safe_now"),
        (
            "crisis",
            False,
            ["utter_crisis", "action_record_escalation", "utter_ask_safe_now"],
            "action_listen",
        ),
        ("crisis", True, [], "utter_crisis"),
        ("crisis", True, ["utter_crisis"], "action_deactivate_loop"),
        ("crisis", True, ["utter_crisis", "action_deactivate_loop"], "action_record_escalation"),
        ("crisis", True, ["screening_form"], None),  # not a prefix: the guard steps aside
        ("greet", True, [], None),
        ("greet", False, [], None),
    ],
)
def test_guard_predicts_the_next_crisis_action_only(
    policy: Any, domain: Any, intent: str, in_form: bool, done: list[str], expected: str | None
) -> None:
    action, prediction = _predicted(policy, domain, _tracker(domain, intent, in_form, done))
    assert action == expected
    if expected:
        assert max(prediction.probabilities) == 1.0
        assert prediction.is_no_user_prediction
        assert prediction.policy_priority == 7


def _disclosure() -> list[Any]:
    """An earlier crisis turn that set risk_severity, answered by the guard's flow."""
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered

    return [
        UserUttered("i used to cut and i feel it coming back", {"name": "crisis", "confidence": 1.0}),
        SlotSet("risk_severity", "moderate"),
        ActionExecuted("utter_crisis"),
        ActionExecuted("action_record_escalation"),
        ActionExecuted("utter_ask_safe_now"),
        ActionExecuted("action_listen"),
    ]


CUE = [{"entity": "risk_cue", "value": "means", "start": 0, "end": 10}]


def test_a_cue_after_a_disclosed_risk_runs_the_crisis_flow_even_in_a_form(policy: Any, domain: Any) -> None:
    tracker = _tracker(
        domain, "inform", True, [], text="i got the blades", entities=CUE, before=_disclosure()
    )
    assert _predicted(policy, domain, tracker)[0] == "utter_crisis"
    tracker = _tracker(
        domain,
        "inform",
        True,
        ["utter_crisis", "action_deactivate_loop"],
        text="i got the blades",
        entities=CUE,
        before=_disclosure(),
    )
    assert _predicted(policy, domain, tracker)[0] == "action_record_escalation"


def test_the_same_cue_without_a_disclosed_risk_is_left_to_the_other_policies(
    policy: Any, domain: Any
) -> None:
    tracker = _tracker(domain, "inform", False, [], text="i got them", entities=CUE)
    assert _predicted(policy, domain, tracker)[0] is None


@pytest.mark.parametrize(
    ("answer", "reply"),
    [
        ("no I'm fine", "utter_safe_glad"),
        ("yes", "utter_safe_glad"),
        ("no", "utter_crisis_repeat"),
        ("I don't know", "utter_crisis_repeat"),
        ("not really", "utter_crisis_repeat"),
    ],
)
def test_the_answer_to_are_you_safe_is_read_in_context(
    policy: Any, domain: Any, answer: str, reply: str
) -> None:
    tracker = _tracker(domain, "deny", False, [], text=answer, before=_disclosure())
    assert _predicted(policy, domain, tracker)[0] == reply
    after = _tracker(domain, "deny", False, [reply], text=answer, before=_disclosure())
    assert _predicted(policy, domain, after)[0] == "action_listen"


@pytest.mark.parametrize("reply", ["utter_safe_glad", "utter_crisis_repeat"])
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("i dont know", "utter_crisis_repeat"),
        ("not really", "utter_crisis_repeat"),
        ("yes", None),
        ("no", None),
    ],
)
def test_doubt_right_after_the_safety_reply_gets_the_numbers_again(
    policy: Any, domain: Any, reply: str, message: str, expected: str | None
) -> None:
    from rasa.shared.core.events import ActionExecuted, UserUttered

    answered = [
        *_disclosure(),
        UserUttered("no im fine", {"name": "deny", "confidence": 1.0}),
        ActionExecuted(reply),
        ActionExecuted("action_listen"),
    ]
    tracker = _tracker(domain, "greet", False, [], text=message, before=answered)
    assert _predicted(policy, domain, tracker)[0] == expected
    if expected:
        done = _tracker(domain, "greet", False, [expected], text=message, before=answered)
        assert _predicted(policy, domain, done)[0] == "action_listen"


def test_doubt_long_after_the_safety_reply_is_left_alone(policy: Any, domain: Any) -> None:
    from rasa.shared.core.events import ActionExecuted, UserUttered

    later = [
        *_disclosure(),
        UserUttered("yes", {"name": "affirm", "confidence": 1.0}),
        ActionExecuted("utter_safe_glad"),
        ActionExecuted("action_listen"),
        UserUttered("what are the hours", {"name": "greet", "confidence": 1.0}),
        ActionExecuted("utter_greet"),
        ActionExecuted("action_listen"),
    ]
    tracker = _tracker(domain, "greet", False, [], text="i dont know", before=later)
    assert _predicted(policy, domain, tracker)[0] is None


def test_an_unrelated_message_after_the_question_is_left_alone(policy: Any, domain: Any) -> None:
    tracker = _tracker(domain, "greet", False, [], text="what time is it", before=_disclosure())
    assert _predicted(policy, domain, tracker)[0] is None


def test_guard_beats_a_form_loop_prediction_in_the_ensemble(policy: Any, domain: Any) -> None:
    from rasa.core.policies.ensemble import DefaultPolicyPredictionEnsemble
    from rasa.core.policies.policy import PolicyPrediction

    tracker = _tracker(domain, "crisis", True, [])
    loop = [0.0] * domain.num_actions
    loop[domain.index_for_action("screening_form")] = 1.0
    rule = PolicyPrediction(loop, "RulePolicy", 6, is_no_user_prediction=True)
    guard = policy.predict_action_probabilities(tracker, domain)
    best = DefaultPolicyPredictionEnsemble._pick_best_policy([rule, guard])
    assert domain.action_names_or_texts[best.max_confidence_index] == "utter_crisis"
    assert best.policy_name == "SafetyGuardPolicy"


def test_training_is_trivial_and_returns_the_resource(policy: Any, domain: Any) -> None:
    assert policy.train([], domain) is policy._resource
