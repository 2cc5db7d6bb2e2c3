"""Measure what a maintainer reads: the default report (no LLM) over real days, checked against issue 13.

Runs the console script, as a user would, once per day over the four labelled repositories of
``../shared/data/commits`` (vllm-ascend, flashinfer, lmdeploy, llm-compressor):

    commitradar -q report --commits <4 files> --date DAY --out <tmp>     (default settings: model, no LLM)

on ``--days`` days of July–August 2026 drawn with ``--seed`` (evenly from each month, days with commits; ``--months``
draws from other months for development, written to report_quality.<months>.json), and
reads every Markdown report and its JSON twin. Printed and written to benchmarks/results/report_quality.json:

- reports with a headline (``### 🧭 今日要点``) among reports with commits — target: all;
- clipped bullets: prose bullets of medium/high entries (summary, impact, risks, suggestions) that end
  mid-sentence (no terminal punctuation and no "…" once closing quotes and brackets are set aside) or whose
  inline Markdown is unbalanced per markdown-it (a backtick, ``*`` or a word-edge ``_`` left as literal text,
  not escaped) — target ≤ 2 %; counted per section too, with a looser reading (``mid_sentence``: ends
  with a comma, colon, semicolon, dash, open bracket or a function word), and with a stricter one
  (``cut_in_source``: a summary bullet quoted from the description that stops where its sentence there goes
  on, without "…" — a full stop added to a cut would pass the first reading, not this one; bullets that are
  not verbatim quotes are not checked, ``cut_in_source_checked`` says how many were);
- bullets repeated in ≥ 3 entries of one report — target 0;
- occurrences of model internals in the Markdown (``P(high)``, strongest features, nearest labeled, feature
  names with values, rule scores) — target 0;
- PR-link coverage of entries whose subject ends in ``(#N)`` — target 100 %;
- Markdown lines per low commit (its table row, its list line, a headline line, anything else naming it) —
  target ≤ 3.

    python benchmarks/report_quality.py [--days 12] [--seed 13] [--keep DIR]
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "commits"
REPOS = ("vllm-ascend", "flashinfer", "lmdeploy", "llm-compressor")
RESULTS = Path(__file__).resolve().parent / "results" / "report_quality.json"
TZ = timezone(timedelta(hours=8))  # the default --tz, Asia/Shanghai (no DST)
TARGETS = {"headline_share": 1.0, "clipped_share": 0.02, "repeated_bullets": 0, "internals": 0,
           "pr_link_coverage": 1.0, "lines_per_low_max": 3}

_MD = MarkdownIt("commonmark").disable("text_join")
TERMINAL = tuple(".!?。！？…")
CLOSERS = "\"'”’)]}」』*_` "
INTERNALS = (
    re.compile(r"P\((?:high|medium|low)\)"),
    re.compile(r"strongest features", re.I),
    re.compile(r"nearest labeled", re.I),
    re.compile(r"\b(?:subject|tag|conv|rule|path|cat):[\w-]+=\S"),
    re.compile(r"\blog_\w+=\S"),
    re.compile(r"\bscore -?\d+ \(high ≥"),
    re.compile(r"\(high at ≥"),
)


# ------------------------------------------------------------------------------ days


def commit_days(path: Path) -> Counter:
    days: Counter = Counter()
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            days[datetime.fromisoformat(rec["committed_at"]).astimezone(TZ).date().isoformat()] += 1
    return days


HELD_OUT_MONTHS = ("2026-07", "2026-08")  # the measurement; develop on other months (--months)


def pick_days(n: int, seed: int, months: tuple[str, ...] = HELD_OUT_MONTHS) -> list[str]:
    total: Counter = Counter()
    for repo in REPOS:
        total.update(commit_days(SHARED / f"{repo}.jsonl.gz"))
    rnd = random.Random(seed)
    out = []
    for i, month in enumerate(months):
        k = n // len(months) + (1 if i < n % len(months) else 0)
        candidates = sorted(d for d, c in total.items() if d.startswith(month) and c >= 3)
        out += rnd.sample(candidates, min(k, len(candidates)))
    return sorted(out)


# ------------------------------------------------------------------------------ reading a report


def inline_tokens(src: str):
    return _MD.parseInline(src)[0].children or []


def plain(src: str) -> str:
    return "".join(t.content for t in inline_tokens(src) if t.type in ("text", "text_special", "code_inline"))


def unbalanced(src: str) -> bool:
    """A backtick, ``*`` or word-edge ``_`` that markdown-it left as literal text although it was not escaped."""
    for tok in inline_tokens(src):
        if tok.type == "text" and ("`" in tok.content or "*" in tok.content
                                   or re.search(r"(?<!\w)_|_(?!\w)", tok.content)):
            return True
    return False


def clipped(src: str) -> bool:
    if unbalanced(src):
        return True
    text = plain(src).rstrip(CLOSERS)
    return not text.endswith(TERMINAL)


_DANGLING = re.compile(r"(?:[,;:(\[{—–-]|\b(?:and|or|but|to|of|the|a|an|with|for|in|on|at|by|from|as|that|which|"
                       r"when|while|into|onto|via|than|because|so|if|is|are|was|were|be|its|their|this|these))$", re.I)


def mid_sentence(src: str) -> bool:
    """The looser reading of "clipped": unbalanced inline Markdown, or text that visibly runs on (ends with a
    comma, colon, semicolon, dash, open bracket or a function word such as "and", "to", "the")."""
    return unbalanced(src) or bool(_DANGLING.search(plain(src).rstrip(CLOSERS)))


def entry_bullets(doc: str) -> list[tuple[str, list[str]]]:
    """(anchor, prose bullets) of every medium/high entry: list items between its heading and its rule."""
    lines = doc.split("\n")
    out, anchor, bullets = [], None, []
    for i, ln in enumerate(lines):
        m = re.fullmatch(r'<a id="([^"]+)"></a>', ln)
        if m and i + 1 < len(lines) and lines[i + 1].startswith("#### "):
            anchor, bullets = m.group(1), []
            continue
        if anchor is None:
            continue
        if ln == "---" or ln.startswith("### "):
            out.append((anchor, bullets))
            anchor = None
            continue
        if ln.startswith("- "):
            bullets.append(ln[2:])
    return out


def section_counts(doc: str) -> dict[str, list[int]]:
    """Per entry section (summary, impact, risks, suggestions): [bullets, clipped]."""
    names = {"📋": "summary", "🎯": "impact", "⚠️": "risks", "💡": "suggestions"}
    out: dict[str, list[int]] = {v: [0, 0] for v in names.values()}
    cur, in_entry = None, False
    for ln in doc.split("\n"):
        if ln.startswith("#### "):
            in_entry = True
        elif ln == "---" or ln.startswith("### "):
            in_entry = False
        m = re.match(r"^\*\*(📋|🎯|⚠️|💡) ", ln)
        if m:
            cur = names[m.group(1)]
        if in_entry and cur and ln.startswith("- "):
            out[cur][0] += 1
            out[cur][1] += clipped(ln[2:])
    return out


def summary_bullets(doc: str) -> dict[str, list[str]]:
    """anchor → the bullets of its 📋 summary section."""
    out: dict[str, list[str]] = {}
    lines = doc.split("\n")
    anchor, cur = None, None
    for i, ln in enumerate(lines):
        m = re.fullmatch(r'<a id="([^"]+)"></a>', ln)
        if m and i + 1 < len(lines) and lines[i + 1].startswith("#### "):
            anchor, cur = m.group(1), None
            continue
        if ln == "---" or ln.startswith("### "):
            anchor = None
        m = re.match(r"^\*\*(📋|🎯|⚠️|💡) ", ln)
        if m:
            cur = m.group(1)
        if anchor and cur == "📋" and ln.startswith("- "):
            out.setdefault(anchor, []).append(ln[2:])
    return out


_MARKUP = re.compile(r"<!--.*?-->|<[^>\n]+>|[`*]|(?<!\w)_|_(?!\w)", re.S)
_BREAK = re.compile(r"\n[ \t]*(?:\n|[-*+][ \t]|\d{1,3}[.)][ \t]|#{1,6}[ \t]|>)")
_QUOTED = re.compile(r"[“\"](.+)[”\"]$")


def _source_text(body: str) -> str:
    """The description as running text: markup dropped, blocks (blank lines, list items, headings) marked ¶."""
    text = body.replace("\r\n", "\n")
    text = _BREAK.sub(" ¶ ", text)
    text = _MARKUP.sub("", text).replace("\\", "")
    return re.sub(r"\s+", " ", text)


def cut_in_source(bullet: str, source: str) -> bool | None:
    """The stricter reading: does this summary bullet stop where its sentence in the description goes on,
    without saying so ("…")? None when the bullet is not a verbatim quote of the description (our own
    sentences, joined items) and cannot be checked."""
    text = plain(bullet).strip()
    m = _QUOTED.search(text)
    if m:
        text = m.group(1)
    if text.endswith("…"):
        return None  # a declared cut
    core = re.sub(r"(?<=\S)[.。]$", "", text).strip()  # the full stop a whole item may have been given
    core = re.sub(r"\s+", " ", core.replace("`", ""))
    if len(core) < 20:
        return None
    i = source.find(core)
    if i < 0:
        return None
    rest = source[i + len(core): i + len(core) + 3].lstrip()
    if not rest or rest[0] in "¶.!?。！？;:,，；：)]}\"'”’…-–—":
        return False
    return bool(re.match(r"[\w\u4e00-\u9fff(`]", rest))


def low_lines(doc: str, low: list[dict]) -> list[int]:
    """Markdown lines that belong to each low commit: any line naming its anchor or SHA, plus lines under
    its list line that are not another entry's (sub-bullets)."""
    lines = doc.split("\n")
    counts = []
    anchors = {e["anchor"] for e in low}
    for e in low:
        mine = [i for i, ln in enumerate(lines) if e["anchor"] in ln or e["commit"]["sha"] in ln]
        n = len(mine)
        start = next((i for i in mine if lines[i].startswith(f'- <a id="{e["anchor"]}"')), None)
        if start is not None:
            for ln in lines[start + 1:]:
                if not ln.startswith("  ") or any(a in ln for a in anchors):
                    break
                n += 1
        counts.append(n)
    return counts


