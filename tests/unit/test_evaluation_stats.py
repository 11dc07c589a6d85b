"""The evaluation's statistics: percentiles, latency summaries and the project/stock ratio table."""

from __future__ import annotations

import pytest

from ops.evaluation.servers import parse_vm_field
from ops.evaluation.stats import flatten_speed, latency_summary, percentile, ratio, ratio_rows, speed_metrics


def test_percentile_interpolates_between_ranks_like_numpy_linear() -> None:
    values = [0.4, 0.1, 0.3, 0.2]  # unsorted on purpose
    assert percentile(values, 0) == 0.1
    assert percentile(values, 100) == 0.4
    assert percentile(values, 50) == pytest.approx(0.25)
    assert percentile(values, 95) == pytest.approx(0.385)
    assert percentile(list(range(1, 101)), 99) == pytest.approx(99.01)


def test_percentile_of_one_value_and_of_none() -> None:
    assert percentile([0.7], 99) == 0.7
    assert percentile([], 50) is None
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_latency_summary_in_milliseconds_with_throughput() -> None:
    summary = latency_summary([0.1, 0.2, 0.3, 0.4], elapsed_s=2.0, errors=1)
    assert summary["messages"] == 4
    assert summary["errors"] == 1
    assert summary["p50_ms"] == 250.0
    assert summary["mean_ms"] == 250.0
    assert summary["p99_ms"] == pytest.approx(397.0)
    assert summary["throughput_msg_s"] == 2.0


def test_latency_summary_without_messages() -> None:
    summary = latency_summary([], elapsed_s=0.0)
    assert summary["p50_ms"] is None and summary["throughput_msg_s"] is None


def test_ratio_is_project_over_stock_and_none_when_undefined() -> None:
    assert ratio(300.0, 100.0) == 3.0
    assert ratio(None, 100.0) is None
    assert ratio(1.0, None) is None
    assert ratio(1.0, 0.0) is None


def test_ratio_table_from_both_sides_speed_results() -> None:
    def side(p50: float, rss: float, training: float | None) -> dict:
        level = {"users": 5, "p50_ms": p50, "p95_ms": 2 * p50, "p99_ms": 3 * p50, "throughput_msg_s": 10.0}
        return {"startup_s": 30.0, "training_s": training, "rss_idle_mb": rss, "rss_after_load_mb": rss,
                "single_user": {"p50_ms": p50}, "levels": [level]}

    rows = ratio_rows(flatten_speed(side(200.0, 1500.0, None)), flatten_speed(side(50.0, 1000.0, 120.0)),
                      speed_metrics([5]))
    by_metric = {row.metric: row for row in rows}
    assert by_metric["5 concurrent: p95"].project == 400.0
    assert by_metric["5 concurrent: p95"].ratio == 4.0
    assert by_metric["Rasa server memory (RSS) when ready"].ratio == 1.5
    assert by_metric["5 concurrent: throughput"].ratio == 1.0
    assert by_metric["training time"].ratio is None  # the project's was not measured
    assert rows[0].metric == "single-user latency p50"


def test_vm_fields_are_read_from_proc_status_text() -> None:
    status = "Name:\tpython\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\nThreads:\t4\n"
    assert parse_vm_field(status) == 102400
    assert parse_vm_field(status, "VmHWM") == 204800
    assert parse_vm_field(status, "VmSwap") is None
