"""How rules, the semantic classifier and conversation context combine (bot.safety.decision)."""

from __future__ import annotations

import pytest

from bot.safety.decision import SENTENCE_THRESHOLD, assess, score_message, scored_units, sentence_units
from bot.safety.detector import Clause, SafetyAnalysis, SafetyFinding
from bot.safety.semantic import SemanticScore

FINDING = SafetyFinding("overdose", "took too many pills", "overdose.took_too_many")
LOW = SemanticScore(0.05, "suicide")
MIDDLE = SemanticScore(0.35, "self_harm")
HIGH = SemanticScore(0.93, "suicide")


def test_a_rule_raises_a_concern_whatever_the_classifier_says() -> None:
    result = assess(SafetyAnalysis(FINDING), [LOW])
    assert (result.concern, result.category, result.source, result.severity) == (
        True,
        "overdose",
        "rules",
        "high",
    )


TOPIC_WORD = SafetyFinding(
    "overdose", "overdose", "overdose.od_word", topic_only=True, needs_confirmation=True
)
NEAR_ZERO = SemanticScore(0.01, "overdose")


def test_a_topic_word_the_classifier_reads_as_safe_is_only_a_cue() -> None:
    alone = assess(SafetyAnalysis(TOPIC_WORD), [NEAR_ZERO])
    assert not alone.concern and alone.ambiguous and alone.cues == ("topic",)
    after = assess(SafetyAnalysis(TOPIC_WORD), [NEAR_ZERO], risk_on_record=True, prior_category="overdose")
    assert (after.concern, after.source) == (True, "context")


def test_a_topic_word_stands_when_the_classifier_is_unsure_absent_or_the_message_spanish() -> None:
    assert assess(SafetyAnalysis(TOPIC_WORD), [LOW]).concern  # 0.05 is not below the floor
    assert assess(SafetyAnalysis(TOPIC_WORD), []).concern  # no model loaded: rules only
    spanish = SafetyAnalysis(
        SafetyFinding(
            "overdose",
            "sobredosis",
            "es.overdose_word",
            language="es",
            topic_only=True,
            needs_confirmation=True,
        ),
        language="es",
    )
    assert assess(spanish, [NEAR_ZERO]).concern
    stated = SafetyFinding("overdose", "took too many pills", "overdose.took_too_many")
    assert assess(SafetyAnalysis(stated), [NEAR_ZERO]).concern  # a stated danger never needs agreement


CANT_COPE = SafetyFinding(
    "suicide", "cant do this anymore", "suicide.cant_cope_anymore", needs_confirmation=True
)


def test_a_phrase_ambiguous_alone_needs_the_classifier_not_to_read_it_as_safe() -> None:
    job_search = SafetyAnalysis(CANT_COPE, cues=("hopeless",))
    alone = assess(job_search, [NEAR_ZERO])
    assert not alone.concern and alone.cues == ("hopeless",)
    assert assess(job_search, [NEAR_ZERO], risk_on_record=True).source == "context"
    assert assess(job_search, [MIDDLE]).source == "rules"  # unsure: the rule stands
    assert assess(job_search, []).concern  # no model loaded: rules only


def test_a_danger_long_past_is_no_crisis_on_the_classifier_alone() -> None:
    history = SafetyAnalysis(None, history=True)
    assert not assess(history, [HIGH], threshold=0.7).concern
    after = assess(history, [HIGH], threshold=0.7, risk_on_record=True, prior_category="suicide")
    assert (after.concern, after.source) == (True, "context")  # after a disclosure it is a cue
    assert assess(SafetyAnalysis(FINDING, history=True), [LOW]).concern  # a rule still decides alone
    assert assess(SafetyAnalysis(None), [HIGH], threshold=0.7).concern


