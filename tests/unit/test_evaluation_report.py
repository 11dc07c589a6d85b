"""The evaluation report: Markdown rendered from a small fake summary, and the parsers of Rasa's files."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ops.evaluation.dialogue import parse_failed_stories
from ops.evaluation.nlu import summarise_report
from ops.evaluation.report import render, table
from ops.evaluation.safety import is_crisis_reply, summarise


def _speed_side(p50: float, rss: float, training: float | None) -> dict[str, Any]:
    levels = [
        {"users": u, "messages": 40, "errors": 0, "elapsed_s": 4.0, "mean_ms": p50, "p50_ms": p50,
         "p95_ms": p50 * 2, "p99_ms": p50 * 3, "throughput_msg_s": 10.0 * u}
        for u in (1, 5)
    ]
    return {"startup_s": 20.0, "training_s": training, "rss_idle_mb": rss, "rss_after_load_mb": rss + 10,
            "single_user": levels[0], "levels": levels, "training_note": None}


def fake_summary() -> dict[str, Any]:
    crisis = [("suicide", "i want to die"), ("suicide", "kms"), ("abuse", "he hits me")]
    negatives = [("idioms", "this commute is killing me"), ("everyday", "I feel stuck")]
    return {
        "generated_at": "2026-01-01 00:00 UTC", "model": "abc.tar.gz", "rasa_version": "3.6.21", "cpus": 2,
        "duration_s": 600.0, "estimate_min": 12.0, "skipped": [], "steps": {"speed": 300.0},
        "nlu": {"cross_validation": {"folds": 5, "seconds": 400.0, "intents": summarise_report({
            "greet": {"precision": 1.0, "recall": 0.9, "f1-score": 0.947, "support": 10,
                      "confused_with": {"faq": 1}},
            "faq": {"precision": 0.9, "recall": 1.0, "f1-score": 0.947, "support": 9, "confused_with": {}},
            "accuracy": 0.947, "macro avg": {"f1-score": 0.947}, "weighted avg": {"f1-score": 0.947},
        })}},
        "dialogue": {"stories": 4, "passed": 3, "failed": 1, "action_accuracy": 0.98, "seconds": 30.0,
                     "errors": [{"story": "screening", "expected": "action: utter_x",
                                 "predicted": "action_listen"}]},
        "safety": {"model": summarise(crisis, negatives, [crisis[1]], [negatives[1]]),
                   "detector": summarise(crisis, negatives, [], [])},
        "speed": {"levels": [1, 5], "script": ["hello"], "max_seconds": 60,
                  "max_messages": {"1": 40, "5": 50},
                  "project": _speed_side(200.0, 1500.0, None), "stock": _speed_side(50.0, 1000.0, 100.0)},
        "images": {"latency": "latency.png", "safety": "safety.png"},
    }


def test_report_has_every_section_with_the_figures() -> None:
    text = render(fake_summary())
    for heading in ("# Evaluation report", "## NLU", "## Dialogue", "## Safety", "## Speed and cost"):
        assert heading in text
    assert "5-fold cross-validation" in text
    assert "| greet | faq | 1 |" in text  # the most confused pair
    assert "3/4 stories pass, 1 fail" in text
    assert "| screening | action: utter_x | action_listen |" in text


def test_report_lists_safety_misses_with_their_text_and_rates() -> None:
    text = render(fake_summary())
    assert "| suicide | 2 | 50.0% | 100.0% |" in text
    assert "| **all crisis messages** | 3 | 66.7% | 100.0% |" in text
    assert "| **false-positive rate** (hard negatives) | 2 | 50.0% | 0.0% |" in text
    assert "Missed by the model:" in text and "| suicide | kms |" in text
    assert "| everyday | I feel stuck |" in text


def test_report_puts_project_and_stock_side_by_side_with_ratios() -> None:
    text = render(fake_summary())
    assert "| 5 concurrent: p95 | ms | 400.0 | 100.0 | 4.00x |" in text
    assert "| Rasa server memory (RSS) when ready | MB | 1,500 | 1,000 | 1.50x |" in text
    assert "| training time | s | - | 100.0 | - |" in text
    assert "40 messages for 1 users" in text


def test_report_embeds_only_the_plots_that_exist() -> None:
    text = render(fake_summary())
    assert "![latency percentiles per concurrency level](latency.png)" in text
    assert "throughput.png" not in text and "confusion_matrix" not in text


def test_a_busy_machine_is_pointed_out() -> None:
    summary = {**fake_summary(), "load_average": {"start": 3.9, "end": 1.0}}
    assert "above the CPU count" in render(summary)
    summary["load_average"] = {"start": 0.5, "end": 1.0}
    assert "above the CPU count" not in render(summary)


def test_sections_without_results_are_left_out() -> None:
    summary = {"model": "m", "skipped": ["speed", "nlu-cv"], "steps": {}}
    text = render(summary)
    assert "Skipped: speed, nlu-cv." in text
    assert "## Speed" not in text and "## NLU" not in text


def test_table_escapes_pipes_and_newlines() -> None:
    assert table(("a",), [("x|y\nz",)]).splitlines()[-1] == "| x\\|y z |"


def test_nlu_summary_sorts_worst_first_and_reads_perfect_accuracy() -> None:
    summary = summarise_report({
        "a": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 3},
        "b": {"precision": 0.5, "recall": 0.5, "f1-score": 0.5, "support": 2, "confused_with": {"a": 2}},
        "accuracy": {"f1-score": 1.0}, "macro avg": {"f1-score": 0.75}, "weighted avg": {"f1-score": 0.8},
    })
    assert [row["label"] for row in summary["table"]] == ["b", "a"]
    assert summary["accuracy"] == 1.0 and summary["labels"] == 2
    assert summary["confused_pairs"] == [{"expected": "b", "predicted": "a", "count": 2}]


def test_failed_story_lines_are_parsed() -> None:
    text = """version: "3.1"
