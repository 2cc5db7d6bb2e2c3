"""The report pipeline: sources → features → classifier → writer → DayReport. No I/O of its own
beyond what the chosen source does; the CLI and tests call these functions."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace

from . import dataset, mining
from .classifier import Classifier, get_classifier
from .config import Config, RepoConfig
from .features import extract
from .features.breaking import diff_paths, names_gone
from .features.paths import mapping_for
from .mining import LocalRepo, Window
from .records import TIERS, Commit, DayReport, Entry
from .writer import Writer, get_writer
from .writer.headline import build_headline

TIER_RANK = {tier: i for i, tier in enumerate(TIERS)}


def git_source(repos: Sequence[LocalRepo], window: Window, branch: str | None = None) -> Iterator[tuple[str, str | None, list[Commit]]]:
    for repo in repos:
        yield repo.name, repo.web_url, mining.mine(repo, window, branch)


def dataset_source(paths: Sequence[str], window: Window) -> Iterator[tuple[str, str | None, list[Commit]]]:
    """Commits of a dataset file inside the window, one group per repository (in file order)."""
    groups: dict[str, list[Commit]] = defaultdict(list)
    for c in dataset.read_commits(*paths):
        groups[c.repo]  # keep every repository, even one with no commit that day
        if window.contains(c.committed_at):
            groups[c.repo].append(c)
    for repo, commits in groups.items():
        remote = next((c.remote_url for c in commits if c.remote_url), None)
        if remote is None and repo.count("/") == 1:
            remote = f"https://github.com/{repo}"  # dataset repos are GitHub owner/name
        yield repo, remote, sorted(commits, key=lambda c: c.committed_at, reverse=True)


def build_report(
    repo: str,
    remote_url: str | None,
    window: Window,
    commits: Iterable[Commit],
    config: Config,
    classifier: Classifier,
    writer: Writer,
) -> DayReport:
    mapping = mapping_for(repo, config.categories)
    commits = list(commits)
    feats = [extract(c, mapping, diff=breaking_diff if c.source_path else None) for c in commits]
    verdicts = classifier.classify(list(zip(commits, feats))) if commits else []
    items = sorted(zip(commits, feats, verdicts),
                   key=lambda x: (TIER_RANK[x[2].tier], -x[0].committed_at.timestamp()))
    result = writer.write(items, config.lang, mapping=mapping) if items else None
    entries = tuple(Entry(c, f, v, p) for (c, f, v), p in zip(items, result.proses if result else []))
    headline = build_headline(items, config.lang)
    if result is not None and result.overview:
        headline = replace(headline, overview=result.overview)
    return DayReport(
        repo=repo,
        remote_url=remote_url,
        start=window.start,
        end=window.end,
        timezone=window.timezone,
        entries=entries,
        classifier=classifier.name,
        writer=writer.name,
        notes=tuple(result.notes) if result else (),
        lang=config.lang,
        usage=result.usage if result else None,
        headline=headline,
    )


def breaking_diff(commit: Commit) -> str | None:
    """The part of a mined commit's diff the breaking-change detector reads (``features.breaking.diff_paths``:
    dependency pins and flag / environment / configuration modules), or None when it touches none of them:
    most commits cost no git call at all. When a flag or environment variable stops being read there, the
    rest of the commit's source is loaded too (a second call, rarely): it may only have moved."""
    paths = diff_paths(commit)
    if not paths:
        return None
    text = "".join(mining.load_diffs(commit, paths).values())
    if text and names_gone(text):
        rest = [p for p in diff_paths(commit, wide=True) if p not in paths]
        text += "".join(mining.load_diffs(commit, rest).values()) if rest else ""
    return text or None


def make_writer(config: Config) -> Writer:
    """The configuration's writer, reading diffs through the miner."""
    return get_writer(config, loader=mining.load_diffs)


def sources(window: Window, repos: Sequence[LocalRepo] = (), commits_files: Sequence[str] = (), branch: str | None = None):
    return dataset_source(commits_files, window) if commits_files else git_source(repos, window, branch)


def run(config: Config, window: Window, repos: Sequence[LocalRepo] = (), commits_files: Sequence[str] = (),
        writer: Writer | None = None) -> Iterator[DayReport]:
    """One DayReport per repository (opened clones, or the repositories of dataset files). The writer is
    the configuration's (with the miner's diff loader) unless one is given."""
    source = sources(window, repos, commits_files, config.branch)
    classifier = get_classifier(config)
    writer = writer or make_writer(config)
    # the clones are opened from config.repos, in order: each report gets its repository's own categories
    own = list(config.repos) if not commits_files and len(config.repos) == len(repos) else []
    for i, (repo, remote, commits) in enumerate(source):
        cfg = config.model_copy(update={"categories": categories_for(config, own[i])}) if own else config
        yield build_report(repo, remote, window, commits, cfg, classifier, writer)


def categories_for(config: Config, rc: RepoConfig) -> dict:
    """``[categories]`` with one repository's own ``[[repos]] categories`` on top (each replaces its
    category's patterns); ``features.paths.mapping_for`` puts the repository's preset beneath both."""
    return {**config.categories, **(rc.categories or {})}