def test_a_message_a_cue_rule_calls_ambiguous_needs_a_surer_classifier() -> None:
    in_hand = SafetyAnalysis(None, cues=("means",))
    fairly_sure = SemanticScore(0.75, "suicide")
    assert not assess(in_hand, [fairly_sure], threshold=0.7).concern
    assert assess(in_hand, [fairly_sure], threshold=0.7).ambiguous
    assert assess(in_hand, [HIGH], threshold=0.7).concern
    assert assess(SafetyAnalysis(None), [fairly_sure], threshold=0.7).concern  # no cue: the usual threshold


def test_the_classifier_alone_raises_a_concern_above_its_threshold() -> None:
    result = assess(SafetyAnalysis(None), [LOW, HIGH], threshold=0.5)
    assert (result.concern, result.category, result.source) == (True, "suicide", "semantic")
    assert result.probability == pytest.approx(0.93)
    assert not assess(SafetyAnalysis(None), [LOW, MIDDLE], threshold=0.5).concern


def test_a_cue_escalates_only_when_risk_is_on_record() -> None:
    analysis = SafetyAnalysis(None, cues=("means",))
    alone = assess(analysis, [LOW])
    assert not alone.concern and alone.ambiguous
    after = assess(analysis, [LOW], risk_on_record=True, prior_category="self_harm")
    assert (after.concern, after.category, after.source, after.severity) == (
        True,
        "self_harm",
        "context",
        "high",
    )


def test_a_middling_semantic_score_is_a_cue_too() -> None:
    result = assess(SafetyAnalysis(None), [MIDDLE], threshold=0.5, cue_threshold=0.25)
    assert result.ambiguous and result.cues == ("semantic",)
    assert assess(SafetyAnalysis(None), [MIDDLE], 0.5, 0.25, risk_on_record=True).concern


def test_nothing_at_all_is_no_concern() -> None:
    result = assess(SafetyAnalysis(None), [LOW], risk_on_record=True)
    assert not result.concern and not result.ambiguous


def test_a_vetoed_clause_is_set_aside_but_the_rest_is_scored() -> None:
    text = "I'm not suicidal, I just want to go to sleep and not wake up"
    analysis = SafetyAnalysis(
        None,
        clauses=(
            Clause("i'm not suicidal", vetoed=True),
            Clause("i just want to go to sleep"),
            Clause("and not wake up"),
        ),
    )
    assert scored_units(analysis, text) == ["i just want to go to sleep and not wake up"]


def test_without_a_veto_the_whole_message_is_scored() -> None:
    analysis = SafetyAnalysis(None, clauses=(Clause("i got the pills"), Clause("and it's tonight")))
    assert scored_units(analysis, "I got the pills and it's tonight") == ["I got the pills and it's tonight"]
    assert scored_units(SafetyAnalysis(None), "  ") == []


def test_spanish_relies_on_the_rules_unless_the_classifier_is_nearly_certain() -> None:
    spanish = SafetyAnalysis(None, language="es")
    assert not assess(spanish, [SemanticScore(0.9, "suicide")], threshold=0.8).concern
    assert assess(spanish, [SemanticScore(0.97, "suicide")], threshold=0.8).concern


def test_withdrawal_on_the_classifier_alone_needs_a_surer_score() -> None:
    nothing = SafetyAnalysis(None)
    assert not assess(nothing, [SemanticScore(0.85, "withdrawal")], threshold=0.7).concern
    assert assess(nothing, [SemanticScore(0.92, "withdrawal")], threshold=0.7).concern
    assert assess(nothing, [SemanticScore(0.85, "suicide")], threshold=0.7).concern
    with_rule = SafetyAnalysis(SafetyFinding("withdrawal", "seizure", "withdrawal.symptoms_after_quitting"))
    assert assess(with_rule, [SemanticScore(0.2, "withdrawal")], threshold=0.7).concern


def test_language_and_detail_come_from_the_analysis() -> None:
    analysis = SafetyAnalysis(
        SafetyFinding("abuse", "me pega", "es.abuse", "domestic_violence", "es"),
        details=("domestic_violence",),
        language="es",
    )
    result = assess(analysis)
    assert (result.detail, result.language) == ("domestic_violence", "es")