def measure_report(md_path: Path, data: dict) -> dict:
    doc = md_path.read_text(encoding="utf-8")
    entries = data["entries"]
    r: dict = {"repo": data["repo"], "day": data["label"], "entries": len(entries),
               "tiers": data["stats"], "breaking": sum(1 for e in entries if e.get("breaking"))}
    r["has_commits"] = bool(entries)
    r["headline"] = "### 🧭 今日要点" in doc or "### 🧭 Highlights" in doc
    bullets = entry_bullets(doc)
    flat = [b for _, bs in bullets for b in bs]
    r["bullets"] = len(flat)
    r["clipped"] = [b for b in flat if clipped(b)]
    r["mid_sentence"] = [b for b in flat if mid_sentence(b)]
    r["by_section"] = section_counts(doc)
    bodies = {e["anchor"]: _source_text(e["commit"].get("body") or "") for e in entries}
    checked = [(b, cut_in_source(b, bodies.get(a, ""))) for a, bs in summary_bullets(doc).items() for b in bs]
    r["cut_checked"] = sum(1 for _, c in checked if c is not None)
    r["cut_in_source"] = [b for b, c in checked if c]
    seen: dict[str, set] = defaultdict(set)
    for anchor, bs in bullets:
        for b in bs:
            seen[re.sub(r"\s+", " ", plain(b)).strip().lower()].add(anchor)
    r["repeated"] = {text: len(where) for text, where in seen.items() if len(where) >= 3}
    r["internals"] = sum(len(rx.findall(doc)) for rx in INTERNALS)
    eligible = [e for e in entries if re.search(r"\(#(\d+)\)\s*$", e["commit"]["subject"].splitlines()[0] if e["commit"]["subject"] else "")]
    linked = [e for e in eligible if e["pr_url"] and f"]({e['pr_url']})" in doc]
    r["pr_eligible"], r["pr_linked"] = len(eligible), len(linked)
    low = [e for e in entries if e["verdict"]["tier"] == "low"]
    r["low_lines"] = low_lines(doc, low)
    r["md_lines"] = doc.count("\n")
    return r


