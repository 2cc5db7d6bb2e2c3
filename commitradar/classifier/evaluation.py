"""Metrics and grouped cross-validation for tier classifiers, side by side with baselines.

Compared models: ``majority`` (most frequent training tier), ``rules:default``, ``rules:argus``,
``embedding-only`` (logistic regression on MiniLM vectors, argmax), ``model`` (rules + embedding, calibrated,
tier policy). Folds are grouped by date, so no day is split between training and test.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from ..models import TIERS

LLM_TIERS = ("high", "medium")


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


@dataclass(frozen=True)
class PolicyTarget:
    """What tier thresholds are tuned for: best macro-F1 with high recall ≥ min_high_recall and at most
    max_llm_share of commits sent to the LLM (falls back to the best high recall when infeasible)."""

    min_high_recall: float = 0.75
    max_llm_share: float = 0.65


def tune_policy(proba: np.ndarray, classes: Sequence[str], y: Sequence[str], target: PolicyTarget = PolicyTarget()):
    from .model import TierPolicy

    best, best_key = TierPolicy(), None
    for th in np.arange(0.08, 0.6, 0.02):
        for tm in np.arange(0.2, 0.85, 0.025):
            pol = TierPolicy(round(float(th), 3), round(float(tm), 3))
            m = metrics(y, pol.apply(proba, classes))
            feasible = m["high_recall"] >= target.min_high_recall and m["llm_share"] <= target.max_llm_share
            key = (feasible, m["macro_f1"] if feasible else m["high_recall"] + 0.1 * m["macro_f1"])
            if best_key is None or key > best_key:
                best, best_key = pol, key
    return best


def date_folds(dates: Sequence[str], k: int, seed: int = 0) -> list[np.ndarray]:
    """Test-index arrays of k folds; every date lies in exactly one fold."""
    from sklearn.model_selection import GroupKFold

    n = len(dates)
    gkf = GroupKFold(n_splits=k, shuffle=True, random_state=seed)
    return [test for _, test in gkf.split(np.zeros(n), groups=np.asarray(dates))]


def cross_validate(
    X: np.ndarray,
    items: Sequence,
    tiers: Sequence[str],
    types: Sequence[str],
    dates: Sequence[str],
    k: int = 5,
    target: PolicyTarget = PolicyTarget(),
    C: float = 0.5,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Out-of-fold predictions and metrics of every compared model; also the model's OOF probabilities."""
    from .model import DIM, make_embedding_only, make_tier_estimator
    from .rules import PRESETS

    tiers = np.asarray(tiers)
    n = len(tiers)
    preds = {name: np.empty(n, dtype=object) for name in ("majority", "rules:default", "rules:argus", "embedding-only", "model")}
    type_pred = np.empty(n, dtype=object)
    oof = np.zeros((n, 3))
    classes = None
    for name in ("rules:default", "rules:argus"):
        preset = PRESETS.get(name.split(":")[1])
        preds[name][:] = [preset.decide(c, f).tier for c, f in items]
    folds = date_folds(dates, k)
    for i, test in enumerate(folds):
        if progress:
            progress(f"fold {i + 1}/{k}")
        train = np.setdiff1d(np.arange(n), test)
        preds["majority"][test] = Counter(tiers[train]).most_common(1)[0][0]
        emb = make_embedding_only().fit(X[train, :DIM], tiers[train])
        preds["embedding-only"][test] = emb.predict(X[test, :DIM])
        est = make_tier_estimator("both", C).fit(X[train], tiers[train])
        classes = list(est.classes_)
        # Thresholds are tuned inside the training part only (inner out-of-fold probabilities).
        inner = _inner_oof(X[train], tiers[train], np.asarray(dates)[train], C)
        policy = tune_policy(inner, classes, tiers[train], target)
        proba = est.predict_proba(X[test])
        oof[test] = proba
        preds["model"][test] = policy.apply(proba, classes)
        from .model import make_type_estimator

        type_pred[test] = make_type_estimator().fit(X[train], np.asarray(types)[train]).predict(X[test])
    out = {name: metrics(list(tiers), list(p)) for name, p in preds.items()}
    type_acc = float(np.mean(type_pred == np.asarray(types)))
    out["model"]["type_accuracy"] = type_acc
    from sklearn.metrics import f1_score

    out["model"]["type_macro_f1"] = float(f1_score(list(types), list(type_pred), average="macro", zero_division=0))
    return {"folds": k, "models": out, "oof_proba": oof, "classes": classes,
            "predictions": {k_: list(v) for k_, v in preds.items()}}


def _inner_oof(X: np.ndarray, y: np.ndarray, dates: np.ndarray, C: float, k: int = 4) -> np.ndarray:
    from .model import make_tier_estimator

    oof = np.zeros((len(y), 3))
    for test in date_folds(list(dates), k, seed=1):
        train = np.setdiff1d(np.arange(len(y)), test)
        est = make_tier_estimator("both", C, calibrate=True).fit(X[train], y[train])
        oof[test] = est.predict_proba(X[test])
    return oof


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