LONG = (
    "is the virtual program on zoom or in person? I work days at the plant. also I have my pills saved up"
    " and I'm taking them sunday"
)


def test_a_message_of_several_sentences_is_scored_whole_and_by_sentence() -> None:
    assert sentence_units([LONG]) == [
        "is the virtual program on zoom or in person?",
        "I work days at the plant.",
        "also I have my pills saved up and I'm taking them sunday",
    ]
    clauses = (
        "I work days at the warehouse and most nights at the bar downtown, and I'm so tired of the"
        " long commute there every single day"
    )
    assert sentence_units([clauses]) == [clauses.split(", ")[0], clauses.split(", ")[1]]
    assert sentence_units(["I work days. I'm tired."]) == []  # short: the whole score is not diluted
    assert sentence_units([" ".join(["word"] * 30)]) == []  # one long sentence is the whole message
    asked: list[list[str]] = []

    def score(texts: object) -> list[SemanticScore]:
        asked.append(list(texts))  # type: ignore[call-overload]
        return [SemanticScore(0.1 * (i + 1), "suicide") for i in range(len(asked[-1]))]

    whole, sentences = score_message(score, SafetyAnalysis(None), LONG)
    assert len(asked) == 1 and asked[0][0] == LONG and len(asked[0]) == 4  # one batch
    assert [s.probability for s in whole] == [0.1] and len(sentences) == 3
    assert score_message(score, SafetyAnalysis(None), "  ") == ([], [])


def test_one_sentence_escalates_alone_only_when_the_classifier_is_nearly_certain() -> None:
    diluted = [SemanticScore(0.3, "suicide")]
    sure = SemanticScore(SENTENCE_THRESHOLD, "suicide")
    unsure = SemanticScore(SENTENCE_THRESHOLD - 0.05, "suicide")
    result = assess(SafetyAnalysis(None), diluted, sentence_scores=[unsure, sure])
    assert (result.concern, result.source, result.probability) == (True, "semantic", SENTENCE_THRESHOLD)
    assert not assess(SafetyAnalysis(None), diluted, sentence_scores=[unsure]).concern
    # Spanish keeps its own bar, and the sentence bar never falls below the message threshold
    spanish = SafetyAnalysis(None, language="es")
    assert not assess(spanish, diluted, sentence_scores=[SemanticScore(0.94, "suicide")]).concern
    assert not assess(SafetyAnalysis(None), diluted, 0.99, sentence_scores=[sure]).concern


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("Thank you so much. I really appreciate it. Goodbye.", True),
        ("aight thats all i needed. peace", True),
        ("thank you for everything. goodbye", False),  # a goodbye note's words
        ("bye everyone", False),
        ("sorry. goodbye", False),
        ("signing off for the night, goodnight!", True),
        ("signing off for the last time. goodbye", False),  # "last time"
        ("no, that will be all for today. bye", True),
        ("nope thats all. night", True),  # scored 0.97 by the classifier (dev16)
        ("yep, thanks!", True),
        ("nope. goodbye forever", False),
    ],
)
def test_a_plain_thanks_and_goodbye(text: str, plain: bool) -> None:
    from bot.safety.decision import plain_farewell

    assert plain_farewell(text) is plain


def test_a_plain_goodbye_is_never_a_crisis_on_the_classifier_alone() -> None:
    analysis = SafetyAnalysis(None, clauses=(Clause("Thank you so much. Goodbye.", False),))
    alone = assess(analysis, [HIGH])
    assert not alone.concern and not alone.ambiguous
    after = assess(analysis, [HIGH], risk_on_record=True, prior_category="suicide")
    assert not after.concern  # "ok thanks, bye" after the crisis reply: the dialogue repeats resources
    ruled = SafetyAnalysis(FINDING, clauses=(Clause("Thank you so much. Goodbye.", False),))
    assert assess(ruled, [HIGH]).concern  # a rule still decides
    note = SafetyAnalysis(None, clauses=(Clause("thank you for everything. goodbye", False),))
    assert assess(note, [HIGH]).concern  # not a plain farewell: the classifier decides
