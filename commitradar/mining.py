"""Mining: a day of first-parent commits from a local clone or a mirrored URL, read with ``git`` itself.

Commits come out in the dataset format (``commitradar.dataset``), the one the model was trained on: what
``git log --first-parent --numstat --no-renames`` reports on the followed branch.

Day boundaries use the **commit date** (when the commit landed on the branch) in the chosen time zone:
a PR authored last week and merged today belongs to today's report, and the window never moves when
authors' clocks are wrong. ``--tz`` picks the zone (IANA name), default ``Asia/Shanghai``.
"""
from __future__ import annotations

import hashlib
import logging
import re
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import InputError
from .records import Commit, FileChange

MAX_BODY_CHARS = 2000  # as in the dataset format

log = logging.getLogger("commitradar")


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
    mirrored: bool = False  # a mirror in the cache (fetched on every open), not the user's own clone


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
    """``--date D`` or ``--since D --until D`` (both inclusive) in zone ``tz``; default: yesterday there.
    An empty text is not "not given": ``--date ""`` is an error, never yesterday."""
    zone = parse_zone(tz)
    today = (now or datetime.now(zone)).astimezone(zone).date()
    if day is not None and (since is not None or until is not None):
        raise InputError("use either --date or --since/--until, not both")
    if day is not None:
        first = last = parse_day(day)
    elif since is not None or until is not None:
        first = parse_day(since, "--since") if since is not None else None
        last = parse_day(until, "--until") if until is not None else today
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

_SCP = re.compile(r"^(?:[\w.-]+@)?(?P<host>[\w.-]+):(?P<path>(?!//).+)$")  # git@github.com:owner/name.git
_WEB_HOSTS = ("github.com", "gitlab.com")


def git_reason(stderr: bytes | str, limit: int = 400) -> str:
    """git's whole complaint condensed to one line: every ``fatal:``/``error:`` message and the lines that
    continue it, joined into sentences (``hint:`` lines and repeats dropped)."""
    text = stderr.decode("utf-8", "replace") if isinstance(stderr, bytes) else stderr
    sentences: list[str] = []
    for para in re.split(r"\n\s*\n", text.strip()):
        current: list[str] = []
        for line in para.splitlines():
            line = line.strip()
            m = re.match(r"^(fatal|error|warning|hint|remote|ERROR):\s*", line)
            if m or not current:
                if current:
                    sentences.append(" ".join(current))
                current = [] if m and m.group(1) == "hint" else [line[m.end():] if m else line]
            elif current:
                current.append(line)
        if current:
            sentences.append(" ".join(current))
    out: list[str] = []
    for s in (s.strip() for s in sentences):
        if s and s.lower() not in (o.lower().rstrip(".") for o in out) and not s.startswith("Cloning into"):
            out.append(s if s[-1] in ".!?" else s + ".")
    line = " ".join(out) or "git failed without saying why."
    return line if len(line) <= limit else line[: limit - 1] + "…"


def parse_remote(url: str) -> tuple[str | None, str | None]:
    """``(full name, web_url)`` of a network clone URL: ``owner/name`` on GitHub, the whole project path on
    GitLab (``group/sub/name``) and elsewhere; web_url only for GitHub and GitLab hosts. Local paths and
    ``file://`` URLs name nothing: follow them with :func:`repo_identity`."""
    url = url.strip()
    if not url or url.startswith(("file://", "/", ".", "~")) or _local_path_url(url):
        return None, None
    parts = urlsplit(url) if re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I) else None
    if parts is not None:
        host, path = (parts.hostname or "").lower(), parts.path
    else:
        m = _SCP.match(url)
        if not m:
            return None, None
        host, path = m.group("host").lower(), m.group("path")
    path = path.strip("/").removesuffix(".git").strip("/")
    segments = [seg for seg in path.split("/") if seg]
    if not host or not segments:
        return None, None
    if host == "github.com":
        segments = segments[:2]
    name = "/".join(segments)
    web = f"https://{host}/{name}" if host in _WEB_HOSTS or host.startswith("gitlab.") else None
    return name, web


def _local_path_url(url: str) -> bool:
    """A remote URL that git reads as a local path (no scheme, no ``host:`` part)."""
    return not re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I) and not _SCP.match(url)


def commit_url(web_url: str | None, sha: str) -> str | None:
    if not web_url:
        return None
    if "gitlab" in web_url.split("/")[2]:
        return f"{web_url}/-/commit/{sha}"
    return f"{web_url}/commit/{sha}"


def _git(path: Path, *args: str, check: bool = True) -> str:
    proc = subprocess.run(["git", "-C", str(path), *args], capture_output=True)
    if check and proc.returncode != 0:
        raise InputError(f"git {' '.join(args[:2])} failed in {path}: {git_reason(proc.stderr)}")
    return proc.stdout.decode("utf-8", "replace")


