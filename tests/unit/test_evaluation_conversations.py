"""The free-text conversation figures: what counts as passed, as a fallback, as a fallback reply."""

from __future__ import annotations

from ops.evaluation.conversations import TurnResult, judge, summarise, turn_outcomes


def _turn(intent: str, outcomes: tuple[str, ...], problems: tuple[str, ...] = ()) -> TurnResult:
    return TurnResult("c", 0, "text", ("x",), outcomes, intent, problems)


def test_a_form_taking_an_nlu_fallback_is_a_fallback_but_not_a_fallback_reply() -> None:
    name_typed = _turn("nlu_fallback", ("callback_form", "action_ask_callback_contact"))
    assert name_typed.passed and name_typed.fallback and not name_typed.fallback_reply


def test_a_clarification_or_default_reply_counts_in_both() -> None:
    for outcomes in (("action_suggest_topics",), ("action_default_fallback", "utter_default")):
        turn = _turn("faq", outcomes, ("expected one of ['utter_faq/cost']",))
        assert turn.fallback and turn.fallback_reply and not turn.passed


def test_summary_counts_each_kind_over_all_turns() -> None:
    turns = [
        _turn("nlu_fallback", ("screening_form", "utter_ask_group_ok")),
        _turn("faq", ("action_suggest_topics",), ("expected one of ['utter_faq/cost']",)),
        _turn("greet", ("utter_greet",)),
        _turn("deny", ("utter_offer_other_help",)),
    ]
    summary = summarise(turns)
    assert (summary["passed"], summary["fallbacks"], summary["fallback_replies"]) == (3, 2, 1)
    assert (summary["fallback_rate"], summary["fallback_reply_rate"]) == (0.5, 0.25)
    assert [f["got"] for f in summary["failures"]] == [["action_suggest_topics"]]


def test_outcomes_are_what_the_bot_did_after_the_latest_message() -> None:
    events = [
        {"event": "user", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "action", "name": "utter_greet"},
        {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}},
        {"event": "action", "name": "action_listen"},
        {"event": "action", "name": "action_suggest_topics"},
        {"event": "bot", "metadata": {"utter_action": "utter_faq/cost"}},
    ]
    assert turn_outcomes(events) == ("nlu_fallback", ("action_suggest_topics", "utter_faq/cost"))
    assert judge(
        {"expect": ["utter_faq/cost"], "not": ["action_suggest_topics"]},
        "",
        ("action_suggest_topics", "utter_faq/cost"),
        {},
    ) == ("must not ['action_suggest_topics']",)
