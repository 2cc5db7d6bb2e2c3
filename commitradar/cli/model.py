"""Subcommands around the importance model: ``labels``, ``train``, ``evaluate`` (see :mod:`commitradar.classifier`).

``add_model_commands`` is called by :func:`commitradar.cli.build_parser`. Like every command, each one parses
flags, calls one library function and prints where the output went; user mistakes raise
:class:`~commitradar.errors.CommitradarError` and ``cli.main`` turns them into one ``commitradar: error:`` line.
"""
from __future__ import annotations

import argparse
import sys

from ..records import CHANGE_TYPES, TIERS
from .argtypes import positive_int

EPILOG_LABELS_IMPORT = """\
examples:
  commitradar labels import ../shared/reference/argus-reports/*.md --out data/labels/argus.jsonl
  commitradar labels import report.md > labels.jsonl

Each commit of a report becomes one JSON line {repo, date, sha, tier, change_type, source}. Entries are found
on their **SHA**: lines (or bare commit links in the early flat format); the SHA is the full one when the
commit link gives it. Every row of the report's commit table must have an entry and the per-tier counts must
agree with its 统计摘要 line: each disagreement is printed as 'commitradar: warning: ...' on stderr, and the
import still succeeds (exit 0).
"""


def add_model_commands(sub, formatter) -> None:
    """Registered by the model issue; the report pipeline does not depend on them."""
    labels_sub = _add_labels(sub, formatter)
    _add_labels_suggest_add(labels_sub, formatter)
    _add_train(sub, formatter)
    _add_evaluate(sub, formatter)


# ------------------------------------------------------------------------------------------- labels


def _add_labels(sub, formatter):
    """``labels`` is a group: ``labels import`` here, ``labels suggest`` / ``labels add`` in
    :func:`_add_labels_suggest_add`. Returns the group's subparsers action."""
    p = sub.add_parser("labels", help="import, suggest and record labels (tier + change type per commit)",
                       description="Labels are small facts (sha, repo, date, tier, change type, reason) that "
                       "train and evaluate the importance model.", formatter_class=formatter)
    p.set_defaults(func=lambda args, _p=p: _print_help(_p))
    labels_sub = p.add_subparsers(dest="labels_command", metavar="ACTION", parser_class=type(p))

    q = labels_sub.add_parser("import", help="turn reports of the reference format into labels JSONL",
                              description="Parse daily reports of the reference (argus) format into labels.",
                              epilog=EPILOG_LABELS_IMPORT, formatter_class=formatter)
    q.add_argument("reports", nargs="+", metavar="REPORT.md", help="report files (several allowed)")
    q.add_argument("--out", metavar="FILE", help="labels JSONL to write (default: standard output)")
    q.set_defaults(func=cmd_labels_import)
    return labels_sub


def _print_help(p: argparse.ArgumentParser) -> int:
    p.print_help(sys.stderr)
    return 2


def cmd_labels_import(args) -> int:
    from ..labels import import_reports, write_labels

    labels, warnings = import_reports(args.reports)
    if not getattr(args, "quiet", False):
        for w in warnings:
            print(f"commitradar: warning: {w}", file=sys.stderr)
    n = write_labels(args.out, labels)  # None → stdout
    if args.out:
        print(f"{args.out}: {n} labels from {len(args.reports)} reports ({len(warnings)} warnings)")
    return 0


# ------------------------------------------------------------------------- suggest, add, train, evaluate

EPILOG_LABELS_ADD = """\
examples:
  commitradar labels add 1a2b3c4d --tier medium --type feature --reason "opt-in backend" --commits data.jsonl.gz
  commitradar labels add --from-report out/reports/2026/vllm-project/vllm-ascend/2026-08-12.json \\
      --sha 0c659e9 --tier medium --reason "one GPU family only"

With --from-report the label (source "correction") keeps the report's tier and the commit itself, so
`train --labels ... data/labels/corrections.jsonl` learns from it even when --commits does not hold that
repository. Correcting the same commit again replaces its label.
"""

