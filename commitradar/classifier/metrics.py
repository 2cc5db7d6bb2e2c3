"""Metrics of a tier classifier against labels, their spread over fold seeds, and how they are shown
(Markdown tables, confusion-matrix plots)."""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..records import TIERS

LLM_TIERS = ("high", "medium")
SPREAD_KEYS = ("macro_f1", "high_recall", "high_precision", "llm_share")


def metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix, precision_recall_fscore_support

    labels = list(TIERS)
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = {t: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
                 for i, t in enumerate(labels)}
    kappa = cohen_kappa_score(y_true, y_pred, labels=labels) if len(set(y_true) | set(y_pred)) > 1 else 0.0
    return {
        "n": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "macro_f1": float(np.mean(f)),
        "high_recall": per_class["high"]["recall"],
        "high_precision": per_class["high"]["precision"],
        "kappa": float(0.0 if np.isnan(kappa) else kappa),
        "llm_share": float(np.mean([y in LLM_TIERS for y in y_pred])) if len(y_pred) else 0.0,
        "per_class": per_class,
        "confusion": {"labels": labels, "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist()},
    }


def type_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict:
    """Change-type accuracy and macro-F1 (added to the model's row)."""
    from sklearn.metrics import f1_score

    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    return {"type_accuracy": float(np.mean(y_true == y_pred)) if len(y_true) else 0.0,
            "type_macro_f1": float(f1_score(list(y_true), list(y_pred), average="macro", zero_division=0))}


def spread(values: Sequence[float]) -> dict:
    v = np.asarray(values, dtype=float)
    return {"values": [round(float(x), 4) for x in v], "mean": float(v.mean()), "sd": float(v.std(ddof=1)) if len(v) > 1 else 0.0,
            "min": float(v.min()), "max": float(v.max())}


def spread_of(cv: dict) -> dict:
    """The ``repeats``/``spread`` keys of a repeated cross-validation result (none for a single fold seed)."""
    return {key: cv[key] for key in ("repeats", "spread") if key in cv}


def spread_markdown(spread_: dict, repeats: int) -> list[str]:
    lines = [f"Over {repeats} fold seeds (mean ± sd, min–max):", "",
             "| model | macro-F1 | high recall | LLM share |", "|---|---|---|---|"]
    for name, m in spread_.items():
        cells = [f"{m[key]['mean']:.3f} ± {m[key]['sd']:.3f} ({m[key]['min']:.3f}–{m[key]['max']:.3f})"
                 for key in ("macro_f1", "high_recall", "llm_share")]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines + [""]


def comparison_markdown(result: dict, title: str) -> str:
    lines = [f"# {title}", "", "| model | macro-F1 | accuracy | high recall | high precision | Cohen's κ | LLM share |",
             "|---|---|---|---|---|---|---|"]
    for name, m in result["models"].items():
        lines.append(f"| {name} | {m['macro_f1']:.3f} | {m['accuracy']:.3f} | {m['high_recall']:.3f} | "
                     f"{m['high_precision']:.3f} | {m['kappa']:.3f} | {m['llm_share']:.3f} |")
    lines += ["", "Per class (precision / recall / F1):", "", "| model | high | medium | low |", "|---|---|---|---|"]
    for name, m in result["models"].items():
        cells = [f"{m['per_class'][t]['precision']:.2f} / {m['per_class'][t]['recall']:.2f} / {m['per_class'][t]['f1']:.2f}"
                 for t in TIERS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    if result.get("spread"):
        lines += [""] + spread_markdown(result["spread"], result.get("repeats", 0))
    if "type_accuracy" in result["models"].get("model", {}):
        m = result["models"]["model"]
        lines += ["", f"Change type (model): accuracy {m['type_accuracy']:.3f}, macro-F1 {m['type_macro_f1']:.3f}."]
    return "\n".join(lines) + "\n"


def plot_confusions(result: dict, path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = list(result["models"])
    fig, axes = plt.subplots(1, len(names), figsize=(3.2 * len(names), 3.4))
    for ax, name in zip(np.atleast_1d(axes), names):
        cm = np.asarray(result["models"][name]["confusion"]["matrix"])
        ax.imshow(cm, cmap="Blues")
        for (i, j), v in np.ndenumerate(cm):
            ax.text(j, i, str(v), ha="center", va="center", color="black" if v < cm.max() / 2 else "white")
        ax.set_xticks(range(3), TIERS)
        ax.set_yticks(range(3), TIERS)
        ax.set_title(f"{name}\nmacro-F1 {result['models'][name]['macro_f1']:.2f}", fontsize=9)
        ax.set_xlabel("predicted")
        ax.set_ylabel("expert")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
