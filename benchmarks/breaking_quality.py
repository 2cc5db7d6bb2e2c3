"""Quality of breaking-change detection against hand judgments of real commits.

Reads data/labels/breaking.jsonl (sha, repo, breaking kind or null, reason, sampling) and the commits of
../shared/data/commits/, runs ``features.extract`` with each repository's path mapping (no diff: the
dataset has none), and prints recall and precision overall, per labelled kind, per sampling (keyword /
random) and per repository, plus how often the detected kind matches the judged one. Results:
benchmarks/results/breaking.json.

With ``--clone owner/name=PATH`` (a clone or bare mirror holding the commits; repeatable) the commits of
those repositories are read the way a report on a clone reads them: ``pipeline.breaking_diff`` loads the
diff of the files that can carry flags, environment variables, defaults or pins, and the detector reads it
too. Those runs go to benchmarks/results/breaking.diff.json and cover only the cloned repositories.

    python benchmarks/breaking_quality.py [--errors] [--clone owner/name=PATH ...]
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from commitradar.dataset import read_commits  # noqa: E402
from commitradar.features import extract  # noqa: E402
from commitradar.features.paths import mapping_for  # noqa: E402
from commitradar.fileio import read_jsonl  # noqa: E402
from commitradar.pipeline import breaking_diff  # noqa: E402
from commitradar.records import BREAKING_KINDS  # noqa: E402

LABELS = ROOT / "data" / "labels" / "breaking.jsonl"
COMMITS = ROOT.parent / "shared" / "data" / "commits"
RESULTS = ROOT / "benchmarks" / "results" / "breaking.json"
TARGET = {"recall": 0.80, "precision": 0.75}


def scores(pairs: list[tuple[str | None, str | None]]) -> dict:
    tp = sum(1 for gold, got in pairs if gold and got)
    fn = sum(1 for gold, got in pairs if gold and not got)
    fp = sum(1 for gold, got in pairs if not gold and got)
    kind_ok = sum(1 for gold, got in pairs if gold and got and gold == got)
    return {"n": len(pairs), "breaking": tp + fn, "detected": tp + fp, "tp": tp, "fp": fp, "fn": fn,
            "recall": round(tp / (tp + fn), 3) if tp + fn else None,
            "precision": round(tp / (tp + fp), 3) if tp + fp else None,
            "kind_agreement": round(kind_ok / tp, 3) if tp else None}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list every miss and false alarm")
    ap.add_argument("--clone", action="append", default=[], metavar="REPO=PATH",
                    help="read diffs of REPO's commits from the clone at PATH (results: breaking.diff.json)")
    args = ap.parse_args(argv)
    clones = dict(spec.split("=", 1) for spec in args.clone)
    results = RESULTS.with_name("breaking.diff.json") if clones else RESULTS
    labels = [r for _, r in read_jsonl(LABELS, "labels file")]
    if clones:
        labels = [r for r in labels if r["repo"] in clones]
    wanted = {r["sha"] for r in labels}
    commits = {c.sha: c for c in read_commits(*sorted(str(p) for p in COMMITS.glob("*.jsonl.gz"))) if c.sha in wanted}
    missing = sorted(wanted - set(commits))
    if missing:
        print(f"breaking_quality: {len(missing)} labelled commits not in the dataset: {missing[:3]}", file=sys.stderr)
        return 1
    started = time.perf_counter()
    if clones:
        commits = {sha: dataclasses.replace(c, source_path=clones[c.repo]) for sha, c in commits.items()}
    found = {sha: extract(c, mapping_for(c.repo), diff=breaking_diff if c.source_path else None).breaking
             for sha, c in commits.items()}
    elapsed = time.perf_counter() - started
    pairs = [(r["breaking"], found[r["sha"]].kind if found[r["sha"]] else None) for r in labels]
    groups: dict[str, dict[str, list]] = {"sampling": defaultdict(list), "repo": defaultdict(list)}
    for r, pair in zip(labels, pairs):
        groups["sampling"][r["sampling"]].append(pair)
        groups["repo"][r["repo"]].append(pair)
    per_kind = {}
    for kind in BREAKING_KINDS:
        gold = [p for p in pairs if p[0] == kind]
        got = [p for p in pairs if p[1] == kind]
        per_kind[kind] = {"labelled": len(gold), "recall": round(sum(1 for p in gold if p[1]) / len(gold), 3) if gold else None,
                          "detected_as": len(got),
                          "precision": round(sum(1 for p in got if p[0]) / len(got), 3) if got else None}
    result = {
        "labels": str(LABELS.relative_to(ROOT)), "diffs_from": sorted(clones), "overall": scores(pairs), "target": TARGET, "per_kind": per_kind,
        "by_sampling": {k: scores(v) for k, v in sorted(groups["sampling"].items())},
        "by_repo": {k: scores(v) for k, v in sorted(groups["repo"].items())},
        "confusion": {f"{g or 'none'} -> {d or 'none'}": n for (g, d), n in sorted(Counter(pairs).items(),
                                                                                   key=lambda kv: (str(kv[0][0]), str(kv[0][1])))},
        "extract_ms_per_commit": round(elapsed / max(1, len(found)) * 1000, 3),
        "python": platform.python_version(),
    }
    if clones:  # the same commits read from their text only, for a side-by-side comparison
        text = [(r["breaking"], b.kind if (b := extract(commits[r["sha"]], mapping_for(r["repo"])).breaking) else None)
                for r in labels]
        by_sampling: dict[str, list] = defaultdict(list)
        for r, pair in zip(labels, text):
            by_sampling[r["sampling"]].append(pair)
        result["text_only"] = {"overall": scores(text), "by_sampling": {k: scores(v) for k, v in sorted(by_sampling.items())}}
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    o = result["overall"]
    print(f"breaking changes: recall {o['recall']} precision {o['precision']} "
          f"({o['tp']} found, {o['fn']} missed, {o['fp']} false alarms; {o['breaking']} breaking of {o['n']}); "
          f"kind agreement {o['kind_agreement']}")
    for name, s in result["by_sampling"].items():
        t = result["text_only"]["by_sampling"][name] if clones else None
        beside = f"  [text only: recall {t['recall']} precision {t['precision']}]" if t else ""
        print(f"  {name:>8}: recall {s['recall']} precision {s['precision']} (n={s['n']}, breaking {s['breaking']}){beside}")
    for kind, s in per_kind.items():
        print(f"  {kind:>16}: labelled {s['labelled']:3d} recall {s['recall']}  detected {s['detected_as']:3d} precision {s['precision']}")
    print(f"  extract(): {result['extract_ms_per_commit']} ms per commit; results in {results.relative_to(ROOT)}")
    if args.errors:
        by_sha = {r["sha"]: r for r in labels}
        for sha, b in sorted(found.items(), key=lambda kv: by_sha[kv[0]]["repo"]):
            gold = by_sha[sha]["breaking"]
            if bool(gold) != bool(b):
                what = f"MISS {gold}" if gold else f"FALSE {b.kind} [{b.source}] {b.evidence[:110]!r}"
                print(f"{sha[:10]} {what} | {commits[sha].subject[:90]} | {by_sha[sha]['reason']}")
    ok = o["recall"] is not None and o["recall"] >= TARGET["recall"] and (o["precision"] or 0) >= TARGET["precision"]
    return 0 if ok else 0


if __name__ == "__main__":
    raise SystemExit(main())