SHARED = "../shared/data"
EPILOG_TRAIN = f"""\
example (the shipped model):
  commitradar train --labels {SHARED}/labels/expert_train.jsonl data/labels/manual.jsonl \\
      --commits {SHARED}/commits/*.jsonl.gz --tune-on {SHARED}/labels/expert_train.jsonl --repeats 5 \\
      --out data/model

Labels join to commits by full or abbreviated SHA. Writes model.skops (skops format, no pickle),
neighbours.npz, model_card.json and MODEL_CARD.md (data hash, counts, hyper-parameters, cross-validated
metrics grouped by date, library and feature versions, file hashes) into a new folder beside --out, then
swaps it in whole: a failed run leaves the old model as it was. Embeddings are cached (COMMITRADAR_CACHE):
with a warm cache the shipped model trains in about 4 minutes on 2 cores.
Hyper-parameters (--param NAME=VALUE, default in parentheses): high_C (0.03) and low_C (0.3) of the two
heads' regressions, hand_weight (0.5), tree_weight (0.4: the trees' share of each head's vote),
tree_learning_rate (0.05), tree_max_iter (200), tree_max_depth (3), tree_l2_regularization (1.0),
linear_max_iter (5000), calibrate (true), calibration_folds (5), inner_folds (4: date folds whose held-out
scores tune the thresholds), scores_from ("shuffled"; --thresholds-from), min_high_recall (0.7),
max_llm_share (0.65), type_C (1.0), type_hand_weight (1.0), embedding_C (2.0), n_embedding (384),
random_state (0), tiers (["high", "medium", "low"]), embedding ("all-MiniLM-L6-v2": the sentence model;
"all-mpnet-base-v2" is installed apart, see benchmarks/README.md, and sets n_embedding to 768).
--repeats R reruns the CV with R fold seeds and records the spread: on a few hundred labels, which days
share a fold moves macro-F1 by a few hundredths, so compare models by the mean, not by one split.
Rate anchoring (on unless --no-anchor): the thresholds tuned on the labels are then moved so that the
commits in --commits newer than the last label are flagged at the labeled period's rates, because later
commits score higher without being more often high (README, "Forward checks").
"""
EPILOG_EVALUATE = f"""\
examples:
  commitradar evaluate --labels held_out.jsonl --commits {SHARED}/commits/*.jsonl.gz --json eval/result.json
  commitradar evaluate --labels data/labels/manual.jsonl --commits {SHARED}/commits/*.jsonl.gz --cv 5
  commitradar evaluate --labels {SHARED}/labels/expert_train.jsonl data/labels/manual.jsonl \\
      --commits {SHARED}/commits/*.jsonl.gz --after 2026-04-01 --tune-on {SHARED}/labels/expert_train.jsonl

Without --model, --cv and --after it scores the shipped model as it is. --after is the forward check: train
on older labels, score newer ones, the way the model is used. Compared side by side: majority class,
rules:default, rules:argus, embedding-only, model (rules + embedding). Writes JSON, Markdown and a
confusion-matrix PNG (beside the JSON; default evaluation/evaluation.json).

The model card's curves, re-run after the shipped model changes (each rewrites model_card.json, MODEL_CARD.md
and its SVG plot; the model files are untouched):
  commitradar evaluate --labels {SHARED}/labels/expert_train.jsonl data/labels/manual.jsonl \\
      --commits {SHARED}/commits/*.jsonl.gz --tune-on {SHARED}/labels/expert_train.jsonl \\
      --learning-curve --draws 3 --json benchmarks/results/learning_curve.json --update-card data/model
  commitradar evaluate --labels {SHARED}/labels/expert_train.jsonl data/labels/manual.jsonl \\
      --commits {SHARED}/commits/*.jsonl.gz --tune-on {SHARED}/labels/expert_train.jsonl \\
      --cv 5 --repeats 5 --update-card data/model
The first is leave-one-repository-out with 0/10/25/50 labels of the left-out repository (drawn from its
labels outside --tune-on, scored on its --tune-on ones); the second is the high tier's precision-recall curve
from the CV's out-of-fold P(high) (train records it too), each point a `report --high-threshold`.
"""


