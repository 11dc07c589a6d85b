"""Render summary.json as report.md: pure string building, no I/O."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

from ops.evaluation.stats import flatten_speed, ratio_rows, speed_metrics


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table; `|` and newlines in cells are escaped."""

    def cell(value: Any) -> str:
        return fmt(value).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def fmt(value: Any) -> str:
    """Numbers with sensible precision; None as a dash."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if abs(value) < 10:
            return f"{value:.3g}"
        return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.1f}"
    return str(value)


def pct(value: float | None) -> str:
    """A rate as a percentage."""
    return "-" if value is None else f"{value:.1%}"


def image(images: Mapping[str, str], key: str, alt: str) -> str:
    """A Markdown image when the plot exists, else nothing."""
    return f"\n![{alt}]({images[key]})" if key in images else ""


def render(summary: Mapping[str, Any]) -> str:
    """The whole report."""
    images = summary.get("images") or {}
    parts = [
        "# Evaluation report",
        "",
        f"Model `{summary.get('model', '?')}`, Rasa {summary.get('rasa_version', '?')}, "
        f"generated {summary.get('generated_at', '?')} in {fmt(summary.get('duration_s'))} s "
        f"(estimate before the run: about {fmt(summary.get('estimate_min'))} min on "
        f"{summary.get('cpus', '?')} CPUs). Machine-readable figures: `summary.json`.",
    ]
    load = summary.get("load_average") or {}
    if load:
        busy = max(load.get("start") or 0, load.get("end") or 0) > (summary.get("cpus") or 1)
        parts.append(
            f"\nOne-minute load average {fmt(load.get('start'))} at the start, {fmt(load.get('end'))} at "
            "the end"
            + (
                ": above the CPU count, so other work shared the machine and times are longer "
                "than on an idle one."
                if busy
                else "."
            )
        )
    if summary.get("skipped"):
        parts.append(f"\nSkipped: {', '.join(summary['skipped'])}.")
    parts += [
        _nlu(summary.get("nlu"), images),
        _dialogue(summary.get("dialogue")),
        _safety(summary.get("safety"), images),
        _safety_test((summary.get("safety") or {}).get("test_set")),
        _freetext(summary.get("freetext")),
        _external_faq(summary.get("external_faq")),
        _development(summary.get("development")),
        _screening(summary.get("screening")),
        _speed(summary.get("speed"), images),
        _steps(summary.get("steps")),
    ]
    return "\n".join(p for p in parts if p) + "\n"


def _scores(title: str, scores: Mapping[str, Any] | None, worst: int = 12) -> str:
    if not scores:
        return ""
    rows = [(r["label"], r["precision"], r["recall"], r["f1"], r["support"]) for r in scores["table"][:worst]]
    pairs = [(p["expected"], p["predicted"], p["count"]) for p in scores.get("confused_pairs", [])]
    text = (
        f"\n**{title}**: accuracy {pct(scores.get('accuracy'))}, macro F1 {fmt(scores.get('macro_f1'))}, "
        f"weighted F1 {fmt(scores.get('weighted_f1'))} over {scores.get('labels')} labels. "
        f"Lowest F1 first ({min(worst, len(scores['table']))} of {len(scores['table'])}):\n\n"
        + table(("label", "precision", "recall", "F1", "support"), rows)
    )
    if pairs:
        text += "\n\nMost confused pairs:\n\n" + table(("expected", "predicted", "count"), pairs)
    return text


def _nlu(nlu: Mapping[str, Any] | None, images: Mapping[str, str]) -> str:
    if not nlu:
        return ""
    out = ["\n## NLU"]
    cv = nlu.get("cross_validation")
    if cv:
        out.append(
            f"\n### {cv.get('folds')}-fold cross-validation on `data/nlu` with the FAQ answers "
            f"({fmt(cv.get('seconds'))} s, files in `nlu-cv/`)"
        )
        if cv.get("failed_folds"):
            out.append(f"\n**Folds {cv['failed_folds']} failed**: see `logs/nlu-cv-fold-<n>.log`.")
        elif cv.get("fold_train_s"):
            out.append(
                f"\nStratified split with seed {cv.get('seed')}; {cv.get('jobs')} folds trained at once; "
                f"training per fold {', '.join(fmt(s) for s in cv['fold_train_s'])} s; "
                f"{fmt(cv.get('examples'))} examples, each predicted by the one model that did not see it."
            )
        out.append(_scores("Intents", cv.get("intents")))
        out.append(_scores("FAQ topics (response selector)", cv.get("faq")))
        out.append(image(images, "cv_intent_confusion", "intent confusion matrix (cross-validation)"))
        out.append(image(images, "cv_faq_confusion", "FAQ topic confusion matrix (cross-validation)"))
    held = nlu.get("held_out")
    if held:
        gate = held.get("held_out") or {}
        out.append(
            f"\n### Held-out test (`tests/nlu/`, current model; files in `nlu-test/`)\n\n"
            f"Intent and FAQ topic both right: {gate.get('correct')}/{gate.get('examples')} "
            f"({pct(gate.get('accuracy'))}; `make test` gates at 95 %)."
        )
        out.append(_scores("Intents", held.get("intents")))
        out.append(_scores("FAQ topics", held.get("faq")))
        if gate.get("misses"):
            out.append(
                "\nMisses:\n\n"
                + table(
                    ("text", "expected", "predicted"),
                    ((m["text"], m["expected"], m["predicted"]) for m in gate["misses"]),
                )
            )
        out.append(image(images, "test_faq_confusion", "FAQ topic confusion matrix (held-out)"))
    return "\n".join(o for o in out if o)


def _dialogue(dialogue: Mapping[str, Any] | None) -> str:
    if not dialogue:
        return ""
    text = (
        f"\n## Dialogue\n\nStory tests (`tests/stories`): "
        f"{dialogue.get('passed')}/{dialogue.get('stories')} stories pass, {dialogue.get('failed')} fail; "
        f"action accuracy {pct(dialogue.get('action_accuracy'))} "
        f"({fmt(dialogue.get('seconds'))} s, files in `core-test/`)."
    )
    if dialogue.get("errors"):
        text += "\n\nPrediction errors:\n\n" + table(
            ("story", "expected", "predicted"),
            ((e["story"], e["expected"], e["predicted"]) for e in dialogue["errors"]),
        )
    else:
        text += " No prediction errors."
    return text


def _safety(safety: Mapping[str, Any] | None, images: Mapping[str, str]) -> str:
    if not safety:
        return ""
    model, detector = safety.get("model") or {}, safety.get("detector") or {}
    out = ["\n## Safety (`tests/safety/corpus.yml`)"]
    out.append(
        "\nA crisis message counts as caught when the first reply of the turn is the crisis response "
        "(trained model through the REST channel, action server running). A hard negative counts as a "
        "false positive when it gets that response. The detector column is `bot.safety.detector.detect` "
        "alone, without the classifier.\n"
    )
    categories = list(model.get("recall_per_category") or detector.get("recall_per_category") or {})
    rows = [
        (
            c,
            (
                (model.get("recall_per_category") or detector.get("recall_per_category") or {}).get(c) or {}
            ).get("total"),
            pct((model.get("recall_per_category") or {}).get(c, {}).get("recall")),
            pct((detector.get("recall_per_category") or {}).get(c, {}).get("recall")),
        )
        for c in categories
    ]
    rows.append(
        (
            "**all crisis messages**",
            model.get("crisis_messages") or detector.get("crisis_messages"),
            pct(model.get("recall")),
            pct(detector.get("recall")),
        )
    )
    rows.append(
        (
            "**false-positive rate** (hard negatives)",
            model.get("negatives") or detector.get("negatives"),
            pct(model.get("false_positive_rate")),
            pct(detector.get("false_positive_rate")),
        )
    )
    out.append(table(("category", "messages", "model (REST)", "detector alone"), rows))
    if detector.get("category_accuracy") is not None:
        out.append(
            f"\nThe detector names the expected category for {pct(detector['category_accuracy'])} "
            "of crisis messages."
        )
    kinds = model.get("false_positives_per_kind") or detector.get("false_positives_per_kind") or {}
    if kinds:
        out.append(
            "\n"
            + table(
                ("negative kind", "messages", "model flagged", "detector flagged"),
                (
                    (
                        k,
                        v["total"],
                        (model.get("false_positives_per_kind") or {}).get(k, {}).get("flagged"),
                        (detector.get("false_positives_per_kind") or {}).get(k, {}).get("flagged"),
                    )
                    for k, v in kinds.items()
                ),
            )
        )
    for name, result in (("model", model), ("detector alone", detector)):
        if result.get("misses"):
            out.append(
                f"\nMissed by the {name}:\n\n"
                + table(("category", "text"), ((m["category"], m["text"]) for m in result["misses"]))
            )
        if result.get("false_alarms"):
            out.append(
                f"\nFalse alarms of the {name}:\n\n"
                + table(("kind", "text"), ((m["kind"], m["text"]) for m in result["false_alarms"]))
            )
    if model and not model.get("misses"):
        out.append("\nThe model missed no crisis message.")
    out.append(image(images, "safety", "safety recall per category"))
    return "\n".join(o for o in out if o)


def _safety_test(result: Mapping[str, Any] | None) -> str:
    """Issue 15: the frozen crisis test set, per layer and through REST."""
    if not result:
        return ""
    layers = result.get("layers") or {}
    columns = [
        ("rules alone", layers.get("rules") or {}),
        ("classifier alone", layers.get("model") or {}),
        ("combined (in-process)", layers.get("combined") or {}),
        ("REST", result.get("rest") or {}),
        ("REST, action server down", result.get("rest_without_actions") or {}),
    ]
    present = [(name, r) for name, r in columns if r]
    out = [
        "\n## Safety test set (`tests/safety/testset.yml`, frozen; issue 15)",
        "\nWritten apart from the rules and the training data and never tuned on. Recall per category and "
        f"kind; classifier threshold {fmt(layers.get('threshold'))}, cue threshold "
        f"{fmt(layers.get('cue_threshold'))}. Through REST a message counts when the first reply of its "
        "turn is the crisis response.\n",
    ]

    def rate_table(key: str, label: str) -> str:
        names = list((present[0][1].get(key) or {}).keys()) if present else []
        rows = [
            (
                name,
                (present[0][1][key][name] or {}).get("total"),
                *(pct(((r.get(key) or {}).get(name) or {}).get("rate")) for _n, r in present),
            )
            for name in names
        ]
        return table((label, "messages", *(n for n, _ in present)), rows)

    out.append(rate_table("recall_per_category", "category"))
    summary_rows = [
        ("**recall, all crisis messages**", *(pct(r.get("recall")) for _n, r in present)),
        (
            "recall, plans / means at hand / overdose in progress",
            *(pct(r.get("critical_recall")) for _n, r in present),
        ),
        (
            "recall without the messages the issue quotes",
            *(pct((r.get("without_issue_quotes") or {}).get("recall")) for _n, r in present),
        ),
        (
            "**false-positive rate** (hard negatives)",
            *(pct(r.get("false_positive_rate")) for _n, r in present),
        ),
        (
            "false positives without the quoted messages",
            *(pct((r.get("without_issue_quotes") or {}).get("false_positive_rate")) for _n, r in present),
        ),
    ]
    out.append("\n" + table(("figure", *(n for n, _ in present)), summary_rows))
    out.append("\nRecall per kind:\n\n" + rate_table("recall_per_kind", "kind"))
    out.append(
        "\nFalse positives per kind of hard negative:\n\n" + rate_table("false_positives_per_kind", "kind")
    )
    paraphrases = result.get("paraphrases") or {}
    if paraphrases:
        out.append(
            "\n**Paraphrase check** (`tests/safety/paraphrases.yml`: each dev sentence reworded once, "
            f"through REST): {pct(paraphrases.get('recall'))} of {paraphrases.get('crisis_messages')} crisis "
            f"sentences detected; {pct(paraphrases.get('false_positive_rate'))} of "
            f"{paraphrases.get('negatives')} reworded negatives flagged."
        )
    conversations = result.get("conversations") or {}
    if conversations:
        out.append(
            f"\n**Conversations** (`tests/safety/conversations.yml`): {conversations.get('right')}/"
            f"{conversations.get('turns')} turns as expected over {conversations.get('conversations')} "
            "conversations (risk remembered across turns; ambiguous turns without a disclosure stay calm)."
        )
        if conversations.get("wrong"):
            out.append(
                "\n"
                + table(
                    ("conversation", "turn", "expected crisis", "got crisis"),
                    ((w["conversation"], w["turn"], w["expected"], w["got"]) for w in conversations["wrong"]),
                )
            )
    contexts = result.get("contexts") or {}
    if contexts:
        out.append(
            "\n**While a form is open or during a hand-off** (a sample of the crisis messages, each "
            "right after the opener):\n\n"
            + table(
                ("context", "sent", "crisis reply first"),
                ((k, v["sent"], v["crisis_reply"]) for k, v in contexts.items()),
            )
        )
    latency = layers.get("latency_ms") or {}
    if latency:
        out.append(
            f"\nTime the detector and classifier add per message: p50 {fmt(latency.get('p50'))} ms, "
            f"p95 {fmt(latency.get('p95'))} ms ({latency.get('note')})."
        )
    added = layers.get("added_in_server_ms") or {}
    if added:
        out.append(
            f"In the server, beside the NLU's own encoding: p50 {fmt(added.get('p50'))} ms, "
            f"p95 {fmt(added.get('p95'))} ms ({added.get('note')})."
        )
    combined = result.get("rest") or {}
    if combined.get("misses"):
        out.append(
            "\nMissed through REST:\n\n"
            + table(
                ("category", "kind", "text"),
                ((m["category"], m["kind"], m["text"]) for m in combined["misses"]),
            )
        )
    if combined.get("false_alarms"):
        out.append(
            "\nFalse alarms through REST:\n\n"
            + table(("kind", "text"), ((m["kind"], m["text"]) for m in combined["false_alarms"]))
        )
    return "\n".join(o for o in out if o)


def _freetext(result: Mapping[str, Any] | None) -> str:
    """Issue 14: typed multi-turn conversations through REST."""
    if not result:
        return ""
    out = [
        "\n## Free-text conversations (`tests/conversations/freetext.yml`, frozen; issue 14)",
        f"\n{result.get('passed')}/{result.get('turns')} turns ({pct(result.get('pass_rate'))}) got what "
        "a person "
        f"expects over {result.get('conversations')} conversations typed as visitors and SMS users type; "
        f"fallbacks in {result.get('fallbacks')} turns ({pct(result.get('fallback_rate'))}): the NLU's "
        "`nlu_fallback` or a fallback reply; a fallback reply, what the person saw, in "
        f"{result.get('fallback_replies')} ({pct(result.get('fallback_reply_rate'))}).",
    ]
    if result.get("failures"):
        out.append(
            "\n"
            + table(
                ("conversation", "turn", "message", "intent", "got", "why"),
                (
                    (
                        f["conversation"],
                        f["turn"],
                        f["user"],
                        f["intent"],
                        ", ".join(f["got"]),
                        "; ".join(f["problems"]),
                    )
                    for f in result["failures"]
                ),
            )
        )
    return "\n".join(out)


def _external_faq(result: Mapping[str, Any] | None) -> str:
    """Issue 14: other providers' FAQ questions."""
    if not result:
        return ""
    out = [
        "\n## Other providers' FAQ questions (`tests/external/faq_other_providers.yml`, frozen; issue 14)",
        f"\n{result.get('right')}/{result.get('questions')} ({pct(result.get('accuracy'))}) answered with "
        "the "
        f"labelled topic; questions from {result.get('sources')} pages of other providers.",
    ]
    if result.get("wrong"):
        out.append(
            "\n"
            + table(
                ("question", "labelled", "answered"),
                ((w["text"], w["expected"], w["got"]) for w in result["wrong"]),
            )
        )
    return "\n".join(out)