def is_url(spec: str) -> bool:
    return bool(re.match(r"^[a-z+]+://", spec)) or bool(re.match(r"^[\w.-]+@[\w.-]+:", spec))


def mirror(url: str, cache_dir: Path) -> Path:
    """Clone ``url`` once into the cache (bare mirror), fetch incrementally on later calls."""
    name, _ = parse_remote(url)
    slug = re.sub(r"[^\w.-]+", "_", name or Path(urlsplit(url).path).stem or "repo")
    dest = cache_dir / "repos" / f"{slug}-{hashlib.sha1(url.encode()).hexdigest()[:8]}.git"
    if (dest / "HEAD").exists():
        proc = subprocess.run(["git", "-C", str(dest), "remote", "update", "--prune"], capture_output=True)
        action = "fetch"
    else:
        try:
            dest.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputError(f"cannot create the cache folder {dest.parent}: {exc.strerror or exc}") from None
        proc = subprocess.run(["git", "clone", "--mirror", "--quiet", url, str(dest)], capture_output=True)
        action = "clone"
    if proc.returncode != 0:
        raise InputError(f"cannot {action} {url}: {git_reason(proc.stderr)}")
    return dest


def _remote_url(path: Path) -> str | None:
    """The URL of ``origin``, or of the only remote when there is no ``origin``."""
    url = _git(path, "config", "--get", "remote.origin.url", check=False).strip()
    if url:
        return url
    remotes = _git(path, "remote", check=False).split()
    if len(remotes) == 1:
        return _git(path, "config", "--get", f"remote.{remotes[0]}.url", check=False).strip() or None
    return None


def _local_target(url: str, base: Path) -> Path | None:
    if url.startswith("file://"):
        return Path(unquote(urlsplit(url).path))
    if _local_path_url(url):
        target = Path(url).expanduser()
        return target if target.is_absolute() else (base / target)
    return None


def repo_identity(path: Path, _seen: tuple[Path, ...] = ()) -> tuple[str | None, str | None, str]:
    """``(name, web_url, how)`` of the repository at ``path``, whatever way it was cloned.

    The name is the one configured in the clone (``git config commitradar.name owner/name``), else the one
    its remote tells (``owner/name`` on GitHub); a remote that is a local path (a clone of a clone) is
    followed to that repository's own remote. ``how`` is ``config``, ``remote`` or ``none``.
    """
    configured = _git(path, "config", "--get", "commitradar.name", check=False).strip()
    url = _remote_url(path)
    name = web = None
    if url:
        target = _local_target(url, path)
        if target is None:
            name, web = parse_remote(url)
        else:
            target = target.resolve()
            if target not in _seen and len(_seen) < 8 and _is_git_dir(target):
                name, web, how = repo_identity(target, (*_seen, target))
                if how == "none":
                    name = None
    if configured:
        return configured.strip("/"), web, "config"
    return (name, web, "remote") if name else (None, None, "none")


def _is_git_dir(path: Path) -> bool:
    return path.exists() and subprocess.run(["git", "-C", str(path), "rev-parse", "--git-dir"],
                                            capture_output=True).returncode == 0


def _check_not_empty(path: Path, spec: str) -> None:
    if _git(path, "rev-parse", "--verify", "--quiet", "HEAD", check=False).strip():
        return
    if not _git(path, "for-each-ref", "--count=1", "refs/heads", "refs/remotes", check=False).strip():
        raise InputError(f"{spec} has no commits yet (an empty repository): there is nothing to report")


def open_repo(spec: str, cache_dir: Path, name: str | None = None) -> LocalRepo:
    """A local path (any folder inside a work tree) or a URL (mirrored into ``cache_dir``), with its identity:
    ``name`` when the settings give one (``[[repos]] name``), else :func:`repo_identity`; when nothing names
    it, its folder's name and a warning."""
    if is_url(spec):
        path = mirror(spec, cache_dir)
        fallback = Path(urlsplit(spec).path if "://" in spec else spec.split(":", 1)[-1]).name.removesuffix(".git")
    else:
        path = Path(spec).expanduser()
        if not path.exists():
            raise InputError(f"repository path not found: {spec}")
        if not _is_git_dir(path):
            raise InputError(f"not a git repository: {spec}")
        top = _git(path, "rev-parse", "--show-toplevel", check=False).strip()
        path = Path(top) if top else path.resolve()
        fallback = path.resolve().name.removesuffix(".git")
    _check_not_empty(path, spec)
    found, web, how = repo_identity(path)
    if name:
        return LocalRepo(path, name.strip("/"), web, mirrored=is_url(spec))
    name = found
    if how == "none":
        name = fallback or "repo"
        log.warning("%s has no GitHub/GitLab remote to name it: its reports are filed under %r (its folder); "
                    "name it in the settings ([[repos]] name = \"OWNER/NAME\") or with "
                    "`git -C %s config commitradar.name OWNER/NAME`", spec, name, path)
    return LocalRepo(path, name, web, mirrored=is_url(spec))


