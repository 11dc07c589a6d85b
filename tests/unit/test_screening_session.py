"""The screening session's use cases (bot/screening/session.py): answer, correct, evaluate, finish."""

from __future__ import annotations

import pytest

from bot.screening.engine import FOLLOW_UP_FIELDS, ScreeningInputError, screen
from bot.screening.flow import QUESTION_ORDER, complete_answers, declined_value
from bot.screening.messages import (
    EMERGENCY_BUTTONS,
    NOT_UNDERSTOOD,
    STILL_NOT_UNDERSTOOD,
    THOUGHTS_ACK,
    THOUGHTS_DECLINED_ACK,
    result_buttons,
    result_message,
)
from bot.screening.session import (
    answer,
    correct,
    declined_fields,
    evaluate,
    finish,
    must_stop,
    not_understood_message,
    questions_left,
    times_not_understood,
    valid_answers,
)
from tests.unit.screening_support import CHAT_CALM as CALM


def test_valid_answers_keep_only_values_the_engine_accepts():
    raw = {"functioning": "mild", "safe_home": "true", "wish_dead": "I guess", "group_ok": None, "x": 1}
    assert valid_answers(raw) == {"functioning": "mild", "safe_home": True}
    assert declined_fields(["wish_dead", "not_a_field"]) == ["wish_dead"]
    assert declined_fields(None) == []


def test_an_urgent_answer_stops_the_questions():
    assert questions_left({"functioning": "none"}) == list(QUESTION_ORDER)
    assert not must_stop(CALM)
    assert must_stop({"suicide_plan": True}) and questions_left({"suicide_plan": True}) == []


def test_a_no_to_suicidal_thoughts_clears_the_follow_ups():
    taken = answer("suicidal_thoughts", "false", {"wish_dead": False, "suicide_method": True}, [])
    assert taken.understood and taken.value is False
    assert taken.updates == {"suicidal_thoughts": False, **dict.fromkeys(FOLLOW_UP_FIELDS)}
    assert taken.answers["suicide_method"] is None and taken.answers["wish_dead"] is False
    assert taken.acknowledgement is None


def test_no_substance_use_answers_withdrawal_too_and_use_does_not():
    taken = answer("substance_use", "i dont drink or use anything", {}, [])
    assert taken.updates == {"substance_use": "none", "withdrawal": "none"}
    assert "withdrawal" not in questions_left(taken.answers)
    assert answer("substance_use", "regular", {}, []).updates == {"substance_use": "regular"}


def test_rather_not_say_takes_the_careful_value_and_is_remembered():
    taken = answer("substance_use", "prefer_not_say", {}, ["wish_dead"])
    assert taken.value == declined_value("substance_use") == "regular"
    assert taken.declined == ("wish_dead", "substance_use")
    answered_again = answer("wish_dead", "false", {}, ["wish_dead"])
    assert answered_again.declined == ()


def test_free_text_is_parsed_and_nonsense_is_not_understood():
    assert answer("functioning", "a lot, I missed work twice", {}, []).value == "significant"
    unclear = answer("safe_home", "purple", {"functioning": "none"}, ["wish_dead"])
    assert not unclear.understood and unclear.updates == {} and unclear.acknowledgement is None


def test_first_disclosure_of_suicidal_thoughts_is_acknowledged_once():
    assert answer("wish_dead", True, {}, []).acknowledgement == THOUGHTS_ACK
    assert answer("wish_dead", "prefer_not_say", {}, []).acknowledgement == THOUGHTS_DECLINED_ACK
    assert answer("suicidal_thoughts", True, {"wish_dead": True}, []).acknowledgement is None


def test_a_correction_clears_the_answer_and_what_depends_on_it():
    answers = {**CALM, "suicidal_thoughts": True, "suicide_method": False}
    chosen = correct("suicidal_thoughts", answers, ["suicide_method", "group_ok"])
    assert chosen.understood and chosen.done
    assert chosen.cleared == ("suicidal_thoughts", *FOLLOW_UP_FIELDS)
    assert chosen.declined == ("group_ok",)
    assert correct("none", answers, ["group_ok"]).cleared == ()
    assert correct("none", answers, []).done
    assert not correct("suicide_plan", CALM, []).understood  # skipped, so not answered


