"""Mining: a day of first-parent commits from a local clone or a mirrored URL, with pydriller.

Day boundaries use the **commit date** (when the commit landed on the branch) in the chosen time zone:
a PR authored last week and merged today belongs to today's report, and the window never moves when
authors' clocks are wrong. ``--tz`` picks the zone (IANA name), default ``Asia/Shanghai``.
"""
from __future__ import annotations

import hashlib
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InputError
from .records import Commit, FileChange

MAX_BODY_CHARS = 2000  # as in the dataset format


@dataclass(frozen=True)
class Window:
    start: datetime  # inclusive, aware
    end: datetime  # exclusive, aware
    timezone: str

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


@dataclass(frozen=True)
class LocalRepo:
    path: Path
    name: str  # "owner/name" when a remote tells it, else the folder name
    web_url: str | None  # https://github.com/owner/name, when the host is GitHub or GitLab


# ------------------------------------------------------------------------------------------ time


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, IsADirectoryError):
        raise InputError(f"unknown time zone {name!r} (use an IANA name such as Asia/Shanghai or UTC)") from None


def parse_day(text: str, flag: str = "--date") -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InputError(f"{flag} {text!r} is not a date (expected YYYY-MM-DD)") from None


def resolve_window(
    day: str | None = None,
    since: str | None = None,
    until: str | None = None,
    tz: str = "Asia/Shanghai",
    now: datetime | None = None,
) -> Window:
    """``--date D`` or ``--since D --until D`` (both inclusive) in zone ``tz``; default: yesterday there."""
    zone = parse_zone(tz)
    today = (now or datetime.now(zone)).astimezone(zone).date()
    if day and (since or until):
        raise InputError("use either --date or --since/--until, not both")
    if day:
        first = last = parse_day(day)
    elif since or until:
        first = parse_day(since, "--since") if since else None
        last = parse_day(until, "--until") if until else today
        first = first or last
    else:
        first = last = today - timedelta(days=1)
    if first > last:
        raise InputError(f"--since {first} is after --until {last}")
    if first > today:
        raise InputError(f"{first} is in the future in {tz} (today there is {today})")
    start = datetime.combine(first, time(0), zone)
    end = datetime.combine(last + timedelta(days=1), time(0), zone)  # calendar midnight: DST-safe
    return Window(start, end, tz)


# ------------------------------------------------------------------------------------------ repos

_REMOTE = re.compile(r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)[:/](?P<path>.+?)(?:\.git)?/?$")


def parse_remote(url: str) -> tuple[str | None, str | None]:
    """``(owner/name, web_url)`` from a clone URL; web_url only for GitHub/GitLab hosts."""
    if url.startswith("file://") or url.startswith("/"):
        parts = Path(url.removeprefix("file://")).with_suffix("").parts
        return ("/".join(parts[-2:]) if len(parts) >= 2 else None), None
    m = _REMOTE.match(url.strip())
    if not m:
        return None, None
    host, path = m.group("host").lower(), m.group("path").strip("/")
    name = "/".join(path.split("/")[-2:]) if "/" in path else path
    web = f"https://{host}/{path}" if host == "github.com" or host.startswith("gitlab.") or host == "gitlab.com" else None
    return name, web


def commit_url(web_url: str | None, sha: str) -> str | None:
    if not web_url:
        return None
    if "gitlab" in web_url.split("/")[2]:
        return f"{web_url}/-/commit/{sha}"
    return f"{web_url}/commit/{sha}"


def _git(path: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", "-C", str(path), *args], capture_output=True)
    if check and proc.returncode != 0:
        msg = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git {' '.join(args[:2])} failed in {path}: {msg[-1] if msg else proc.returncode}")
    return proc.stdout.decode("utf-8", "replace")


def is_url(spec: str) -> bool:
    return bool(re.match(r"^[a-z+]+://", spec)) or bool(re.match(r"^[\w.-]+@[\w.-]+:", spec))


def mirror(url: str, cache_dir: Path) -> Path:
    """Clone ``url`` once into the cache (bare mirror), fetch incrementally on later calls."""
    name, _ = parse_remote(url)
    slug = re.sub(r"[^\w.-]+", "_", name or "repo")
    dest = cache_dir / "repos" / f"{slug}-{hashlib.sha1(url.encode()).hexdigest()[:8]}.git"
    if (dest / "HEAD").exists():
        proc = subprocess.run(["git", "-C", str(dest), "remote", "update", "--prune"], capture_output=True)
        action = "fetch"
    else:
        dest.parent.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(["git", "clone", "--mirror", "--quiet", url, str(dest)], capture_output=True)
        action = "clone"
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"cannot {action} {url}: {err[-1] if err else 'git failed'}")
    return dest


def open_repo(spec: str, cache_dir: Path) -> LocalRepo:
    """A local path (any folder inside a work tree) or a URL (mirrored into ``cache_dir``)."""
    if is_url(spec):
        path = mirror(spec, cache_dir)
        name, web = parse_remote(spec)
        return LocalRepo(path, name or path.stem, web)
    path = Path(spec).expanduser()
    if not path.exists():
        raise InputError(f"repository path not found: {spec}")
    proc = subprocess.run(["git", "-C", str(path), "rev-parse", "--git-dir"], capture_output=True)
    if proc.returncode != 0:
        raise InputError(f"not a git repository: {spec}")
    top = _git(path, "rev-parse", "--show-toplevel", check=False).strip()
    root = Path(top) if top else path.resolve()
    origin = _git(root, "config", "--get", "remote.origin.url", check=False).strip()
    name, web = parse_remote(origin) if origin else (None, None)
    return LocalRepo(root, name or root.resolve().name.removesuffix(".git"), web)


