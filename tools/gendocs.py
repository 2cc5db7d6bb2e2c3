"""Numbers in the docs come from the model card and the benchmark results, never by hand.

A doc marks a generated block with ``<!-- BEGIN generated: NAME -->`` … ``<!-- END generated: NAME -->``;
this script fills each block from ``data/model/model_card.json`` and ``benchmarks/results/*.json``.

    python tools/gendocs.py           # rewrite the blocks in README.md and docs/*.md
    python tools/gendocs.py --check   # exit 1 and name the stale blocks (tests/test_docs.py runs this)
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
CARD = ROOT / "data" / "model" / "model_card.json"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(<!-- BEGIN generated: (?P<name>[\w-]+) -->\n)(?P<body>.*?)(<!-- END generated: (?P=name) -->)", re.S)


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _f(x: float, digits: int = 3) -> str:
    return f"{x:.{digits}f}"


def model_quality() -> str:
    """The shipped model's cross-validated numbers, side by side with the baselines."""
    card = _load(CARD)
    cv = card.get("cv") or {}
    lines = ["| model | macro-F1 | high recall | high precision | Cohen's κ | LLM share |", "|---|---|---|---|---|---|"]
    for name, m in (cv.get("models") or {}).items():
        hp = m.get("high_precision", m.get("per_class", {}).get("high", {}).get("precision", 0.0))
        cells = [_f(m["macro_f1"]), _f(m["high_recall"]), _f(hp), _f(m["kappa"]), _f(m["llm_share"])]
        if name == "model":
            name, cells = "**model** (shipped)", [f"**{c}**" for c in cells]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    spread = (cv.get("spread") or {}).get("model") or {}
    tail = []
    if spread.get("macro_f1"):
        s = spread["macro_f1"]
        tail.append(f"Over {len(s.get('values', []))} fold seeds the model's macro-F1 is {_f(s['mean'])} ± {_f(s['sd'])}"
                    + (f" (high recall {_f(spread['high_recall']['mean'])} ± {_f(spread['high_recall']['sd'])})"
                       if spread.get("high_recall") else "") + ".")
    counts = ", ".join(f"{k} {v}" for k, v in (card.get("tier_counts") or {}).items())
    tail.append(f"{cv.get('folds', '?')}-fold CV grouped by date; trained on {card.get('n_labels', '?')} labels ({counts}); "
                f"scored on {cv.get('n_scored', '?')} expert labels. Source: `data/model/model_card.json`.")
    return "\n".join(lines) + "\n\n" + " ".join(tail) + "\n"


def speed() -> str:
    """One line per benchmark, read from benchmarks/results/."""
    rows = ["| benchmark | result | goal |", "|---|---|---|"]
    rep = _load(RESULTS / "report.json")
    if rep:
        rows.append(f"| `bench_report.py`: {rep['commits']}-commit day, cold process, rules | median {rep['median_s']:.2f} s | "
                    f"≤ {rep['goal_s']:g} s |")
    mod = _load(RESULTS / "model.json")
    if mod:
        rows.append(f"| `bench_model.py`: featurise + embed + classify {mod['warm']['commits']:,} commits | warm "
                    f"{mod['warm']['commits_per_s']:,.0f} commits/s; cold {mod['cold']['commits_per_s']:,.1f} commits/s | "
                    "≥ 200/s warm |")
    trn = _load(RESULTS / "train.json")
    if trn.get("this"):
        rows.append(f"| `bench_train.py`: `train` of the shipped configuration, warm embeddings | "
                    f"{trn['this']['wall_s'] / 60:.1f} min"
                    + (f" (before the estimator rework {trn['baseline']['wall_s'] / 60:.0f} min, same run: "
                       f"{trn['speedup_wall']:.1f}× faster)" if trn.get("baseline") else "") + f" | ≤ {trn.get('goal_s', 300) / 60:g} min |")
    llm = _load(RESULTS / "llm.json")
    if llm.get("summary"):
        r = llm["summary"]
        rows.append(f"| `bench_llm.py`: LLM writer vs every commit, sequential, full diffs | "
                    f"{r['input_token_share'] * 100:.1f} % of the input tokens, {r['wall_time_speedup']:.1f}× less wall time | "
                    "≤ 25 %, ≥ 10× |")
    run = _load(RESULTS / "run.json")
    if run:
        cu = run["catch_up"]
        rows.append(f"| `bench_run.py`: `run` over {cu['repositories']} repositories × {cu['days']} days | model "
                    f"{cu['model']['seconds']:.0f} s ({cu['model']['peak_rss_mib']:.0f} MiB), rules {cu['rules']['seconds']:.1f} s; "
                    f"no-op {run['noop']['model']['median_s']:.1f} s; site over 1,000 reports {run['site']['median_s']:.1f} s | "
                    "no-op ≤ 2 s, site ≤ 10 s |")
    return "\n".join(rows) + "\n"