def _development(result: Mapping[str, Any] | None) -> str:
    """The development sets: tuned on, so what tuning reached, not evidence."""
    if not result:
        return ""
    out = [
        "\n## Development sets (tuned on: not evidence; the frozen sets above are)",
    ]
    conversations = result.get("conversations") or {}
    if conversations:
        out.append(
            "\nTyped conversations (`tests/conversations/dev*.yml`), through REST:\n\n"
            + table(
                ("set", "conversations", "turns passed", "fallbacks", "fallback replies"),
                (
                    (
                        name,
                        r.get("conversations"),
                        f"{r.get('passed')}/{r.get('turns')} ({pct(r.get('pass_rate'))})",
                        pct(r.get("fallback_rate")),
                        pct(r.get("fallback_reply_rate")),
                    )
                    for name, r in conversations.items()
                ),
            )
        )
    external = result.get("external_faq")
    if external:
        out.append(
            "\nOther providers' FAQ questions (`tests/external/dev_other_providers.yml`, "
            f"{external['questions']} questions from {external['sources']} pages, "
            "none shared with the frozen set): "
            f"{external['right']}/{external['questions']} ({pct(external['accuracy'])}) get the right topic."
        )
    multi_turn = result.get("safety_conversations")
    if multi_turn:
        out.append(
            "\nMulti-turn safety conversations (`tests/safety/conversations_dev.yml`), through REST: "
            f"{multi_turn['right']}/{multi_turn['turns']} turns right ({pct(multi_turn['rate'])}) in "
            f"{multi_turn['conversations']} conversations."
        )
    safety = result.get("safety") or {}
    if safety:
        out.append(
            "\nCrisis messages and hard negatives (`tests/safety_dev/*.yml`), in-process. The model's "
            "classifier fits on all of them, so each half of the sets is measured with a classifier fitted "
            "the same way without that half (cross-fitted); recall / false positives:\n\n"
            + _safety_sets_table(safety)
        )
        out.append(_pooled_safety(safety))
    untrained = result.get("untrained_safety") or {}
    if untrained:
        out.append(
            "\nCrisis sets outside the classifier's training data (`tests/safety_dev/not_trained/*.yml`), "
            "read in-process by the trained model. The rules are tuned on them, the classifier never saw "
            "them; recall / false positives:\n\n" + _safety_sets_table(untrained)
        )
    return "\n".join(out)