def default_branch(path: Path) -> str:
    ref = _git(path, "symbolic-ref", "--quiet", "refs/remotes/origin/HEAD", check=False).strip()
    if ref:
        return ref.removeprefix("refs/remotes/")
    head = _git(path, "symbolic-ref", "--quiet", "--short", "HEAD", check=False).strip()
    return head or "HEAD"


# ------------------------------------------------------------------------------------------ commits


def parse_numstat(out: str) -> list[FileChange]:
    """``git diff-tree -r -z --numstat`` → files; binary files get ``None`` counts, renames the new path."""
    files: list[FileChange] = []
    tokens = out.split("\0")
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not tok.strip():
            i += 1
            continue
        added, deleted, path = tok.lstrip("\n").split("\t", 2)
        if path == "":  # rename/copy: old and new paths follow as separate tokens
            path = tokens[i + 2]
            i += 3
        else:
            i += 1
        binary = added == "-"
        files.append(FileChange(path, None if binary else int(added), None if binary else int(deleted)))
    return files


def first_parent_shas(path: Path, branch: str, window: Window) -> list[str]:
    """SHAs on the first-parent line of ``branch`` whose commit date falls in the window, newest first."""
    if _git(path, "rev-parse", "--verify", "--quiet", f"{branch}^{{commit}}", check=False).strip() == "":
        raise InputError(f"unknown branch {branch!r} in {path}")
    # --since-as-filter walks the whole first-parent line, so out-of-order commit dates are not missed.
    out = _git(
        path, "rev-list", "--first-parent", "--format=%H %ct",
        f"--since-as-filter={int(window.start.timestamp()) - 1}", branch,
    )
    shas = []
    for line in out.splitlines():
        if line.startswith("commit "):
            continue
        sha, ts = line.split()
        if window.start.timestamp() <= int(ts) < window.end.timestamp():
            shas.append(sha)
    return shas


def read_idents(path: Path, shas: Sequence[str]) -> dict[str, tuple[str, str, str]]:
    """sha → (author name, author email, message), re-encoded to UTF-8 by git itself.

    git honours each commit's ``encoding`` header (e.g. Latin-1 commits made with
    ``i18n.commitEncoding``); bytes that are still not UTF-8 (no header) become U+FFFD, never an error.
    """
    proc = subprocess.run(
        ["git", "-C", str(path), "log", "-z", "--no-walk=unsorted", "--stdin", "--encoding=UTF-8",
         "--format=%H%n%an%n%ae%n%B"],
        input="\n".join(shas).encode() + b"\n", capture_output=True,
    )
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        raise InputError(f"git log failed in {path}: {err[-1] if err else proc.returncode}")
    out: dict[str, tuple[str, str, str]] = {}
    for record in proc.stdout.split(b"\0"):
        if not record.strip():
            continue
        sha, name, email, msg = (record.lstrip(b"\n").split(b"\n", 3) + [b"", b"", b""])[:4]
        out[sha.decode("ascii")] = tuple(x.decode("utf-8", "replace") for x in (name, email, msg))
    return out


def _to_commit(repo: LocalRepo, pd_commit, files: list[FileChange], ident: tuple[str, str, str] | None = None) -> Commit:
    name, email, msg = ident or (pd_commit.author.name or "", pd_commit.author.email or "", pd_commit.msg)
    msg = msg.replace("\r\n", "\n").strip()
    subject, _, body = msg.partition("\n")
    return Commit(
        repo=repo.name,
        sha=pd_commit.hash,
        author=name,
        author_email_domain=email.rsplit("@", 1)[-1] if "@" in email else "",
        authored_at=pd_commit.author_date,
        committed_at=pd_commit.committer_date,
        parents=tuple(pd_commit.parents),
        subject=subject.strip(),
        body=body.strip()[:MAX_BODY_CHARS],
        files=tuple(files),
        remote_url=repo.web_url,
        source_path=str(repo.path),
    )


def mine(repo: LocalRepo, window: Window, branch: str | None = None) -> list[Commit]:
    """The window's first-parent commits, newest first. A merge is one commit; its files are the diff
    against the first parent (what landed on the branch)."""
    from pydriller import Git

    branch = branch or default_branch(repo.path)
    shas = first_parent_shas(repo.path, branch, window)
    if not shas:
        return []
    idents = read_idents(repo.path, shas)
    git = Git(str(repo.path))
    try:
        from .progress import progress

        commits = []
        for sha in progress(shas, desc=f"mining {repo.name}"):
            c = git.get_commit(sha)
            parent = c.parents[0] if c.parents else "--root"
            numstat = _git(repo.path, "diff-tree", "-r", "-z", "--numstat", "-M", "--no-commit-id", parent, sha)
            commits.append(_to_commit(repo, c, parse_numstat(numstat), idents.get(sha)))
        return commits
    finally:
        git.clear()


def load_diffs(commit: Commit, paths: Sequence[str]) -> dict[str, str]:
    """Unified diffs of some of a commit's files against its first parent (empty when no clone is known)."""
    if not commit.source_path or not paths:
        return {}
    parent = commit.parents[0] if commit.parents else "--root"
    out = _git(Path(commit.source_path), "diff-tree", "-p", "-M", "--no-color", "--no-commit-id", parent,
               commit.sha, "--", *paths, check=False)
    diffs: dict[str, str] = {}
    for block in re.split(r"(?m)^(?=diff --git )", out):
        if not block.startswith("diff --git "):
            continue
        m = re.search(r"(?m)^\+\+\+ b/(.*)$", block) or re.search(r"^diff --git a/.* b/(.*)$", block, re.M)
        if m:
            diffs[m.group(1).strip()] = block
    return diffs