def _add_labels_suggest_add(labels_sub, formatter) -> None:
    q = labels_sub.add_parser("suggest", help="list the unlabeled commits the model is least sure about",
                              description="Uncertainty sampling: entropy of the calibrated tier probabilities "
                              "plus a bonus for likely-high commits. Label the printed SHAs with `labels add`.",
                              formatter_class=formatter)
    q.add_argument("--n", type=positive_int, default=20, help="how many to list")
    q.add_argument("--commits", nargs="+", required=True, metavar="FILE", help="dataset files to pick from")
    q.add_argument("--labels", nargs="*", default=[], metavar="FILE", help="labels already made (skipped)")
    q.add_argument("--until", metavar="YYYY-MM-DD", help="only commits up to this date")
    q.add_argument("--exclude-repo", action="append", default=[], metavar="OWNER/NAME",
                   help="never suggest this repository (repeatable), e.g. one held out for judging")
    q.add_argument("--model", dest="model_dir", metavar="DIR", help="model folder (default: shipped)")
    q.add_argument("--high-weight", type=float, default=1.0, help="bonus weight of P(high) in the score")
    q.add_argument("--random", type=int, default=0, metavar="K",
                   help="also list K unlabeled commits drawn at random (labels sampled like real days keep "
                   "the tuned thresholds honest)")
    q.add_argument("--seed", type=int, default=0, help="seed of the --random draw")
    q.add_argument("--cache", metavar="DIR", help="cache folder (embeddings)")
    q.set_defaults(func=cmd_labels_suggest)

    q = labels_sub.add_parser("add", help="record a judgment (one label) in a labels file",
                              description="Append one label, made by reading the commit against the rubric "
                              "(../shared/docs/importance-rubric.md). The commit must exist in --commits, or, with "
                              "--from-report, in the report: a maintainer's correction of a report becomes a label "
                              "that carries its commit, so `train` needs no dataset of that repository.",
                              epilog=EPILOG_LABELS_ADD, formatter_class=formatter)
    q.add_argument("sha", nargs="?", help="full or abbreviated SHA (at least 7 hex digits); or --sha")
    q.add_argument("--sha", dest="sha_flag", metavar="SHA", help="the same, as a flag")
    q.add_argument("--from-report", metavar="REPORT.json",
                   help="the JSON twin of a report (beside its .md): correct the tier it gave this commit")
    q.add_argument("--tier", required=True, choices=TIERS)
    q.add_argument("--type", dest="change_type", choices=CHANGE_TYPES,
                   help="change type (required with --commits; default with --from-report: the report's)")
    q.add_argument("--reason", help="one sentence: why this tier (required with --commits)")
    q.add_argument("--commits", nargs="+", metavar="FILE", help="dataset files holding the commit")
    q.add_argument("--to", "--out", dest="to", metavar="FILE",
                   help="labels file to write into (default: data/labels/manual.jsonl, with --from-report "
                   "data/labels/corrections.jsonl)")
    q.add_argument("--annotator", default="commitradar", help="who judged")
    q.add_argument("--replace", action="store_true",
                   help="replace an existing label of this commit (--from-report always replaces, and says so)")
    q.set_defaults(func=cmd_labels_add)


