"""FAQ content (issue 3): answers, program facts, NLU training data and held-out data agree."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.faq import (
    CONTROL_PAYLOADS,
    TOPIC_IDS,
    FaqContentError,
    load_answers,
    load_program,
    parse_answers,
    parse_program,
    placeholders_in,
    render_faq_responses,
    topic_suggestions,
)

ROOT = Path(__file__).resolve().parents[2]
ANSWERS = ROOT / "content" / "faq_answers.yml"
PROGRAM = ROOT / "content" / "program.yml"
TRAINING = ROOT / "data" / "nlu" / "faq.yml"
HOLDOUT = ROOT / "tests" / "nlu" / "faq_holdout.yml"
SOURCES = ROOT / "docs" / "sources.md"
SEEDS = Path("/work/shared/seeds")

MIN_TRAINING = 25
MIN_HOLDOUT = 6


def _examples(path: Path) -> dict[str, list[str]]:
    """Topic id -> examples of the `faq/<id>` intents in a Rasa NLU YAML file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    out: dict[str, list[str]] = {}
    for block in data["nlu"]:
        intent = block["intent"]
        assert intent.startswith("faq/"), f"{path.name}: unexpected intent {intent}"
        lines = [line.strip() for line in block["examples"].splitlines() if line.strip()]
        assert all(line.startswith("- ") for line in lines), f"{path.name}: {intent} malformed"
        out.setdefault(intent.split("/", 1)[1], []).extend(line[2:].strip() for line in lines)
    return out


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


@pytest.fixture(scope="module")
def training() -> dict[str, list[str]]:
    return _examples(TRAINING)


@pytest.fixture(scope="module")
def holdout() -> dict[str, list[str]]:
    return _examples(HOLDOUT)


@pytest.fixture(scope="module")
def responses() -> dict[str, list[dict[str, Any]]]:
    return render_faq_responses(ANSWERS, PROGRAM)


@pytest.fixture(scope="module")
def texts(responses: dict[str, list[dict[str, Any]]]) -> dict[str, str]:
    return {key.split("/", 1)[1]: variations[0]["text"] for key, variations in responses.items()}


# --- topics and NLU data -------------------------------------------------------------------


def test_topic_ids_are_unique_and_well_formed() -> None:
    assert len(TOPIC_IDS) == len(set(TOPIC_IDS)) == 36
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", t) for t in TOPIC_IDS)


def test_every_topic_has_an_answer_and_nothing_else(responses: dict[str, Any]) -> None:
    assert list(responses) == [f"utter_faq/{t}" for t in TOPIC_IDS]


def test_nlu_files_only_use_known_topics(
    training: dict[str, list[str]], holdout: dict[str, list[str]]
) -> None:
    assert set(training) == set(TOPIC_IDS)
    assert set(holdout) == set(TOPIC_IDS)


@pytest.mark.parametrize("topic", TOPIC_IDS)
def test_topic_has_enough_distinct_examples(
    topic: str, training: dict[str, list[str]], holdout: dict[str, list[str]]
) -> None:
    assert len({_norm(e) for e in training[topic]}) >= MIN_TRAINING
    assert len({_norm(e) for e in holdout[topic]}) >= MIN_HOLDOUT


def test_no_example_is_shared_between_topics_or_with_holdout(
    training: dict[str, list[str]], holdout: dict[str, list[str]]
) -> None:
    seen: dict[str, str] = {}
    for topic, examples in training.items():
        for example in examples:
            other = seen.setdefault(_norm(example), topic)
            assert other == topic, f"'{example}' is in both {other} and {topic}"
    leaked = [e for examples in holdout.values() for e in examples if _norm(e) in seen]
    assert leaked == []


# Words that belong to the `crisis` intent; FAQ examples must never teach the model otherwise.
CRISIS_WORDS = re.compile(
    r"\b(suicid\w*|kill\w*|die|dying|dead|self[- ]?harm\w*|hurt\w*|cut(ting)?|overdos\w*|od|"
    r"emergenc\w*|crisis|unsafe|danger\w*|abus\w*|withdrawals?|seizures?|shak\w*|988|911)\b",
    re.IGNORECASE,
)


def test_no_crisis_language_in_faq_examples(
    training: dict[str, list[str]], holdout: dict[str, list[str]]
) -> None:
    flagged = [
        e for data in (training, holdout) for ex in data.values() for e in ex if CRISIS_WORDS.search(e)
    ]
    assert flagged == []


