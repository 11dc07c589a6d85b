"""Small statistics: percentiles, latency summaries and the project/stock ratio table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping, Sequence


def percentile(values: Sequence[float], q: float) -> float | None:
    """The q-th percentile (0-100) with linear interpolation between ranks; None when empty."""
    if not values:
        return None
    if not 0 <= q <= 100:
        raise ValueError(f"q must be within 0..100, got {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def latency_summary(latencies_s: Sequence[float], elapsed_s: float, errors: int = 0) -> dict[str, Any]:
    """Count, errors, mean/p50/p95/p99 in milliseconds and throughput in messages per second."""

    def ms(value: float | None) -> float | None:
        return None if value is None else round(value * 1000, 1)

    mean = sum(latencies_s) / len(latencies_s) if latencies_s else None
    return {
        "messages": len(latencies_s),
        "errors": errors,
        "elapsed_s": round(elapsed_s, 2),
        "mean_ms": ms(mean),
        "p50_ms": ms(percentile(latencies_s, 50)),
        "p95_ms": ms(percentile(latencies_s, 95)),
        "p99_ms": ms(percentile(latencies_s, 99)),
        "throughput_msg_s": round(len(latencies_s) / elapsed_s, 2) if elapsed_s > 0 else None,
    }


def ratio(project: float | None, stock: float | None) -> float | None:
    """Return project / stock, or None when either is missing or the stock value is zero."""
    if project is None or stock is None or stock == 0:
        return None
    return project / stock


@dataclass(frozen=True)
class RatioRow:
    """One line of the side-by-side table."""

    metric: str
    unit: str
    project: float | None
    stock: float | None
    ratio: float | None


def ratio_rows(
    project: Mapping[str, float | None],
    stock: Mapping[str, float | None],
    metrics: Sequence[tuple[str, str, str]],
) -> list[RatioRow]:
    """One row per (key, label, unit) in `metrics`, with values from both sides and their ratio."""
    rows = []
    for key, label, unit in metrics:
        p, s = project.get(key), stock.get(key)
        rows.append(RatioRow(label, unit, p, s, ratio(p, s)))
    return rows


def flatten_speed(speed: Mapping[str, Any]) -> dict[str, float | None]:
    """One side's speed results as flat metric keys (e.g. `c5_p95_ms`) for `ratio_rows`."""
    flat: dict[str, float | None] = {
        "startup_s": speed.get("startup_s"),
        "training_s": speed.get("training_s"),
        "rss_idle_mb": speed.get("rss_idle_mb"),
        "rss_after_load_mb": speed.get("rss_after_load_mb"),
        "single_user_p50_ms": (speed.get("single_user") or {}).get("p50_ms"),
    }
    for level in speed.get("levels", []):
        prefix = f"c{level['users']}_"
        for key in ("p50_ms", "p95_ms", "p99_ms", "throughput_msg_s"):
            flat[prefix + key] = level.get(key)
    return flat


def speed_metrics(levels: Sequence[int]) -> list[tuple[str, str, str]]:
    """The rows of the speed-and-cost table for the given concurrency levels."""
    rows = [
        ("single_user_p50_ms", "single-user latency p50", "ms"),
        *(
            item
            for users in levels
            for item in (
                (f"c{users}_p50_ms", f"{users} concurrent: p50", "ms"),
                (f"c{users}_p95_ms", f"{users} concurrent: p95", "ms"),
                (f"c{users}_p99_ms", f"{users} concurrent: p99", "ms"),
                (f"c{users}_throughput_msg_s", f"{users} concurrent: throughput", "msg/s"),
            )
        ),
        ("rss_idle_mb", "Rasa server memory (RSS) when ready", "MB"),
        ("rss_after_load_mb", "Rasa server memory (RSS) after the load", "MB"),
        ("startup_s", "start-up time to ready", "s"),
        ("training_s", "training time", "s"),
    ]
    return rows