def _add_train(sub, formatter) -> None:
    p = sub.add_parser("train", help="train the importance model from labels", epilog=EPILOG_TRAIN,
                       description="Fit the tier and change-type model (MiniLM embedding + rule features, "
                       "calibrated) on labeled commits; cross-validate it by date; save it with a model card.",
                       formatter_class=formatter)
    p.add_argument("--labels", nargs="+", required=True, metavar="FILE", help="labels JSONL files")
    p.add_argument("--commits", nargs="+", required=True, metavar="FILE", help="dataset files (.jsonl[.gz])")
    p.add_argument("--out", required=True, metavar="DIR", help="model folder to write")
    p.add_argument("--cv", type=int, default=5, metavar="K", help="folds (grouped by date) for the card")
    p.add_argument("--repeats", type=int, default=1, metavar="R",
                   help="run the CV with R fold seeds and record the spread in the card")
    p.add_argument("--min-high-recall", type=float, default=None,
                   help="tier policy: high recall to reach on held-out scores (default: 0.7)")
    p.add_argument("--max-llm-share", type=float, default=None,
                   help="tier policy: most commits sent to the LLM (default: 0.65)")
    _add_param(p)
    _add_jobs(p)
    p.add_argument("--thresholds-from", choices=("forward", "shuffled"), default=None,
                   help="held-out scores the tier thresholds are tuned on: shuffled date folds (default) or "
                   "forward (each date block scored by a model fit on earlier ones, as new commits are)")
    p.add_argument("--tune-on", nargs="+", default=[], metavar="FILE",
                   help="tune tier thresholds and score the CV on these label files only (labels sampled at "
                   "random, like the commits the model will meet); default: all --labels")
    p.add_argument("--anchor", action=argparse.BooleanOptionalAction, default=None,
                   help="rate anchoring (default: on): move the tuned thresholds so that the commits in --commits "
                   "newer than the labels are flagged high and sent to the LLM at the rates the labeled period's "
                   "commits are; needs 100 such commits")
    p.add_argument("--cache", metavar="DIR", help="cache folder (embeddings)")
    p.set_defaults(func=cmd_train)


def _add_evaluate(sub, formatter) -> None:
    p = sub.add_parser("evaluate", help="measure classifiers against labels", epilog=EPILOG_EVALUATE,
                       description="Accuracy, macro-F1, per-class precision/recall/F1, Cohen's kappa, high-tier "
                       "recall and LLM share of every compared classifier.", formatter_class=formatter)
    p.add_argument("--labels", nargs="+", required=True, metavar="FILE", help="labels JSONL files")
    p.add_argument("--commits", nargs="+", required=True, metavar="FILE", help="dataset files (.jsonl[.gz])")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--model", dest="model_dir", metavar="DIR", help="score this trained model (default: shipped)")
    g.add_argument("--cv", type=int, metavar="K", help="instead: retrain every model in K folds grouped by date")
    g.add_argument("--after", metavar="YYYY-MM-DD", type=_iso_date,
                   help="instead: a forward check, every model trained on the labels before this date and "
                   "scored on the labels from it on (as a model meets newer commits)")
    p.add_argument("--repeats", type=int, default=1, metavar="R",
                   help="with --cv: repeat it with R fold seeds and report mean ± sd")
    p.add_argument("--tune-on", nargs="+", default=[], metavar="FILE",
                   help="score (and, when retraining, tune tier thresholds) on these label files only; "
                   "default: all --labels")
    p.add_argument("--thresholds-from", choices=("forward", "shuffled"), default=None,
                   help="when retraining: held-out scores the tier thresholds are tuned on (default: shuffled)")
    _add_param(p, when="with --cv or --after: ")
    _add_jobs(p)
    p.add_argument("--anchor", action=argparse.BooleanOptionalAction, default=None,
                   help="with --after: rate anchoring as in `train` (default: on), the commits from the date on "
                   "being the new ones")
    p.add_argument("--json", default=None, metavar="OUT",
                   help="JSON to write (default: evaluation/evaluation.json; evaluation/learning_curve.json)")
    p.add_argument("--cache", metavar="DIR", help="cache folder (embeddings)")
    g = p.add_argument_group("curves of the model card")
    g.add_argument("--learning-curve", action="store_true",
                   help="instead: leave-one-repository-out with 0/10/25/50 labels of the left-out repository in "
                   "training (drawn from outside --tune-on, scored on its --tune-on labels), with the model's "
                   "hyper-parameters (--model; --param changes them)")
    g.add_argument("--sizes", type=_sizes, default=(0, 10, 25, 50), metavar="K,K,...",
                   help="with --learning-curve: how many labels of the left-out repository (default 0,10,25,50)")
    g.add_argument("--draws", type=positive_int, default=3, metavar="D",
                   help="with --learning-curve: random draws of those labels (fold seeds 0..D-1; default 3)")
    g.add_argument("--update-card", nargs="?", const="", default=None, metavar="DIR",
                   help="write the result into the card of this model folder (default: the shipped model): with "
                   "--learning-curve its learning curve, with --cv its high tier's precision–recall curve (the CV "
                   "then retrains with the card's hyper-parameters); MODEL_CARD.md and the plots are rewritten")
    p.set_defaults(func=cmd_evaluate)