def _safety_sets_table(sets: Mapping[str, Any]) -> str:
    """One row per crisis set: its size, then recall / false positives of each layer."""
    return table(
        ("set", "crisis", "negatives", "rules", "classifier", "combined"),
        (
            (
                name,
                r["combined"]["crisis_messages"],
                r["combined"]["negatives"],
                *(
                    f"{pct(r[layer]['recall'])} / {pct(r[layer]['false_positive_rate'])}"
                    for layer in ("rules", "model", "combined")
                ),
            )
            for name, r in sets.items()
        ),
    )


def _pooled_safety(safety: Mapping[str, Any]) -> str:
    """The development crisis sets together: one line per layer, then recall per category."""
    from ops.evaluation.development import LAYERS, pooled

    totals = pooled(safety)
    if not totals:
        return ""

    def rate(part: int, whole: int) -> str:
        return pct(part / whole if whole else None)

    def share(flagged: int, total: int) -> str:
        return f"{flagged}/{total} ({rate(flagged, total)})"

    layers = ("rules", "classifier", "combined")
    lines = "\n\nAll sets together (cross-fitted): " + "; ".join(
        f"{label} {rate(t['flagged'], t['crisis_messages'])} recall, "
        f"{rate(t['false_positives'], t['negatives'])} false positives"
        for label, t in zip(layers, (totals[layer] for layer in LAYERS), strict=True)
    )
    categories = totals["combined"]["per_category"]
    return lines + ". Recall per category:\n\n" + table(
        ("category", "crisis", *layers),
        (
            (name, group["total"], *(share(totals[layer]["per_category"][name]["flagged"], group["total"])
                                     for layer in LAYERS))
            for name, group in categories.items()
        ),
    )