@pytest.mark.parametrize(
    "text", ["I want to kill myself", "thinking about suicide", "he's shaking from withdrawal"]
)
def test_crisis_word_check_catches_crisis_text(text: str) -> None:
    assert CRISIS_WORDS.search(text)


# --- rendered answers ----------------------------------------------------------------------


def test_each_answer_is_one_variation_with_messages_joined_by_blank_lines(
    responses: dict[str, list[dict[str, Any]]],
) -> None:
    content = load_answers(ANSWERS)
    for topic in TOPIC_IDS:
        variations = responses[f"utter_faq/{topic}"]
        assert len(variations) == 1
        answer = content.answers[topic]
        parts = variations[0]["text"].split("\n\n")
        assert len(parts) == len(answer.messages) + answer.disclaimer
        assert parts[-1] == content.disclaimer or not answer.disclaimer


def test_all_placeholders_resolve_and_no_braces_reach_rasa(texts: dict[str, str]) -> None:
    values = load_program(PROGRAM)
    content = load_answers(ANSWERS)
    used = {p for a in content.answers.values() for m in a.messages for p in placeholders_in(m)}
    assert used and used <= set(values)
    for topic, text in texts.items():
        assert "$" + "{" not in text and "{" not in text and "}" not in text, topic


def test_prices_are_kept_literal(texts: dict[str, str]) -> None:
    assert "$250 to $600 a week" in texts["cost"]
    assert "$3,000 to $10,000" in texts["cost"]


# Facts from the sources, as ranges. Table-driven so a wrong edit names the topic.
KEY_FACTS = [
    ("schedule", ["at least 9 hours a week", "9 to 15", "up to 20", "3 to 5 days", "2 to 4 hours"]),
    ("duration", ["6 to 12 weeks", "4 to 6 weeks", "90 days or more"]),
    ("iop_vs_php", ["5 to 6 days", "4 to 8 hours", "near-daily monitoring", "step down"]),
    ("iop_vs_outpatient", ["1 or 2 sessions a week"]),
    ("levels_of_care", ["Level 2.1", "Level 2.5", "not failure"]),
    ("insurance", ["copay", "authorized", "out-of-pocket maximum", "pre-authorization", "in-network"]),
    ("insurance", ["essential health benefit", "Medicaid"]),
    ("work_school", ["FMLA"]),
    ("confidentiality", ["HIPAA", "42 CFR Part 2", "written consent"]),
    ("voluntary", ["court"]),
    ("detox", ["do not provide medical detox", "911"]),
    ("find_program", ["FindTreatment.gov", "1-800-662-4357"]),
    ("virtual", ["internet", "private space", "camera", "hybrid"]),
    ("therapies", ["CBT", "DBT", "motivational interviewing", "12-step"]),
    ("co_occurring", ["dual diagnosis", "integrated treatment"]),
    ("medication", ["buprenorphine"]),
]


@pytest.mark.parametrize(("topic", "facts"), KEY_FACTS)
def test_key_facts_are_stated(topic: str, facts: list[str], texts: dict[str, str]) -> None:
    missing = [f for f in facts if f.lower() not in texts[topic].lower()]
    assert missing == []


def test_symptoms_worse_gives_988_call_or_text_and_911(texts: dict[str, str]) -> None:
    text = texts["symptoms_worse"]
    assert re.search(r"\bcall or text 988\b", text)
    assert re.search(r"\bcall 911\b", text)


ADVICE_TOPICS = {
    "candidate",
    "step_up",
    "symptoms_worse",
    "detox",
    "medication",
    "substance_use_during",
    "iop_vs_inpatient",
    "home_environment",
}


def test_advice_topics_carry_the_disclaimer(texts: dict[str, str]) -> None:
    disclaimer = load_answers(ANSWERS).disclaimer
    assert "not medical advice" in disclaimer
    assert [t for t in sorted(ADVICE_TOPICS) if not texts[t].endswith(disclaimer)] == []


DIAGNOSIS = [
    # "Do you have ...?" is a question to a program, not a verdict about the reader.
    re.compile(r"(?<!\bdo )\byou(?:'re| are)? (?:have|suffer\w*)\b", re.IGNORECASE),
    re.compile(r"\byou(?:'re| are) (?:an? )?(?:addict|alcoholic|depressed|bipolar|mentally ill)\b", re.I),
    re.compile(r"\byou (?:need|require|qualify for) (?:iop|php|inpatient|residential)\b", re.I),
]


