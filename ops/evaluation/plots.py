"""PNG charts for the report (matplotlib, Agg backend, imported on use)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def latency_chart(speed: Mapping[str, Any], path: Path) -> Path:
    """p50/p95/p99 latency per concurrency level, project vs stock (log scale)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 4.5))
    styles = {"p50_ms": "-", "p95_ms": "--", "p99_ms": ":"}
    for side, color in (("project", "tab:blue"), ("stock", "tab:orange")):
        levels = speed[side]["levels"]
        users = [lv["users"] for lv in levels]
        for key, style in styles.items():
            ax.plot(users, [lv[key] for lv in levels], style, marker="o", color=color,
                    label=f"{side} {key.removesuffix('_ms')}")
    ax.set(xlabel="concurrent conversations", ylabel="latency (ms, log scale)", yscale="log",
           title="REST channel latency, closed loop")
    ax.set_xticks([lv["users"] for lv in speed["project"]["levels"]])
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(ncol=2, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def throughput_chart(speed: Mapping[str, Any], path: Path) -> Path:
    """Messages per second per concurrency level, project vs stock (grouped bars)."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4))
    users = [lv["users"] for lv in speed["project"]["levels"]]
    width = 0.38
    for offset, side, color in ((-width / 2, "project", "tab:blue"), (width / 2, "stock", "tab:orange")):
        values = [lv["throughput_msg_s"] or 0 for lv in speed[side]["levels"]]
        bars = ax.bar([i + offset for i in range(len(users))], values, width, label=side, color=color)
        ax.bar_label(bars, fmt="%.1f", fontsize=8)
    ax.set_xticks(range(len(users)), [f"{u} users" for u in users])
    ax.set(ylabel="messages per second", title="Throughput, closed loop")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def safety_chart(safety: Mapping[str, Any], path: Path) -> Path:
    """Recall per crisis category: trained model vs detector alone, with the false-positive rates."""
    plt = _pyplot()
    model, detector = safety.get("model") or {}, safety.get("detector") or {}
    categories = list((model or detector)["recall_per_category"])
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.38
    for offset, name, result, color in (
        (-width / 2, "model (REST)", model, "tab:green"), (width / 2, "detector alone", detector, "tab:gray")
    ):
        if not result:
            continue
        values = [result["recall_per_category"][c]["recall"] * 100 for c in categories]
        fpr = result.get("false_positive_rate") or 0
        bars = ax.bar([i + offset for i in range(len(categories))], values, width, color=color,
                      label=f"{name}; false positives {fpr:.1%}")
        ax.bar_label(bars, fmt="%.0f", fontsize=8)
    ax.set_xticks(range(len(categories)), categories, rotation=15)
    ax.set(ylabel="recall (%)", ylim=(0, 125), title="Safety corpus: crisis messages caught")
    ax.legend(loc="upper center", ncol=2, fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