def _screening(screening: Mapping[str, Any] | None) -> str:
    if not screening:
        return ""
    text = (
        f"\n## Screening rules\n\n{screening['rules_covered']}/{screening['rules']} rules of "
        f"`bot/screening/engine.py` fire as documented; {screening['cases_passed']}/{screening['cases']} "
        "generated inputs (one per alternative of each rule's condition, on a benign baseline) give the "
        "rule's risk, level or flag.\n\n"
        + table(
            ("rule", "sets", "input (changes from baseline)", "level", "risk", "ok"),
            (
                (c["rule"], c["expected"], c["input"], c["level"], c["risk"], c["passed"])
                for c in screening["case_table"]
            ),
        )
    )
    if screening.get("uncovered"):
        text += f"\n\n**Rules not exercised as documented:** {', '.join(screening['uncovered'])}"
    levels = list(screening["levels_in_cases"])
    text += (
        "\n\nCases per level, and the levels of "
        + f"{screening['random_samples']} uniformly random "
        + ("valid answer sets (a check that every input gets a level, not a population estimate):\n\n")
        + table(
            ("level", "generated cases", "random inputs"),
            ((lv, screening["levels_in_cases"][lv], screening["levels_in_random"].get(lv)) for lv in levels),
        )
    )
    return text


def _speed(speed: Mapping[str, Any] | None, images: Mapping[str, str]) -> str:
    if not speed or not speed.get("project") or not speed.get("stock"):
        return ""
    levels = speed.get("levels") or []
    project, stock = flatten_speed(speed["project"]), flatten_speed(speed["stock"])
    rows = ratio_rows(project, stock, speed_metrics(levels))
    text = (
        "\n## Speed and cost: this project vs a stock `rasa init` assistant\n\n"
        "Both Rasa servers ran in this run, one after the other, on the same machine "
        f"(`rasa run --enable-api`, loopback, REST channel). Load is closed-loop: each of N virtual users "
        f"sends its next message when the previous reply arrives, up to "
        f"{', '.join(f'{n} messages for {u} users' for u, n in (speed.get('max_messages') or {}).items())} "
        f"or {fmt(speed.get('max_seconds'))} s per level, after a warm-up. Every conversation is the same "
        f"script: {', '.join(repr(s) for s in speed.get('script', []))}. The project answers with its "
        "full pipeline (safety detector, SQLite tracker store, action server); the stock assistant keeps "
        "trackers in memory and needs no action server. A ratio above 1 means the project is slower or "
        "bigger.\n\n"
        + table(
            ("metric", "unit", "project", "stock", "project / stock"),
            (
                (r.metric, r.unit, r.project, r.stock, None if r.ratio is None else f"{r.ratio:.2f}x")
                for r in rows
            ),
        )
    )
    notes = [speed["project"].get("training_note"), speed["stock"].get("training_note")]
    extra = speed["project"].get("action_server_rss_mb")
    if extra is not None:
        notes.append(f"The project's action server adds {fmt(extra)} MB RSS.")
    errors = sum(level.get("errors", 0) for side in ("project", "stock") for level in speed[side]["levels"])
    notes.append(f"Failed requests during the load: {errors}.")
    text += "\n\n" + " ".join(n for n in notes if n)
    text += "\n" + image(images, "latency", "latency percentiles per concurrency level")
    text += "\n" + image(images, "throughput", "throughput per concurrency level")
    return text


def _steps(steps: Mapping[str, float] | None) -> str:
    if not steps:
        return ""
    return "\n## Run time per step\n\n" + table(("step", "seconds"), ((k, v) for k, v in steps.items()))