def test_a_typed_choice_of_a_question_not_answered_yet_keeps_every_answer():
    """ "the one about drinking" while that question is still open: nothing to clear, the form asks it."""
    answers = {key: value for key, value in CALM.items() if key != "substance_use"}
    chosen = correct("the one about drinking. i wasnt being honest lol", answers, [])
    assert chosen.understood and chosen.done and chosen.cleared == ()
    assert correct("the one about drinking", CALM, []).cleared[0] == "substance_use"  # answered: cleared
    assert not correct("the one about the weather", answers, []).understood


def test_evaluate_completes_the_skipped_answers_once():
    evaluation = evaluate(CALM)
    assert evaluation.answers == complete_answers(CALM)
    assert evaluation.answers["withdrawal"] == "none" and evaluation.answers["suicide_plan"] is None
    assert evaluation.result == screen(complete_answers(CALM))
    with pytest.raises(ScreeningInputError):
        evaluate({"functioning": "none"})


def test_finish_escalates_on_an_urgent_answer_without_running_the_engine():
    outcome = finish({"functioning": "none", "harm_to_others": True}, [])
    assert (outcome.ending, outcome.level, outcome.result, outcome.escalated) == (
        "escalated",
        "emergency",
        None,
        True,
    )
    assert outcome.message is None


def test_finish_abandons_answers_the_engine_cannot_use():
    outcome = finish({"functioning": "none"}, [])
    assert outcome.ending == "abandoned" and outcome.level is None and not outcome.escalated
    assert outcome.message == NOT_UNDERSTOOD and outcome.missing in set(QUESTION_ORDER) - {"functioning"}


def test_finish_gives_the_suggestion_with_its_message_and_buttons():
    answers = {**CALM, "functioning": "significant", "current_care": "weekly_not_helping"}
    outcome = finish(answers, ["group_ok"])
    result = screen(complete_answers(answers))
    assert outcome.ending == "completed" and outcome.result == result and outcome.level == result.level
    assert outcome.message == result_message(result, complete_answers(answers), ["group_ok"])
    assert outcome.buttons == result_buttons(result) and not outcome.escalated


def test_an_emergency_suggestion_is_left_to_the_crisis_rule(monkeypatch):
    emergency = screen(complete_answers({**CALM, "harm_to_others": True}))
    assert emergency.level == "emergency"
    monkeypatch.setattr("bot.screening.session.screen", lambda answers: emergency)
    outcome = finish(CALM, [])  # no urgent answer: the engine's level decides
    assert outcome.ending == "completed" and outcome.level == "emergency" and outcome.escalated
    assert outcome.message is None and outcome.buttons == () and outcome.result is emergency
    assert result_buttons(emergency) == EMERGENCY_BUTTONS


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("substance_use", "substance_use"),  # a button's payload
        ("the one about drinking", "substance_use"),
        ("the current care one, about therapy", "current_care"),
        ("never mind", "none"),
        ("the groups one", None),  # not answered yet
        ("the drinking and the withdrawal ones", None),  # two questions: ask with buttons
    ],
)
def test_a_typed_choice_names_one_answered_question(choice: str, expected: str | None) -> None:
    from bot.screening.session import chosen_field

    answered = ["functioning", "current_care", "substance_use", "withdrawal"]
    assert chosen_field(choice, answered) == expected


def _ask(field: str) -> tuple[str, str]:
    return ("the question", f"utter_ask_{field}")


@pytest.mark.parametrize(
    ("bot_turns", "times"),
    [
        ([], 0),
        ([_ask("withdrawal")], 0),
        ([_ask("withdrawal"), (NOT_UNDERSTOOD, None), _ask("withdrawal")], 1),
        ([_ask("withdrawal"), (STILL_NOT_UNDERSTOOD, None), _ask("withdrawal"), (NOT_UNDERSTOOD, None)], 2),
        # newest first: another question answered, or an FAQ answered, in between ends the count
        ([_ask("withdrawal"), _ask("substance_use"), (NOT_UNDERSTOOD, None), _ask("substance_use")], 0),
        ([_ask("withdrawal"), ("IOP usually costs ...", "utter_faq/cost"), (NOT_UNDERSTOOD, None)], 0),
    ],
)
def test_answers_not_understood_in_a_row_are_counted(
    bot_turns: list[tuple[str, str | None]], times: int
) -> None:
    assert times_not_understood(bot_turns, "withdrawal") == times


def test_the_second_miss_in_a_row_offers_a_way_out() -> None:
    assert not_understood_message(0) == NOT_UNDERSTOOD
    assert not_understood_message(1) == not_understood_message(3) == STILL_NOT_UNDERSTOOD
    assert '"skip"' in STILL_NOT_UNDERSTOOD and '"stop"' in STILL_NOT_UNDERSTOOD