# ------------------------------------------------------------------------------ main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--days", type=int, default=12)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--keep", metavar="DIR", help="keep the reports in DIR (default: a temp folder, removed)")
    ap.add_argument("--months", default=",".join(HELD_OUT_MONTHS),
                    help="months to draw days from, comma-separated (default: the issue's Jul-Aug 2026). Develop on "
                         "other months and measure on these; a run on other months writes report_quality.<months>.json")
    ap.add_argument("--in-process", action="store_true",
                    help="call the CLI's main() in this process (the model loads once; faster, same reports)")
    args = ap.parse_args()
    exe = shutil.which("commitradar") or str(Path(sys.executable).with_name("commitradar"))
    months = tuple(m.strip() for m in args.months.split(",") if m.strip())
    days = pick_days(args.days, args.seed, months)
    results = RESULTS if months == HELD_OUT_MONTHS else RESULTS.with_name(f"report_quality.{'_'.join(months)}.json")
    files = [str(SHARED / f"{repo}.jsonl.gz") for repo in REPOS]
    tmp = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="commitradar-quality-"))
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    reports, seconds = [], []
    try:
        for day in days:
            out = tmp / day
            cmd = [exe, "-q", "report", *[x for f in files for x in ("--commits", f)], "--date", day, "--out", str(out)]
            t = time.perf_counter()
            if args.in_process:
                from commitradar.cli import main as cli_main

                os.environ.update({"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"})
                rc = cli_main(cmd[1:])
            else:
                proc = subprocess.run(cmd, capture_output=True, env=env)
                rc = proc.returncode
                if rc:
                    print(proc.stderr.decode(errors="replace"), file=sys.stderr)
            seconds.append(time.perf_counter() - t)
            if rc != 0:
                return 1
            for js in sorted(out.rglob("*.json")):
                reports.append(measure_report(js.with_suffix(".md"), json.loads(js.read_text(encoding="utf-8"))))
            print(f"{day}: {sum(1 for r in reports if r['day'] == day)} reports, {seconds[-1]:.1f} s", file=sys.stderr)
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    with_commits = [r for r in reports if r["has_commits"]]
    bullets = sum(r["bullets"] for r in reports)
    clipped_n = sum(len(r["clipped"]) for r in reports)
    repeated = [(r["repo"], r["day"], text, n) for r in reports for text, n in r["repeated"].items()]
    low_counts = [n for r in reports for n in r["low_lines"]]
    eligible = sum(r["pr_eligible"] for r in reports)
    summary = {
        "reports": len(reports),
        "reports_with_commits": len(with_commits),
        "entries": sum(r["entries"] for r in reports),
        "tiers": {t: sum(r["tiers"][t] for r in reports) for t in ("high", "medium", "low")},
        "breaking_detected": sum(r["breaking"] for r in reports),
        "headline_share": round(sum(r["headline"] for r in with_commits) / max(1, len(with_commits)), 4),
        "bullets": bullets,
        "clipped": clipped_n,
        "clipped_share": round(clipped_n / max(1, bullets), 4),
        "clipped_by_section": {name: {"bullets": sum(r["by_section"][name][0] for r in reports),
                                      "clipped": sum(r["by_section"][name][1] for r in reports)}
                               for name in ("summary", "impact", "risks", "suggestions")},
        "mid_sentence": sum(len(r["mid_sentence"]) for r in reports),
        "mid_sentence_share": round(sum(len(r["mid_sentence"]) for r in reports) / max(1, bullets), 4),
        "cut_in_source": sum(len(r["cut_in_source"]) for r in reports),
        "cut_in_source_checked": sum(r["cut_checked"] for r in reports),
        "repeated_bullets": len(repeated),
        "internals": sum(r["internals"] for r in reports),
        "pr_eligible": eligible,
        "pr_linked": sum(r["pr_linked"] for r in reports),
        "pr_link_coverage": round(sum(r["pr_linked"] for r in reports) / max(1, eligible), 4),
        "low_commits": len(low_counts),
        "lines_per_low_mean": round(statistics.mean(low_counts), 3) if low_counts else 0.0,
        "lines_per_low_max": max(low_counts, default=0),
        "markdown_lines": sum(r["md_lines"] for r in reports),
    }
    meets = {
        "headline_share": summary["headline_share"] >= TARGETS["headline_share"],
        "clipped_share": summary["clipped_share"] <= TARGETS["clipped_share"],
        "repeated_bullets": summary["repeated_bullets"] <= TARGETS["repeated_bullets"],
        "internals": summary["internals"] <= TARGETS["internals"],
        "pr_link_coverage": summary["pr_link_coverage"] >= TARGETS["pr_link_coverage"],
        "lines_per_low_max": summary["lines_per_low_max"] <= TARGETS["lines_per_low_max"],
    }
    result = {
        "benchmark": "report quality: `commitradar report --commits` (default settings, no LLM) on real days",
        "command": "commitradar -q report --commits <vllm-ascend, flashinfer, lmdeploy, llm-compressor> --date DAY",
        "days": days,
        "seed": args.seed,
        "months": list(months),
        "mode": "in-process" if args.in_process else "cold process per day",
        "summary": summary,
        "targets": TARGETS,
        "meets": meets,
        "examples": {
            "clipped": [b for r in reports for b in r["clipped"]][:25],
            "mid_sentence": [b for r in reports for b in r["mid_sentence"]][:25],
            "cut_in_source": [b for r in reports for b in r["cut_in_source"]][:25],
            "repeated": [{"repo": a, "day": d, "bullet": t, "entries": n} for a, d, t, n in repeated][:25],
        },
        "per_repo": {repo: {
            "reports": sum(1 for r in reports if r["repo"].endswith("/" + repo) or r["repo"] == repo),
            "bullets": sum(r["bullets"] for r in reports if r["repo"].endswith("/" + repo)),
            "clipped": sum(len(r["clipped"]) for r in reports if r["repo"].endswith("/" + repo)),
            "breaking": sum(r["breaking"] for r in reports if r["repo"].endswith("/" + repo)),
        } for repo in REPOS},
        "seconds_per_day": round(statistics.median(seconds), 2) if seconds else None,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs",
    }
    results.parent.mkdir(parents=True, exist_ok=True)
    results.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(json.dumps({"days": days, "summary": summary, "meets": meets}, indent=2, ensure_ascii=False))
    return 0 if all(meets.values()) else 2


if __name__ == "__main__":
    raise SystemExit(main())