def _diagnosis_wording(text: str) -> list[str]:
    """Diagnosis-like phrases; 'dual diagnosis' names a kind of treatment, not a verdict."""
    hits = [m.group(0) for rx in DIAGNOSIS for m in rx.finditer(text)]
    hits += re.findall(r"\w*diagnos\w*", re.sub(r"dual diagnosis", "", text, flags=re.I), re.I)
    return hits


@pytest.mark.parametrize(
    ("text", "flagged"),
    [
        ("You have depression.", True),
        ("You are suffering from anxiety.", True),
        ("You're an addict.", True),
        ("You need inpatient care.", True),
        ("We diagnosed bipolar disorder.", True),
        ("Ask about a dual diagnosis track.", False),
        ("Do you have specialized tracks?", False),
        ("A clinician makes the final decision.", False),
    ],
)
def test_diagnosis_check_is_sensible(text: str, flagged: bool) -> None:
    assert bool(_diagnosis_wording(text)) is flagged


def test_answers_contain_no_diagnosis_wording(texts: dict[str, str]) -> None:
    assert {t: _diagnosis_wording(x) for t, x in texts.items() if _diagnosis_wording(x)} == {}


# --- buttons -------------------------------------------------------------------------------


def test_button_payloads_are_control_payloads_or_questions_of_another_topic(
    responses: dict[str, list[dict[str, Any]]], training: dict[str, list[str]]
) -> None:
    topic_of = {e: topic for topic, examples in training.items() for e in examples}
    for key, variations in responses.items():
        topic = key.split("/", 1)[1]
        for button in variations[0].get("buttons", []):
            payload = button["payload"]
            if payload in CONTROL_PAYLOADS:
                continue
            assert payload in topic_of, f"{topic}: '{payload}' is not a training example"
            assert topic_of[payload] != topic, f"{topic}: button leads back to itself"


@pytest.mark.parametrize(
    ("topic", "title", "payload"),
    [
        ("candidate", "Check which level of care may fit", "/start_screening"),
        ("step_up", "Check which level of care may fit", "/start_screening"),
        ("find_program", "Find a program", "/find_program"),
    ],
)
def test_routing_topics_end_with_their_action_button(
    topic: str, title: str, payload: str, responses: dict[str, list[dict[str, Any]]]
) -> None:
    assert responses[f"utter_faq/{topic}"][0]["buttons"][-1] == {"title": title, "payload": payload}


# --- program facts -------------------------------------------------------------------------


def test_example_program_is_clearly_fictional() -> None:
    program = load_program(PROGRAM)
    assert "(fictional)" in program["program_name"]
    assert re.fullmatch(r"\(\d{3}\) 555-01\d\d", program["phone"])
    assert re.fullmatch(r"https://(www\.)?example\.org/?", program["website"])


def test_changing_program_facts_changes_the_answers(tmp_path: Path) -> None:
    data = yaml.safe_load(PROGRAM.read_text(encoding="utf-8"))
    data["phone"] = "(202) 555-0199"
    data["schedule_slots"] = ["Weekend track: Saturday and Sunday, 10 am to 1 pm"]
    program = tmp_path / "program.yml"
    program.write_text(yaml.safe_dump(data), encoding="utf-8")

    before = render_faq_responses(ANSWERS, PROGRAM)
    after = render_faq_responses(ANSWERS, program)

    assert "(202) 555-0199" in after["utter_faq/insurance"][0]["text"]
    assert "(202) 555-0142" not in after["utter_faq/insurance"][0]["text"]
    assert "Weekend track" in after["utter_faq/schedule"][0]["text"]
    changed = {k for k in before if before[k] != after[k]}
    assert {"utter_faq/insurance", "utter_faq/schedule", "utter_faq/first_day"} <= changed
    assert "utter_faq/duration" not in changed


# --- validation errors name the topic and the field ----------------------------------------


def _answers_data() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(ANSWERS.read_text(encoding="utf-8"))
    return data


def test_unknown_placeholder_is_an_error_naming_it_and_the_topic(tmp_path: Path) -> None:
    data = _answers_data()
    data["topics"]["cost"]["messages"][0] = "Call ${fax_number} for prices."
    answers = tmp_path / "faq_answers.yml"
    answers.write_text(yaml.safe_dump(data), encoding="utf-8")
    shutil.copy(PROGRAM, tmp_path / "program.yml")
    with pytest.raises(FaqContentError, match=r"topic 'cost'.*\$\{fax_number\}"):
        render_faq_responses(answers, tmp_path / "program.yml")


