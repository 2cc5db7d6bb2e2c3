"""Two curves of the model card: how the model adapts to a new repository from a few of its labels (the
learning curve, leave-one-repository-out) and the high tier's precision–recall curve (out-of-fold P(high)
of the cross-validation), each with its Markdown section and its plot.

Both are measured, not assumed, and can be re-run on a trained model's folder (``evaluate --learning-curve
--update-card``, ``evaluate --cv 5 --repeats 5 --update-card``); ``train`` records the precision–recall curve
of its own cross-validation.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import clone

from ..errors import InputError
from ..progress import progress as progress_bar
from .metrics import metrics, spread

SIZES = (0, 10, 25, 50)
PR_PLOT = "pr_curve.svg"
LC_PLOT = "learning_curve.svg"
CURVE_KEYS = ("macro_f1", "high_recall", "high_precision", "high_share")


# ------------------------------------------------------------------------------------ learning curve


def _lc_fit(estimator, X, tiers, types, dates, mask, train, test, repos):
    model = clone(estimator).fit(X[train], tiers[train], types=types[train], groups=dates[train],
                                 tune_mask=mask[train])
    p_high, p_low = model.head_scores(X[test])
    return np.asarray(model.policy_.apply(p_high, p_low, repos), dtype=object)


def _row(y_true, y_pred) -> dict:
    m = metrics(list(y_true), list(y_pred))
    return {"macro_f1": m["macro_f1"], "high_recall": m["high_recall"], "high_precision": m["high_precision"],
            "high_share": float(np.mean(np.asarray(y_pred) == "high")) if len(y_pred) else 0.0}


def learning_curve(estimator, X: np.ndarray, tiers: Sequence[str], types: Sequence[str], dates: Sequence[str],
                   repos: Sequence[str], score_mask: np.ndarray, sizes: Sequence[int] = SIZES, draws: int = 3,
                   progress: bool = False, n_jobs: int | None = 1) -> dict:
    """Leave-one-repository-out with a few labels of the left-out repository.

    For each repository holding ``score_mask`` rows (the expert labels): train a clone of ``estimator`` on
    every row of the other repositories plus ``k`` rows of this one drawn from its rows outside
    ``score_mask`` (nested draws: the 10 are among the 25, which are among the 50; draw ``d`` uses fold seed
    ``d``), and score this repository's ``score_mask`` rows, which no draw touches, so every ``k`` of a
    repository is scored on the same labels. Tier thresholds are tuned on the training part's ``score_mask``
    rows, as ``train --tune-on`` does; no rate anchoring. ``k = 0`` is one fit per repository (nothing to
    draw). Per repository and pooled over the four (each draw's predictions of every left-out repository
    together): macro-F1, high recall, high precision and share flagged high, mean ± sd over draws."""
    from joblib import Parallel, delayed

    tiers, types, dates, repos = (np.asarray(a, dtype=object) for a in (tiers, types, dates, repos))
    mask = np.asarray(score_mask, dtype=bool)
    sizes = sorted(set(int(s) for s in sizes))
    if not sizes or sizes[0] < 0:
        raise InputError("--sizes: give sizes of 0 or more, e.g. 0,10,25,50")
    if draws < 1:
        raise InputError(f"--draws {draws}: give 1 or more")
    left_out = sorted(set(repos[mask]))
    if len(left_out) < 2:
        raise InputError("the learning curve leaves one repository out: the scored labels hold "
                         f"{len(left_out)} repository")
    plan = []  # (repo, k, draw, train rows, test rows)
    pools = {}
    for repo in left_out:
        test = np.flatnonzero((repos == repo) & mask)
        others = np.flatnonzero(repos != repo)
        pool = np.flatnonzero((repos == repo) & ~mask)
        if len(pool) < sizes[-1]:
            raise InputError(f"{repo} has {len(pool)} labels outside the scored ones, fewer than {sizes[-1]} "
                             "to draw: lower --sizes")
        pools[repo] = {"n_test": int(len(test)), "n_test_high": int(np.sum(tiers[test] == "high")),
                       "n_pool": int(len(pool))}
        for d in range(draws):
            order = np.random.default_rng(d).permutation(pool)
            for k in sizes:
                if k == 0 and d > 0:
                    continue
                plan.append((repo, k, d, np.concatenate([others, order[:k]]), test))
    parallel = Parallel(n_jobs=n_jobs or 1, return_as="generator")
    preds: dict[tuple, np.ndarray] = {}
    with progress_bar(total=len(plan), desc="learning curve", unit="fit", min_items=2 if progress else len(plan) + 1) as bar:
        for (repo, k, d, _, _), pred in zip(plan, parallel(
                delayed(_lc_fit)(estimator, X, tiers, types, dates, mask, train, test, list(repos[test]))
                for repo, k, d, train, test in plan)):
            preds[(repo, k, d)] = pred
            bar.update()

    def draws_of(k: int) -> range:
        return range(1) if k == 0 else range(draws)

    out_repos = {}
    for repo in left_out:
        test = np.flatnonzero((repos == repo) & mask)
        rows = {k: [_row(tiers[test], preds[(repo, k, d)]) for d in draws_of(k)] for k in sizes}
        out_repos[repo] = {**pools[repo], "by_size": {str(k): {key: spread([r[key] for r in rows[k]]) for key in CURVE_KEYS}
                                                      for k in sizes}}
    pooled = {}
    for k in sizes:
        rows = []
        for d in draws_of(k):
            y_true = np.concatenate([tiers[(repos == r) & mask] for r in left_out])
            y_pred = np.concatenate([preds[(r, k, d)] for r in left_out])
            rows.append(_row(y_true, y_pred))
        pooled[str(k)] = {key: spread([r[key] for r in rows]) for key in CURVE_KEYS}
    return {"method": "leave-one-repository-out; train on the other repositories plus k labels of the left-out one "
                      "(drawn at random from its labels outside the scored set, nested, fold seed = draw), score "
                      "the left-out repository's scored labels; thresholds tuned on the training part, no rate "
                      "anchoring",
            "sizes": sizes, "draws": draws, "n_scored": int(mask.sum()), "repos": out_repos, "pooled": pooled}


def learning_curve_markdown(lc: dict) -> list[str]:
    sizes = lc["sizes"]
    params = lc.get("params_changed") or {}
    cheaper = f" Settings changed from the shipped ones for speed: {', '.join(f'{k}={v}' for k, v in sorted(params.items()))}." if params else ""
    lines = ["## Learning curve on an unseen repository", "",
             f"Leave-one-repository-out over the {len(lc['repos'])} labelled repositories: each is left out of "
             f"training in turn; the model is trained on the others plus k labels of it (drawn at random from its "
             f"labels that are not scored, {lc['draws']} draws with fold seeds 0..{lc['draws'] - 1}, nested) and scored on its "
             f"{lc.get('scored_on', 'scored')} labels, the same ones for every k. Tier thresholds tuned inside "
             f"the training part, no rate anchoring; hyper-parameters of this model.{cheaper} Mean ± sd over "
             "draws (k = 0 is one fit).", "",
             "All left-out repositories pooled:", "",
             "| labels of the new repository | macro-F1 | high recall | high precision | flagged high |",
             "|---|---|---|---|---|"]
    for k in sizes:
        m = lc["pooled"][str(k)]
        lines.append(f"| {k} | " + " | ".join(f"{m[key]['mean']:.3f} ± {m[key]['sd']:.3f}" for key in CURVE_KEYS) + " |")
    lines += ["", "Macro-F1 per left-out repository (its scored labels, of them high):", "",
              "| repository | scored (high) | " + " | ".join(f"k = {k}" for k in sizes) + " |",
              "|---|---|" + "---|" * len(sizes)]
    for repo, r in lc["repos"].items():
        cells = [f"{r['by_size'][str(k)]['macro_f1']['mean']:.3f} ± {r['by_size'][str(k)]['macro_f1']['sd']:.3f}"
                 for k in sizes]
        lines.append(f"| {repo} | {r['n_test']} ({r['n_test_high']}) | " + " | ".join(cells) + " |")
    lines += ["", f"![learning curve]({LC_PLOT})", ""]
    if lc.get("command"):
        lines += [f"Measured with `{lc['command']}`.", ""]
    return lines


# -------------------------------------------------------------------------- precision–recall curve


def pr_curve(is_high: Sequence[bool], p_high: Sequence[float], high_threshold: float | None = None,
             points: int = 50) -> dict:
    """Precision and recall of "high if P(high) ≥ t" at ``points`` thresholds: the quantiles of P(high) that
    flag from 1 % to 100 % of the labels (geometric steps, dense where a report would be used), plus the
    point of ``high_threshold``, and the average precision."""
    from sklearn.metrics import average_precision_score

    y = np.asarray(is_high, dtype=bool)
    p = np.asarray(p_high, dtype=float)
    keep = ~np.isnan(p)
    y, p = y[keep], p[keep]
    if not len(y) or not y.any():
        raise InputError("the precision–recall curve needs scored labels with some high ones")

    def at(t: float) -> dict:
        flagged = p >= t
        tp = int(np.sum(flagged & y))
        return {"threshold": round(float(t), 5), "precision": round(tp / max(1, int(flagged.sum())), 4),
                "recall": round(tp / int(y.sum()), 4), "flagged": round(float(flagged.mean()), 4)}

    shares = np.geomspace(0.01, 1.0, points)
    thresholds = sorted({float(np.quantile(p, 1 - s, method="higher")) for s in shares}, reverse=True)
    out = {"n": int(len(y)), "n_high": int(y.sum()), "average_precision": round(float(average_precision_score(y, p)), 4),
           "points": [at(t) for t in thresholds]}
    if high_threshold is not None:
        out["shipped"] = at(high_threshold)
    return out


def pr_curve_markdown(pr: dict) -> list[str]:
    lines = ["## Precision–recall of the high tier", "",
             f"{pr.get('source', 'Out-of-fold P(high)')}: {pr['n']} labels, {pr['n_high']} of them high; average "
             f"precision {pr['average_precision']:.3f}. Each point is `report --high-threshold T` (one threshold "
             "for every repository); the shipped model's thresholds are tuned and then rate-anchored per repository "
             "on newer commits, so on new days they flag about the rates recorded above.", "",
             f"![precision–recall curve of the high tier]({PR_PLOT})", ""]
    if pr.get("shipped"):
        s = pr["shipped"]
        lines += [f"At the shipped default threshold {s['threshold']:.4f}: precision {s['precision']:.3f}, recall "
                  f"{s['recall']:.3f}, {s['flagged']:.1%} of these labels flagged high.", ""]
    table = [pt for pt in pr["points"] if 0.02 <= pt["flagged"] <= 0.5]
    pick = table[:: max(1, len(table) // 10)]
    if pick:
        lines += ["| --high-threshold | precision | recall | flagged high |", "|---|---|---|---|"]
        lines += [f"| {pt['threshold']:.3f} | {pt['precision']:.3f} | {pt['recall']:.3f} | {pt['flagged']:.1%} |"
                  for pt in pick]
        lines.append("")
    return lines


# ----------------------------------------------------------------------------------------- plots


def _pyplot():
    try:
        import matplotlib
    except ImportError:  # pragma: no cover - matplotlib is installed with commitradar today
        raise InputError("plotting the curves needs matplotlib: pip install matplotlib") from None
    matplotlib.use("Agg")
    matplotlib.rcParams["svg.hashsalt"] = "commitradar"  # the same SVG for the same curve
    matplotlib.rcParams["svg.fonttype"] = "none"  # text as text: small, searchable files
    import matplotlib.pyplot as plt

    return plt


def _svg(fig) -> bytes:
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="svg", metadata={"Date": None})
    return buf.getvalue()


def _axes(ax):
    """``(fig, ax)``: a new figure when ``ax`` is None, else no figure of our own."""
    if ax is not None:
        return None, ax
    return _pyplot().subplots(figsize=(5.6, 4.2))


def _finish(ax, fig, title: str, legend: tuple[int, str]):
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=legend[0], loc=legend[1])
    ax.grid(alpha=0.3)
    if fig is not None:
        fig.tight_layout()
    return fig or ax.figure


def plot_pr_curve(pr: dict, ax=None):
    """The curve on ``ax`` (a new figure when None), the shipped threshold marked; returns the figure."""
    fig, ax = _axes(ax)
    pts = sorted(pr["points"], key=lambda pt: pt["recall"])
    ax.plot([pt["recall"] for pt in pts], [pt["precision"] for pt in pts], marker=".", lw=1.2,
            label=f"out-of-fold P(high), AP {pr['average_precision']:.2f}")
    for pt in pr["points"][:: max(1, len(pr["points"]) // 8)]:
        ax.annotate(f"{pt['threshold']:.2f}", (pt["recall"], pt["precision"]), fontsize=6, alpha=0.7,
                    textcoords="offset points", xytext=(3, 3))
    if pr.get("shipped"):
        s = pr["shipped"]
        ax.plot([s["recall"]], [s["precision"]], "o", color="crimson", ms=8,
                label=f"shipped threshold {s['threshold']:.3f}: P {s['precision']:.2f}, R {s['recall']:.2f}")
    ax.axhline(pr["n_high"] / pr["n"], color="grey", ls=":", lw=1, label=f"share of high labels {pr['n_high'] / pr['n']:.2f}")
    ax.set_xlabel("high recall")
    ax.set_ylabel("high precision")
    ax.set_xlim(0, 1.02)
    ax.set_ylim(0, 1.02)
    return _finish(ax, fig, "High tier: precision–recall (labels are thresholds)", legend=(7, "upper right"))


def plot_learning_curve(lc: dict, ax=None):
    fig, ax = _axes(ax)
    sizes = lc["sizes"]
    for key, label in (("macro_f1", "macro-F1"), ("high_recall", "high recall"), ("high_precision", "high precision")):
        mean = np.array([lc["pooled"][str(k)][key]["mean"] for k in sizes])
        sd = np.array([lc["pooled"][str(k)][key]["sd"] for k in sizes])
        ax.errorbar(sizes, mean, yerr=sd, marker="o", capsize=3, label=f"{label} (pooled)")
    for repo, r in lc["repos"].items():
        ax.plot(sizes, [r["by_size"][str(k)]["macro_f1"]["mean"] for k in sizes], ls="--", lw=0.8, alpha=0.6,
                label=f"macro-F1, {repo.split('/')[-1]}")
    ax.set_xticks(sizes)
    ax.set_xlabel("labels of the left-out repository in training")
    ax.set_ylim(0, 1)
    return _finish(ax, fig, "Adapting to an unseen repository (leave-one-repository-out)", legend=(6, "lower right"))


def card_figures(card: dict) -> dict[str, bytes]:
    """The plots a card's sections link to (file name → SVG bytes)."""
    out = {}
    plt = None
    if card.get("pr_curve"):
        fig = plot_pr_curve(card["pr_curve"])
        out[PR_PLOT] = _svg(fig)
        plt = _pyplot()
        plt.close(fig)
    if card.get("learning_curve"):
        fig = plot_learning_curve(card["learning_curve"])
        out[LC_PLOT] = _svg(fig)
        plt = plt or _pyplot()
        plt.close(fig)
    return out


def curves_markdown(card: dict) -> list[str]:
    lines: list[str] = []
    if card.get("pr_curve"):
        lines += pr_curve_markdown(card["pr_curve"])
    if card.get("learning_curve"):
        lines += learning_curve_markdown(card["learning_curve"])
    return lines