def _sizes(text: str) -> tuple[int, ...]:
    """argparse type for 0,10,25,50."""
    import argparse

    try:
        sizes = tuple(int(x) for x in text.split(",") if x.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list of whole numbers like 0,10,25,50") from None
    if not sizes or min(sizes) < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: give sizes of 0 or more, like 0,10,25,50")
    return sizes


def _config(args):
    from .settings import config_from_args

    return config_from_args(args)


def cmd_labels_suggest(args) -> int:
    from ..classifier.suggest import suggest
    from ..errors import InputError
    from ..labels import read_labels
    from ..markdown import clean

    if args.n < 0 or args.random < 0:
        raise InputError("--n and --random take 0 or more")
    config = _config(args)
    done = {lab.sha for path in args.labels for lab in read_labels(path)}
    rows = suggest(config.model_dir, args.commits, done, args.n, args.until, args.exclude_repo, config.cache(),
                   args.high_weight, random=args.random, seed=args.seed)
    print("sha\trepo\tdate\tP(high)\tP(medium)\tP(low)\tpicked\tsubject")
    for r in rows:
        print(f"{r.sha[:12]}\t{r.repo}\t{r.date}\t{r.p_high:.2f}\t{r.p_medium:.2f}\t{r.p_low:.2f}\t{r.picked}\t"
              f"{clean(r.subject)[:100]}")
    return 0


def cmd_labels_add(args) -> int:
    from pathlib import Path

    from ..dataset import read_commits
    from ..errors import InputError
    from ..labels import Label, read_labels, write_labels

    if args.sha and args.sha_flag and args.sha != args.sha_flag:
        raise InputError(f"two SHAs given ({args.sha} and --sha {args.sha_flag}): give one")
    sha = args.sha or args.sha_flag
    if not sha:
        raise InputError("give the commit's SHA (labels add SHA, or --sha SHA)")
    if args.from_report:
        return _labels_add_from_report(args, sha)
    missing = [flag for flag, value in (("--type", args.change_type), ("--reason", args.reason),
                                        ("--commits", args.commits)) if not value]
    if missing:
        raise InputError(f"labels add without --from-report needs {', '.join(missing)}")
    commits = read_commits(*args.commits)
    matches = [c for c in commits if c.sha.startswith(sha.lower())]
    if not matches:
        raise InputError(f"no commit {sha} in {', '.join(args.commits)}")
    if len({c.sha for c in matches}) > 1:
        raise InputError(f"{sha} is ambiguous: " + ", ".join(sorted({c.sha[:12] for c in matches})))
    c = matches[0]
    label = Label(sha=c.sha, repo=c.repo, date=c.committed_at.date().isoformat(), tier=args.tier,
                  change_type=args.change_type, source="manual", reason=args.reason, annotator=args.annotator)
    path = Path(args.to or "data/labels/manual.jsonl")
    existing = read_labels(path) if path.is_file() else []
    if any(lab.sha == c.sha for lab in existing):
        if not args.replace:
            raise InputError(f"{c.sha[:12]} is already labeled in {path} (use --replace)")
        existing = [lab for lab in existing if lab.sha != c.sha]
    write_labels(path, sorted(existing + [label], key=lambda lab: (lab.date, lab.sha)))
    print(f"{path}: {c.sha[:12]} {c.repo} {label.date} → {args.tier} / {args.change_type}")
    return 0


def _labels_add_from_report(args, sha: str) -> int:
    from pathlib import Path

    from ..errors import InputError
    from ..labels import correction_label, record_label
    from ..markdown import clean

    if args.commits:
        raise InputError("--from-report reads the commit from the report: leave out --commits")
    label = correction_label(args.from_report, sha, args.tier, args.change_type, args.reason, args.annotator)
    path = Path(args.to or "data/labels/corrections.jsonl")
    replaced = record_label(path, label)
    was = label.extra["report"]["tier"]
    what = (f"replaced its label ({replaced.tier} / {replaced.change_type})" if replaced is not None
            else "added")
    print(f"{path}: {what}: {label.sha[:12]} {label.repo} {label.date} → {label.tier} / {label.change_type} "
          f"(the report said {was}; {clean(label.reason or '')[:80]})")
    return 0


def _add_jobs(p) -> None:
    p.add_argument("--jobs", type=int, default=None, metavar="N",
                   help="cross-validation folds trained at once (default: one per CPU core)")


def _jobs(jobs: int | None) -> int:
    """--jobs, or one job per CPU core this process may use."""
    import os

    from ..errors import InputError

    if jobs is not None and jobs < 1:
        raise InputError(f"--jobs {jobs}: give 1 or more")
    if jobs:
        return jobs
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _add_param(p, when: str = "") -> None:
    p.add_argument("--param", action="append", default=[], type=_param, metavar="NAME=VALUE",
                   help=f"{when}a hyper-parameter of the model (repeatable; VALUE in JSON), e.g. --param "
                   "tree_max_iter=50 --param high_C=0.05; the names are listed below `train --help`")


def _param(text: str) -> tuple[str, object]:
    """argparse type for NAME=VALUE; VALUE is read as JSON (5, 0.1, true, null) or else taken as text."""
    import argparse
    import json

    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not NAME=VALUE")
    try:
        value = json.loads(raw)
    except ValueError:
        value = raw
    return name.strip(), value


def estimator_params(params: list[tuple[str, object]], min_high_recall: float | None = None,
                     max_llm_share: float | None = None, thresholds_from: str | None = None) -> dict:
    """The model's hyper-parameters asked for by flags (--param and the tier-policy flags), checked: an
    unknown name or a value out of range is a one-line error before any work. Omitted ones keep
    ImportanceModel's defaults."""
    from ..classifier.estimator import params_problems
    from ..errors import InputError

    given = dict(params)
    for name, value in (("min_high_recall", min_high_recall), ("max_llm_share", max_llm_share),
                        ("scores_from", thresholds_from)):
        if value is not None:
            given[name] = value
    problems = params_problems(given)
    if problems:
        raise InputError(f"--param {problems[0]}")
    if "embedding" in given and "n_embedding" not in given:  # one flag picks the sentence model and its width
        from ..features.embedding import embedding_dim

        given["n_embedding"] = embedding_dim(given["embedding"])
    return given


def cmd_train(args) -> int:
    from pathlib import Path

    from ..classifier.anchoring import anchor_line
    from ..classifier.estimator import ImportanceModel
    from ..classifier.persist import check_out_dir
    from ..classifier.training import train

    _check_folds_flags(args.cv, args.repeats)
    jobs = _jobs(args.jobs)
    params = estimator_params(args.param, args.min_high_recall, args.max_llm_share, args.thresholds_from)
    check_out_dir(Path(args.out))
    config = _config(args)
    card = train(args.labels, args.commits, Path(args.out), config.cache(), folds=args.cv, repeats=args.repeats,
                 tune_on=args.tune_on, progress=not args.quiet, estimator=ImportanceModel(**params),
                 anchor=args.anchor is not False, n_jobs=jobs)
    m = card["cv"]["models"]["model"]
    print(f"{args.out}: {card['n_labels']} labels ({', '.join(f'{k} {v}' for k, v in card['tier_counts'].items())}); "
          f"{args.cv}-fold CV by date: macro-F1 {m['macro_f1']:.3f}, high recall {m['high_recall']:.3f}, "
          f"LLM share {m['llm_share']:.3f}")
    print(f"tier thresholds: high ≥ {card['policy']['high_threshold']:.4f}, medium ≥ "
          f"{card['policy']['medium_threshold']:.4f}; {anchor_line(card['anchor'])}")
    return 0


def _iso_date(text: str) -> str:
    """argparse type for YYYY-MM-DD: a bad date is a usage error (exit 2), not a traceback."""
    import argparse
    from datetime import date

    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date (YYYY-MM-DD)") from None


def _check_folds_flags(cv: int | None, repeats: int) -> None:
    from ..errors import InputError

    if cv is not None and cv < 2:
        raise InputError(f"--cv {cv}: give 2 or more folds")
    if repeats < 1:
        raise InputError(f"--repeats {repeats}: give 1 or more fold seeds")


def cmd_evaluate(args) -> int:
    from pathlib import Path

    from ..classifier.anchoring import anchor_line
    from ..classifier.estimator import ImportanceModel
    from ..classifier.evaluation import evaluate, write_evaluation
    from ..classifier.metrics import comparison_markdown
    from ..errors import InputError

    _check_folds_flags(args.cv, args.repeats)
    if args.learning_curve:
        return _evaluate_learning_curve(args)
    if args.update_card is not None and not args.cv:
        raise InputError("--update-card needs --learning-curve or --cv K (the precision–recall curve comes from a CV)")
    args.json = args.json or "evaluation/evaluation.json"
    if args.repeats > 1 and not args.cv:
        raise InputError("--repeats needs --cv K: a trained model scored as it is has nothing to repeat")
    if args.anchor is not None and not args.after:
        raise InputError("--anchor/--no-anchor needs --after DATE: only a forward check has newer commits to anchor on")
    retrain = bool(args.cv or args.after)
    if (args.param or args.thresholds_from) and not retrain:
        raise InputError("--param and --thresholds-from need --cv K or --after DATE: a trained model is scored as it is")
    if Path(args.json).is_dir():
        raise InputError(f"--json {args.json} is a folder: give the JSON file to write")
    params = estimator_params(args.param, thresholds_from=args.thresholds_from)
    jobs = _jobs(args.jobs)
    config = _config(args)
    estimator, high_threshold, card_dir = ImportanceModel(**params), None, None
    if args.update_card is not None:  # the card's model, retrained in the CV: its hyper-parameters
        from ..classifier.evaluation import card_estimator

        card_dir = Path(args.update_card) if args.update_card else config.model_dir
        estimator, card, _ = card_estimator(card_dir, params)
        high_threshold = card["policy"]["high_threshold"]
    result = evaluate(args.labels, args.commits, None if retrain else config.model_dir, config.cache(),
                      folds=args.cv, progress=not args.quiet, repeats=args.repeats, after=args.after,
                      tune_on=args.tune_on, estimator=estimator, anchor=args.anchor is not False,
                      n_jobs=jobs, high_threshold=high_threshold)
    print(comparison_markdown(result, f"evaluation ({result['mode']}, {result['n']} labeled commits)"))
    if "anchor" in result:
        print(anchor_line(result["anchor"]))
    for path in write_evaluation(result, Path(args.json)):
        print(path)
    if card_dir is not None:
        from ..classifier.persist import update_card

        for path in update_card(card_dir, pr_curve=result["pr_curve"]):
            print(path)
    return 0


def _evaluate_learning_curve(args) -> int:
    import json
    import shlex
    from pathlib import Path

    from ..classifier.curves import learning_curve_markdown
    from ..classifier.evaluation import evaluate_learning_curve
    from ..classifier.persist import update_card
    from ..errors import InputError
    from ..fileio import atomic_write

    if args.cv or args.after or args.anchor is not None or args.thresholds_from:
        raise InputError("--learning-curve is its own evaluation: leave out --cv, --after, --anchor and --thresholds-from")
    out = Path(args.json or "evaluation/learning_curve.json")
    if out.is_dir():
        raise InputError(f"--json {out} is a folder: give the JSON file to write")
    config = _config(args)
    model_dir = Path(args.update_card) if args.update_card else config.model_dir
    lc = evaluate_learning_curve(args.labels, args.commits, model_dir, config.cache(), tune_on=args.tune_on,
                                 overrides=dict(estimator_params(args.param)), sizes=args.sizes, draws=args.draws,
                                 progress=not args.quiet, n_jobs=_jobs(args.jobs))
    lc["command"] = shlex.join(["commitradar", *sys.argv[1:]])
    print("\n".join(learning_curve_markdown(lc)))
    atomic_write(out, (json.dumps(lc, indent=2) + "\n").encode())
    print(out)
    if args.update_card is not None:
        for path in update_card(model_dir, learning_curve=lc):
            print(path)
    return 0