def _set(path: list[Any], value: Any) -> dict[str, Any]:
    data = _answers_data()
    node: Any = data
    for key in path[:-1]:
        node = node[key]
    if value is KeyError:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (["topics", "cost"], KeyError, r"no answer for topic\(s\): cost"),
        (["topics", "cost", "messages"], ["a", "b", "c", "d"], r"topic 'cost'.*'messages'"),
        (["topics", "cost", "messages"], [], r"topic 'cost'.*'messages'"),
        (["topics", "cost", "messages", 0], "   ", r"topic 'cost': message 1: must not be empty"),
        (["topics", "cost", "messages", 0], "Hi {name}", r"topic 'cost': message 1: curly braces"),
        (["topics", "cost", "messages", 0], "x" * 501, r"topic 'cost': message 1 is 501 char"),
        (["topics", "cost", "buttons", 0, "payload"], "/faq/insurance", r"topic 'cost': button 1"),
        (["topics", "cost", "buttons", 0], {"title": "x"}, r"topic 'cost': button 1.*'payload'"),
        (["topics", "cost", "sources"], [], r"topic 'cost'.*'sources'"),
        (["topics", "cost", "disclaimer"], "yes", r"topic 'cost'.*'disclaimer'"),
        (["topics", "cost", "answer"], "typo", r"topic 'cost': unknown field\(s\): answer"),
        (["topics", "step_up", "buttons"], [], r"topic 'step_up': the last button"),
        (["disclaimer"], "", r"'disclaimer': must not be empty"),
    ],
)
def test_invalid_answers_are_rejected_with_a_clear_message(path: list[Any], value: Any, message: str) -> None:
    with pytest.raises(FaqContentError, match=message):
        parse_answers(_set(path, value))


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", KeyError, r"missing field\(s\): phone"),
        ("phone", "", r"field 'phone': must not be empty"),
        ("phone", ["(202) 555-0142"], r"field 'phone': must be text"),
        ("schedule_slots", [], r"field 'schedule_slots' must be a non-empty list"),
        ("accepted_insurance", ["ok", "{plan}"], r"'accepted_insurance' item 2: curly braces"),
    ],
)
def test_invalid_program_is_rejected_with_a_clear_message(field: str, value: Any, message: str) -> None:
    data = yaml.safe_load(PROGRAM.read_text(encoding="utf-8"))
    if value is KeyError:
        del data[field]
    else:
        data[field] = value
    with pytest.raises(FaqContentError, match=message):
        parse_program(data)


@pytest.mark.parametrize(
    "text", ["", "- just a list\n", "topics: [unclosed\n", "\ufeff\u202e<b>odd</b>: 1\n"]
)
def test_unreadable_files_give_a_content_error_naming_the_file(tmp_path: Path, text: str) -> None:
    path = tmp_path / "faq_answers.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FaqContentError, match=re.escape(str(path))):
        load_answers(path)


def test_missing_file_gives_a_content_error(tmp_path: Path) -> None:
    with pytest.raises(FaqContentError, match="cannot read"):
        load_program(tmp_path / "nope.yml")


# --- sources -------------------------------------------------------------------------------


def _source_keys() -> set[str]:
    """Keys in the first column of the tables in docs/sources.md."""
    return set(re.findall(r"^\| `([^`]+)` \|", SOURCES.read_text(encoding="utf-8"), re.MULTILINE))


def test_every_cited_source_is_defined_in_sources_md() -> None:
    keys = _source_keys()
    cited = {s for a in load_answers(ANSWERS).answers.values() for s in a.sources}
    assert cited - keys == set()
    assert {"seed-000", "seed-001", "seed-002", "seed-003"} <= keys


@pytest.mark.skipif(not SEEDS.is_dir(), reason="seed documents are not mounted here")
def test_seed_files_named_in_sources_md_exist() -> None:
    named = re.findall(r"\| `seed-\d+` \| `([^`]+)` \|", SOURCES.read_text(encoding="utf-8"))
    assert len(named) == 4
    assert [n for n in named if not (SEEDS / n).is_file()] == []


def test_each_fallback_suggestion_is_an_example_of_its_own_topic(
    training: dict[str, list[str]],
) -> None:
    suggestions = topic_suggestions(ANSWERS)
    assert set(suggestions) == set(TOPIC_IDS)
    for topic, suggestion in suggestions.items():
        examples = {_norm(e) for e in training[topic]}
        assert _norm(suggestion.payload) in examples, topic
        assert 0 < len(suggestion.title) <= 40, topic