stories:
- story: screening happy path (./tests/stories/test_screening.yml)
  steps:
  - intent: start_screening
  - action: utter_screening_intro  # predicted: action_default_fallback
  - action: screening_form
- story: callback
  steps:
  - intent: request_callback  # predicted: faq: call me back
"""
    assert parse_failed_stories(text) == [
        {"story": "screening happy path",
         "expected": "action: utter_screening_intro", "predicted": "action_default_fallback"},
        {"story": "callback", "expected": "intent: request_callback", "predicted": "faq: call me back"},
    ]


def test_a_crisis_reply_is_recognised_by_its_first_message() -> None:
    crisis = frozenset({"Call 988 now."})
    assert is_crisis_reply([{"text": "Call 988 now."}, {"text": "Are you safe?"}], crisis)
    assert not is_crisis_reply([{"text": "Hi"}, {"text": "Call 988 now."}], crisis)
    assert not is_crisis_reply([], crisis)


def test_the_crisis_check_reads_the_rendered_crisis_responses(tmp_path: Path) -> None:
    from ops.content import render_all
    from ops.evaluation.safety import crisis_reply_check, crisis_texts

    rendered = next(path for path in render_all(tmp_path) if path.name == "crisis.yml")
    check = crisis_reply_check(rendered)
    first = sorted(crisis_texts(rendered))[0]
    assert check([{"text": first}]) and not check([{"text": "Hi"}, {"text": first}])


def test_cross_validation_shows_its_split_and_fold_times_or_the_failed_folds() -> None:
    summary = fake_summary()
    cv = summary["nlu"]["cross_validation"]
    cv.update(seed=2718, jobs=2, fold_train_s=[200.5, 210.0], examples=19)
    text = render(summary)
    assert "seed 2718; 2 folds trained at once; training per fold 200.5, 210.0 s; 19 examples" in text
    cv["failed_folds"] = [1]
    assert "**Folds [1] failed**" in render(summary)


def test_a_held_out_only_run_keeps_its_figures(tmp_path: Path) -> None:
    """`--only held-out` has the safety test set but no corpus figures: no plot of them, summary kept."""
    import json

    from ops.evaluation.__main__ import write_outputs

    summary: dict[str, Any] = {"safety": {"test_set": {"rest": {"recall": 0.9}}}}
    try:
        write_outputs(summary, tmp_path)
    finally:
        saved = json.loads((tmp_path / "summary.json").read_text())
    assert saved["safety"]["test_set"]["rest"]["recall"] == 0.9
    assert not (tmp_path / "safety.png").exists()


def test_development_sets_are_reported_apart_and_marked_as_tuned_on() -> None:
    layer = {"recall": 0.99, "false_positive_rate": 0.03, "crisis_messages": 170, "negatives": 169}
    development = {
        "conversations": {"dev4.yml": {"conversations": 14, "turns": 110, "passed": 108, "pass_rate": 0.9818,
                                       "fallback_rate": 0.1, "fallback_reply_rate": 0.0091}},
        "safety": {"messages_c.yml": {"rules": {**layer, "recall": 0.6}, "model": layer, "combined": layer}},
        "external_faq": {"questions": 190, "sources": 150, "right": 154, "accuracy": 0.8106},
        "safety_conversations": {"conversations": 20, "turns": 84, "right": 71, "rate": 0.8452, "wrong": []},
    }
    text = render({"model": "m", "development": development})
    assert "(`tests/safety/conversations_dev.yml`), through REST: 71/84 turns right (84.5%) in 20" in text
    assert "## Development sets (tuned on: not evidence" in text
    assert "190 questions from 150 pages, none shared with the frozen set): 154/190 (81.1%)" in text
    assert "| dev4.yml | 14 | 108/110 (98.2%) | 10.0% | 0.9% |" in text
    assert "| messages_c.yml | 170 | 169 | 60.0% / 3.0% | 99.0% / 3.0% | 99.0% / 3.0% |" in text
    assert "without that half (cross-fitted)" in text
    assert "not_trained" not in text
    assert "## Development" not in render({"model": "m"})


def test_the_untrained_development_crisis_sets_are_reported_as_read_by_the_model() -> None:
    layer = {"recall": 0.88, "false_positive_rate": 0.0586, "crisis_messages": 258, "negatives": 290}
    untrained = {"messages_m.yml": {"rules": {**layer, "recall": 0.434}, "model": layer, "combined": layer}}
    text = render({"model": "m", "development": {"untrained_safety": untrained}})
    assert "(`tests/safety_dev/not_trained/*.yml`), read in-process by the trained model" in text
    assert "| messages_m.yml | 258 | 290 | 43.4% / 5.9% | 88.0% / 5.9% | 88.0% / 5.9% |" in text


def test_the_untrained_development_crisis_sets_are_apart_from_the_trained_ones() -> None:
    from ops.evaluation.development import UNTRAINED_SAFETY_SETS, safety_files

    untrained = safety_files(UNTRAINED_SAFETY_SETS)
    assert len(untrained) >= 2 and all(path.parent.name == "not_trained" for path in untrained)
    assert not {path.name for path in untrained} & {path.name for path in safety_files()}


def test_development_files_never_include_a_frozen_set() -> None:
    from ops.evaluation.development import conversation_files, safety_files

    names = [path.name for path in conversation_files()]
    assert names[0] == "dev.yml" and "freetext.yml" not in names and len(names) >= 4
    assert all(path.parent.name == "safety_dev" for path in safety_files()) and len(safety_files()) >= 3


def test_each_half_of_the_development_crisis_sets_is_held_out_once(tmp_path: Path) -> None:
    from ops.evaluation.development import halves

    files = [tmp_path / f"messages_{letter}.yml" for letter in "fbdaec"]
    first, second = halves(files)
    assert [p.name for p in first] == ["messages_a.yml", "messages_b.yml", "messages_c.yml"]
    assert [p.name for p in second] == ["messages_d.yml", "messages_e.yml", "messages_f.yml"]
    odd_first, odd_second = halves(files[:5])
    assert len(odd_first) == 3 and len(odd_second) == 2 and not set(odd_first) & set(odd_second)


def test_development_safety_conversations_are_apart_from_the_frozen_ones() -> None:
    """The development conversations are their own: no turn of more than three words is a frozen one."""
    from ops.evaluation.development import SAFETY_CONVERSATIONS
    from ops.evaluation.safety_test import CONVERSATIONS

    def texts(path: Path) -> set[str]:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]
        return {" ".join(str(t["text"]).lower().split()) for c in data for t in c["turns"]}

    development = yaml.safe_load(SAFETY_CONVERSATIONS.read_text(encoding="utf-8"))["conversations"]
    turns = [turn for conversation in development for turn in conversation["turns"]]
    assert SAFETY_CONVERSATIONS != CONVERSATIONS and len(development) >= 15 and len(turns) >= 60
    assert len({c["name"] for c in development}) == len(development)
    assert all(isinstance(t["text"], str) and t["crisis"] in (True, False, "either") for t in turns)
    # Short replies to "Are you safe right now?" ("no im fine", "idk") may be shared; nothing longer. The
    # message counts only, so a failure never prints the frozen set's text.
    shared = texts(SAFETY_CONVERSATIONS) & texts(CONVERSATIONS)
    longer = sum(1 for text in shared if len(text.split()) > 3)
    assert longer == 0, f"{longer} development turns of more than three words are in the frozen set"


def test_development_faq_questions_share_no_text_page_or_site_with_the_frozen_set() -> None:
    from bot.faq import TOPIC_IDS
    from ops.evaluation.development import EXTERNAL_FAQ_SET
    from ops.evaluation.external_faq import EXTERNAL_FAQ

    def site(address: object) -> str:
        return re.sub(r"^https?://(www\.)?", "", str(address).lower()).split("/")[0]

    frozen = yaml.safe_load(EXTERNAL_FAQ.read_text(encoding="utf-8"))["questions"]
    development = yaml.safe_load(EXTERNAL_FAQ_SET.read_text(encoding="utf-8"))["questions"]
    assert len(development) >= 150 and EXTERNAL_FAQ_SET != EXTERNAL_FAQ
    assert not {" ".join(q["text"].lower().split()) for q in development} & {
        " ".join(q["text"].lower().split()) for q in frozen
    }
    assert not {site(q["source"]) for q in development} & {site(q["source"]) for q in frozen}
    assert all(isinstance(q.get("also", []), list) for q in development)
    assert all({q["topic"], *q.get("also", [])} <= set(TOPIC_IDS) for q in development)


def test_development_crisis_sets_are_also_reported_together_and_per_category() -> None:
    from ops.evaluation.development import LAYERS, layer_figures, pooled
    from ops.evaluation.safety_test import Case, summarise

    cases = [
        Case("a", True, "suicide", "plan"),
        Case("b", True, "suicide", "passive"),
        Case("c", True, "overdose", "in_progress"),
        Case("d", False, "idiom", "idiom"),
        Case("e", False, "grief", "grief"),
    ]

    def figures(flags: dict[str, list[bool]]) -> dict[str, Any]:
        return layer_figures({layer: summarise(cases, flags[layer]) for layer in LAYERS})

    first = figures({
        "rules": [True, False, False, False, False],
        "model": [True, True, False, True, False],
        "combined": [True, True, False, True, False],
    })
    second = figures({layer: [True, True, True, False, False] for layer in LAYERS})
    totals = pooled({"messages_a.yml": first, "messages_b.yml": second})
    assert totals["rules"]["flagged"] == 4 and totals["rules"]["crisis_messages"] == 6
    assert totals["combined"]["per_category"] == {
        "overdose": {"total": 2, "flagged": 1},
        "suicide": {"total": 4, "flagged": 4},
    }
    assert (totals["model"]["false_positives"], totals["model"]["negatives"]) == (1, 4)

    layer = {"recall": 0.5, "false_positive_rate": 0.0, "crisis_messages": 2, "negatives": 2}
    development = {"safety": {"messages_a.yml": first, "messages_b.yml": second}}
    text = render({"model": "m", "development": development})
    assert "All sets together (cross-fitted): rules 66.7% recall, 0.0% false positives;" in text
    assert "combined 83.3% recall, 25.0% false positives" in text
    assert "| overdose | 2 | 1/2 (50.0%) | 1/2 (50.0%) | 1/2 (50.0%) |" in text
    old = {"safety": {"messages_a.yml": {name: layer for name in LAYERS}}}  # a summary without counts
    assert "All sets together" not in render({"model": "m", "development": old})