def fetch(repo: LocalRepo) -> None:
    """``git fetch`` of the clone's remote (``origin``, or its only remote), so its remote-tracking branch
    (which mining follows) is current."""
    remotes = _git(repo.path, "remote", check=False).split()
    remote = "origin" if "origin" in remotes else (remotes[0] if len(remotes) == 1 else None)
    if remote is None:
        raise InputError(f"--fetch: {repo.path} has no remote to fetch from" if not remotes else
                         f"--fetch: {repo.path} has several remotes and none is called origin")
    proc = subprocess.run(["git", "-C", str(repo.path), "fetch", "--quiet", "--prune", remote], capture_output=True)
    if proc.returncode != 0:
        raise InputError(f"cannot fetch {remote} into {repo.path}: {git_reason(proc.stderr)}")


def newest_commit(path: Path, branch: str) -> datetime | None:
    """Commit date of the newest commit on ``branch`` (None when it has none)."""
    out = _git(path, "log", "-1", "--format=%cI", branch, "--", check=False).strip()
    return datetime.fromisoformat(out) if out else None


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


_META = "%H%n%P%n%aI%n%cI%n%an%n%ae%n%s%n%b"  # %s: the first paragraph on one line, as git log shows it


def read_meta(path: Path, shas: Sequence[str]) -> dict[str, tuple[str, ...]]:
    """sha → (parents, authored ISO, committed ISO, author name, author email, subject, body): one ``git log``.

    git re-encodes to UTF-8 itself, honouring each commit's ``encoding`` header (e.g. Latin-1 commits made with
    ``i18n.commitEncoding``); bytes that are still not UTF-8 (no header) become U+FFFD, never an error.
    """
    proc = subprocess.run(
        ["git", "-C", str(path), "log", "-z", "--no-walk=unsorted", "--stdin", "--encoding=UTF-8",
         f"--format={_META}"],
        input="\n".join(shas).encode() + b"\n", capture_output=True,
    )
    if proc.returncode != 0:
        raise InputError(f"git log failed in {path}: {git_reason(proc.stderr)}")
    out: dict[str, tuple[str, ...]] = {}
    for record in proc.stdout.split(b"\0"):
        if not record.strip():
            continue
        parts = (record.lstrip(b"\n").split(b"\n", 7) + [b""] * 8)[:8]
        sha, *rest = (x.decode("utf-8", "replace") for x in parts)
        out[sha] = tuple(rest)
    return out


def _to_commit(repo: LocalRepo, sha: str, meta: tuple[str, ...], files: list[FileChange]) -> Commit:
    parents, authored, committed, name, email, subject, body = meta
    return Commit(
        repo=repo.name,
        sha=sha,
        author=name,
        author_email_domain=email.rsplit("@", 1)[-1] if "@" in email else "",
        authored_at=datetime.fromisoformat(authored),
        committed_at=datetime.fromisoformat(committed),
        parents=tuple(parents.split()),
        subject=subject,
        body=body.strip()[:MAX_BODY_CHARS],
        files=tuple(files),
        remote_url=repo.web_url,
        source_path=str(repo.path),
    )


def mine(repo: LocalRepo, window: Window, branch: str | None = None) -> list[Commit]:
    """The window's first-parent commits, newest first, in the dataset format: what
    ``git log --first-parent --numstat --no-renames`` reports. A merge is one commit whose files are the diff
    against its first parent (what landed on the branch); a renamed file is one path deleted and one added;
    a binary file has null counts."""
    from .progress import progress

    branch = branch or default_branch(repo.path)
    shas = first_parent_shas(repo.path, branch, window)
    if not shas:
        return []
    meta = read_meta(repo.path, shas)
    commits = []
    for sha in progress(shas, desc=f"mining {repo.name}"):
        parents = meta[sha][0].split()
        numstat = _git(repo.path, "diff-tree", "-r", "-z", "--numstat", "--no-renames", "--no-commit-id",
                       parents[0] if parents else "--root", sha)
        commits.append(_to_commit(repo, sha, meta[sha], parse_numstat(numstat)))
    return commits


def load_diffs(commit: Commit, paths: Sequence[str]) -> dict[str, str]:
    """Unified diffs of some of a commit's files against its first parent (empty when no clone is known)."""
    if not commit.source_path or not paths:
        return {}
    parent = commit.parents[0] if commit.parents else "--root"
    out = _git(Path(commit.source_path), "diff-tree", "-p", "--no-renames", "--no-color", "--no-commit-id", parent,
               commit.sha, "--", *paths, check=False)
    diffs: dict[str, str] = {}
    for block in re.split(r"(?m)^(?=diff --git )", out):
        if not block.startswith("diff --git "):
            continue
        m = re.search(r"(?m)^\+\+\+ b/(.*)$", block) or re.search(r"^diff --git a/.* b/(.*)$", block, re.M)
        if m:
            diffs[m.group(1).strip()] = block
    return diffs