def report_quality() -> str:
    """What a maintainer reads, measured on real days (report_quality.py) and breaking detection."""
    q = _load(RESULTS / "report_quality.json").get("summary") or {}
    b = (_load(RESULTS / "breaking.json").get("overall")) or {}
    out = []
    if q:
        out.append(f"On {q.get('reports', '?')} reports of {len(_load(RESULTS / 'report_quality.json').get('days', []))} "
                   f"real days (Jul–Aug 2026, four repositories, no LLM): headline in {q.get('headline_share', 0):.0%} of "
                   f"them; {q.get('clipped', 0)} of {q.get('bullets', 0):,} bullets clipped; {q.get('repeated_bullets', 0)} bullets "
                   f"repeated in 3+ entries; {q.get('internals', 0)} model internals in the Markdown; PR links on "
                   f"{q.get('pr_link_coverage', 0):.0%} of entries with (#N); at most {q.get('lines_per_low_max', '?')} lines per "
                   "low commit (`benchmarks/report_quality.py`).")
    if b:
        out.append(f"Breaking-change detection on {b['n']} judged commits (`data/labels/breaking.jsonl`): recall "
                   f"{b['recall']:.2f}, precision {b['precision']:.2f} (`benchmarks/breaking_quality.py`).")
    return "\n".join(out) + "\n"


def model_curves() -> str:
    """The card's curves: the learning curve on an unseen repository and the high tier's precision–recall."""
    card = _load(CARD)
    lc, pr = card.get("learning_curve"), card.get("pr_curve")
    lines = []
    if lc:
        lines += [f"Leave-one-repository-out, {lc['draws']} draws of k labels of the left-out repository "
                  "(mean ± sd, all left-out repositories pooled):", "",
                  "| labels of the new repository | macro-F1 | high recall | high precision | flagged high |",
                  "|---|---|---|---|---|"]
        for k in lc["sizes"]:
            m = lc["pooled"][str(k)]
            lines.append(f"| {k} | " + " | ".join(f"{_f(m[key]['mean'])} ± {_f(m[key]['sd'])}" for key in
                                                  ("macro_f1", "high_recall", "high_precision", "high_share")) + " |")
        lines.append("")
    else:
        lines += ["The learning curve is not measured for the shipped model yet: `commitradar evaluate --help` "
                  "gives the command (`--learning-curve --update-card`).", ""]
    if pr:
        s = pr.get("shipped") or {}
        lines.append(f"High tier precision–recall ({pr['n']} expert labels, average precision "
                     f"{_f(pr['average_precision'])})" + (f": the shipped default threshold {s['threshold']:.4f} has "
                     f"precision {_f(s['precision'])} at recall {_f(s['recall'])}." if s else "."))
    lines.append("Source: `data/model/model_card.json` (plots in `data/model/MODEL_CARD.md`).")
    return "\n".join(lines) + "\n"


GENERATORS = {"model-quality": model_quality, "speed": speed, "report-quality": report_quality,
              "model-curves": model_curves}


def render(text: str) -> str:
    def fill(m: re.Match) -> str:
        name = m.group("name")
        if name not in GENERATORS:
            raise SystemExit(f"unknown generated block {name!r}")
        return m.group(1) + GENERATORS[name]() + m.group(4)

    return BLOCK.sub(fill, text)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="only check; exit 1 naming stale files")
    args = ap.parse_args(argv)
    stale = []
    for doc in DOCS:
        text = doc.read_text(encoding="utf-8")
        new = render(text)
        if new != text:
            stale.append(doc.relative_to(ROOT).as_posix())
            if not args.check:
                doc.write_text(new, encoding="utf-8")
    if stale:
        print(("stale: " if args.check else "updated: ") + ", ".join(stale))
    return 1 if stale and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
