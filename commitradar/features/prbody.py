"""The structure of a PR description (a commit body): ``parse(body) -> PRBody``.

The body is parsed as CommonMark (markdown-it-py), never line by line: hard-wrapped lines of a paragraph
join into one text, list items stay whole, and sections are told apart by their headings (or by the
bold / ``LABEL:`` lines people use as headings). Sections are sorted into roles with the templates of
the dataset repositories (vllm-ascend, flashinfer, Mooncake, lmdeploy, llm-compressor) and of sglang,
vLLM and dynamo in mind:

- what:   "What this PR does / why we need it?", Motivation, Modification(s), Summary, Description,
          Purpose, Overview, Details, Changes, Problem, Solution, Root cause, …
- user:   "Does this PR introduce any user-facing change?", BC-breaking, Breaking changes, Release notes
- test:   "How was this patch tested?", Test Plan, Test Result, Testing, Accuracy, Benchmark, Performance
- skip:   Checklist, Related issues, Reviewer notes, Module, Type of change, AI assistance, bot summaries

Tables, code blocks, block quotes (GitHub alerts), ``<details>``, HTML comments, bot summaries (CodeRabbit,
Copilot, Gemini, auto-translation), sign-offs, "vLLM version:" lines, test logs and checklists never become
text. A squash-merge commit list ("* commit 1", "* fix lint", …) is used only when nothing else describes
the change, and then only its substantive lines.

Text units keep inline code as ``code spans`` and drop other inline Markdown (emphasis, links keep their
text), so every unit is balanced by construction; ``shorten`` cuts a unit only at a sentence or clause
boundary, marks the cut with "…", and checks the result with markdown-it before returning it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from ..records import PRBody
from .title import breaking_footer

DATASET_BODY_LIMIT = 2000  # ../shared/data cuts bodies at 2,000 characters: such a body's last text is partial
MAX_UNITS = 24  # enough for any reader; keeps pathological bodies cheap

_MD = MarkdownIt("commonmark", {"html": True}).enable("table").enable("strikethrough")

# ------------------------------------------------------------------------------------ source clean-up

_BOT_REGION = re.compile(
    r"<!--\s*This is an auto-generated comment.*?(?:<!--\s*end of auto-generated comment.*?-->|\Z)", re.S | re.I)
_COPILOT_REGION = re.compile(r"<!--\s*START COPILOT.*?(?:<!--\s*END COPILOT.*?-->|\Z)", re.S | re.I)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
_DETAILS = re.compile(r"^[ \t]*<details\b.*?(?:</details\s*>|\Z)", re.S | re.I | re.M)  # an HTML block, not `<details>`
_TRAILER = re.compile(
    r"^[ \t]*(?:signed-off-by|co-authored-by|reviewed-by|acked-by|tested-by|reported-by|suggested-by|helped-by|"
    r"change-id|approved-by)[ \t]*:.*$", re.I | re.M)
_VLLM_PINS = re.compile(r"(?:^[ \t]*[-*][ \t]*)?\bvLLM (?:version|main):[ \t]*\n?[ \t]*\S+", re.I | re.M)  # CI bookkeeping
_REVERTS = re.compile(r"^[ \t]*This reverts commit ([0-9a-f]{7,40})\b\.?[ \t]*", re.I | re.M)
_DASH_RULE = re.compile(r"(?<=\S)\n([ \t]*-{3,}[ \t]*)$", re.M)  # "text\n---" would be a setext heading
# GitHub re-wraps descriptions at ~72 columns, so a "+" that ended up first on a line ("RoPE\n+ Q") would open a
# list in the middle of a sentence. Nobody in these repositories writes "+" lists after a paragraph line.
_WRAPPED_PLUS = re.compile(r"(?<=[^\s:])\n([ \t]*)\+(?=[ \t])")
# The same re-wrap puts numbers first on a line ("dimensions >=\n65536. When …"): not a list unless it counts on.
_WRAPPED_NUMBER = re.compile(r"(?<=[^\s:.!?])\n([ \t]*)(\d{1,9})([.)])(?=[ \t]|$)", re.M)
_TITLE_TAIL = re.compile(r"\A\s*…[^\n]*\n?")  # a long title's end, moved into the body by GitHub
# The re-wrap also leaves a bullet's marker alone on its line ("-\n<code>file</code>"): after a text line that
# would make a setext heading of it. The marker belongs to the line below.
_LONE_MARKER = re.compile(r"^([ \t]*[-*+])[ \t]*\n(?=[ \t]*[^\s-])", re.M)


_ORDERED_LINE = re.compile(r"^[ \t]*\d{1,9}[.)](?:[ \t]|$)")
# A line that stops on one of these words goes on below it: "(4 blocks instead of\n1)" is one sentence.
_RUNS_ON = re.compile(r"\b(?:of|to|the|a|an|and|or|than|by|with|for|from|in|on|at|as|into|via|is|are|was|were|be|"
                      r"instead of|equal to|up to|about|around|over|under)$", re.I)


def _unwrap_number(m: re.Match) -> str:
    """Keep "2." after "1. …" a list item (also when item 1 wrapped onto more lines); escape a number that only
    landed first on a line by re-wrapping ("… instead of\n1)", "… dimensions >=\n65536. When …")."""
    text = m.string
    start = text.rfind("\n", 0, m.start()) + 1
    previous = text[start:m.start()]
    block = text[: m.start()]
    block = block[block.rfind("\n\n") + 2:] if "\n\n" in block else block  # the paragraph or list so far
    if _RUNS_ON.search(previous.rstrip()):
        return f"\n{m.group(1)}{m.group(2)}\\{m.group(3)}"
    if m.group(2) == "1" or any(_ORDERED_LINE.match(ln) for ln in block.split("\n")):
        return m.group(0)
    return f"\n{m.group(1)}{m.group(2)}\\{m.group(3)}"


@dataclass(frozen=True)
class Source:
    """The body prepared for parsing, and what was lifted out of it on the way."""

    text: str
    bot: str  # the bot-written regions (kept apart: read only for their "Breaking Changes" notes)
    reverted_sha: str | None
    truncated: bool


def prepare(body: str) -> Source:
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    truncated = len(body) >= DATASET_BODY_LIMIT
    bots = [m.group(0) for m in _BOT_REGION.finditer(text)]
    text = _BOT_REGION.sub("\n", text)
    text = _COPILOT_REGION.sub("\n", text)
    text = _DETAILS.sub("\n", text)
    text = _COMMENT.sub("", text)
    m = _REVERTS.search(text)
    text = _REVERTS.sub("", text)
    text = _TRAILER.sub("", text)
    text = _VLLM_PINS.sub(" ", text)
    text = _DASH_RULE.sub(r"\n\n\1", text)
    text = _LONE_MARKER.sub(r"\1 ", text)
    text = _WRAPPED_PLUS.sub(r" \1+", text)
    text = _WRAPPED_NUMBER.sub(_unwrap_number, text)
    text = _TITLE_TAIL.sub("", text)
    bot = "\n".join(_COMMENT.sub("", b) for b in bots)
    return Source(text, bot, m.group(1) if m else None, truncated)


# --------------------------------------------------------------------------------- section roles

_ROLE_PATTERNS: tuple[tuple[str, re.Pattern], ...] = tuple((role, re.compile(p, re.I)) for role, p in (
    ("skip", r"summary by (coderabbit|copilot|sourcery)|auto-?translation|pull request overview|summary of changes by|"
             r"gemini|checklist|pre-?commit|related (issues?|prs?|links?|work)|reviewer notes|notes? (for|to) reviewers?|"
             r"where should the reviewer|^modules?$|type of (the )?changes?|ai (assistance|disclosure|usage)|"
             r"documentation update|review process|essential elements|screenshots?|^cc$|gated[- ]by|how to review|"
             r"^todos?\b|follow[- ]?ups?|original prompt|^issues?$|^references?$|^links?$|relevant documentation|"
             r"^fixes$|^closes$|contributors?|acknowledg|^release notes by"),
    ("user", r"user[- ]?facing|bc[- ]?breaking|breaking|backward|backwards|compatib|migration|deprecat|"
             r"release notes?|^public api|api changes?|behaviou?r changes?|known (issues?|limitations?)|^limitations?$|"
             r"action required|upgrade notes?"),
    ("test", r"tested|^tests?\b|testing|test (plan|results?|commands?|coverage)|validation|verif|accuracy|benchmark|"
             r"profil|^perf(ormance)?\b|^results?\b|evaluation|^evals?\b|^e2e|methodology|^metrics?\b|"
             r"reproduc|^logs?\b|^outputs?\b|^before\b|^after\b|^numbers\b|^speed ?ups?\b|^ci\b"),
    ("other", r"^usage\b|use cases?|how to use|^examples?\b|^how to\b|^api\b|surfaces?|^files?\b"),
    ("what", r"what|why|motivation|modifications?|summary|description|purpose|overview|details?|changes?|problem|"
             r"solution|root cause|background|context|^fix(es)?\b|design|implementation|approach|features?|"
             r"highlights?|notes?|explanation|proposal|rationale|goals?\b|^intro|^tl;?dr|^scope\b|^bug\b|^issue\b"),
))
# A short paragraph (or the first line of one) standing for a heading: "SUMMARY:", "**Motivation**", "Test Plan:".
_LABEL_LINE = re.compile(r"^[#*_\s]*(?:\d{1,2}[.)、]\s*)?([A-Za-z][\w /&()?'’-]{1,60}?)[*_\s]*[:：]?[*_\s]*$")
_TERMINAL_END = re.compile(r"[.!?。！？…][\"'”’)\]]*$")
# A sentence that only announces the list below it: "this includes", "the benefits are", "as follows".
_LEADS_IN = re.compile(r"(?<![.!?。])\b(?:includes?|including|are|is|as follows|following|below|namely|contains?|"
                       r"consists? of|covers?)\s*$", re.I)


def role_of(heading: str) -> str:
    """The role of a section heading: what | user | test | skip | other."""
    text = re.sub(r"[^\w\s/&?'’-]", " ", heading).strip()
    for role, rx in _ROLE_PATTERNS:
        if rx.search(text):
            return role
    return "other"


def _label_role(text: str) -> str | None:
    """The role when ``text`` is a heading-like label ("SUMMARY:", "Testing"), else None."""
    m = _LABEL_LINE.match(text)
    if not m or len(m.group(1).split()) > 10:
        return None
    role = role_of(m.group(1))
    return role if role != "other" else None


# ------------------------------------------------------------------------------------- inline text

_WS = re.compile(r"\s+")


def _code_span(content: str) -> str:
    content = _WS.sub(" ", content.replace("`", "'")).strip()
    return f"`{content}`" if content else ""


def _inline_parts(nodes, out: list[str]) -> None:
    for ch in nodes:
        t = ch.type
        if t == "text":
            out.append(ch.content.replace("`", ""))  # a backtick left in text has no partner: drop it
        elif t == "code_inline":
            out.append(_code_span(ch.content))
        elif t in ("softbreak", "hardbreak"):
            out.append(" ")
        elif t == "html_inline":
            if re.match(r"<br\b", ch.content, re.I):
                out.append(" ")
        elif t == "image":
            continue
        elif ch.children:
            _inline_parts(ch.children, out)


def _lines_of(inline: SyntaxTreeNode) -> list[list[SyntaxTreeNode]]:
    lines: list[list[SyntaxTreeNode]] = [[]]
    for ch in inline.children:
        if ch.type in ("softbreak", "hardbreak"):
            lines.append([])
        else:
            lines[-1].append(ch)
    return lines


def nodes_text(nodes) -> str:
    out: list[str] = []
    _inline_parts(nodes, out)
    return _WS.sub(" ", "".join(out)).strip()


def inline_text(inline: SyntaxTreeNode) -> str:
    return nodes_text(inline.children)


def _lines_text(lines: list[list[SyntaxTreeNode]]) -> str:
    return _WS.sub(" ", " ".join(nodes_text(line) for line in lines)).strip()


# --------------------------------------------------------------------------------- sentences, noise

_ABBREV = {"e.g", "i.e", "etc", "vs", "approx", "no", "fig", "cf", "mr", "dr", "st", "al", "resp", "incl", "eq",
           "ref", "sec", "ver", "v", "u.s", "inc", "ltd", "jr", "sr"}
_SENT_BREAK = re.compile(r"(?<=[.!?])[\"')\]]?\s+(?=[\"'(\[]?[A-Z0-9\u4e00-\u9fff`])|(?<=[。！？])\s*(?=\S)")
_CODE = re.compile(r"`[^`]*`")


def _mask_code(text: str) -> str:
    return _CODE.sub(lambda m: "`" + "x" * (len(m.group(0)) - 2) + "`", text)


def sentences(text: str) -> list[str]:
    """Split one paragraph into sentences (never inside a code span or after "e.g.", "etc.", …)."""
    masked = _mask_code(text)
    out, start = [], 0
    for m in _SENT_BREAK.finditer(masked):
        before = masked[start:m.start()].rstrip("\"')]")
        word = re.search(r"([\w.]+)[.!?]$", before)
        if word and (word.group(1).lower().rstrip(".") in _ABBREV or re.fullmatch(r"[A-Z]", word.group(1))):
            continue
        piece = text[start:m.end()].strip()
        if piece:
            out.append(piece)
        start = m.end()
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out


_NOISE = re.compile(
    r"^(?:"
    r"[-*\s]*vllm[ _-]?(?:ascend )?(?:version|main|commit)\s*:.*"
    r"|(?:signed-off-by|co-authored-by|reviewed-by)\s*:.*"
    r"|(?:fix(?:es|ed)?|close[sd]?|resolve[sd]?|related(?: to| issues?| prs?)?|part of|refs?|see(?: also)?|"
    r"follow[- ]?up(?: of| to| for)?|depends on|blocked by|requires|cc|issue|pr|tracking issue)\s*[:：]?\s*"
    r"(?:(?:[\w.-]+/[\w.-]+)?#\d+|https?://\S+|@[\w-]+|`?[A-Z][A-Z0-9]+-\d+`?)"
    r"(?:[\s,;&]*(?:and\s+)?(?:(?:[\w.-]+/[\w.-]+)?#\d+|https?://\S+|@[\w-]+|`?[A-Z][A-Z0-9]+-\d+`?))*\W*"
    r"|<?https?://\S+>?\W*|#\d+\W*|@[\w-]+\W*|(?:fix(?:es|ed)?|close[sd]?|resolve[sd]?)\s*:?\s*#?"
    r"|n/?a|none|nothing|no|yes|nope|tbd|todo|wip|-+|\.+|not applicable"
    r"|.*\bgenerated (?:with|by) (?:\[?claude|\[?codex|codex|copilot|cursor|chatgpt|gpt|gemini).*"
    r"|(?:please|pls) (?:provide|outline|describe|fill|explain|list|add|link).*"
    r"|.*\bplease fill in the pr description.*|.*\bbefore submitting, please read.*"
    r"|.*\b(?:thank you for (?:your )?contribut|thanks for your contribution).*"
    r"|this reverts commit [0-9a-f]{7,40}.*"
    r"|(?:files? (?:changed|touched|modified)|changed files?)\s*[:：].*"
    r"|potential fix for (?:pull request|code scanning|code quality|copilot) (?:finding|alert)s?.*"
    r"|(?:related\s+)?(?:rfc|issues?|prs?|tracking issue|rfc issue|upstream (?:pr|issue))s?\s*[:：]?\s*"
    r"(?:refs?|see|fix(?:es)?|closes?)?\s*[:：]?\s*(?:(?:[\w.-]+/[\w.-]+)?#\d+|https?://\S+)(?:[\s,;&]+(?:(?:[\w.-]+/[\w.-]+)?#\d+|https?://\S+))*\W*"
    r"|(?:this pr|it) (?:was|is) (?:generated|written|created) (?:by|with) .*"
    r")[.。!]?$",
    re.I,
)
_TEST_LOG = re.compile(
    r"\b\d+ (?:passed|failed|skipped|errors?|warnings?|deselected)\b|\ball (?:the )?(?:\d+ )?(?:unit |e2e |ut |related |"
    r"existing )?(?:tests?|cases?|checks?|hooks) (?:in \S+ )?(?:have )?(?:pass|passed|are passing|succeed|ok)\b|"
    r"\b(?:tests?|ut|e2e|ci|checks?|hooks?|lint(?:ing)?|pre-commit) (?:all )?(?:have )?(?:pass|passed|passing|"
    r"succeeded|green|ok)\b|\bhooks passed\b|^(?:test|tests|ut|ci) ok\b|^(?:passed|ok|done|lgtm)\W*$|"
    r"^(?-i:\$ |>>> |bash |sh |python3? |pytest |pip3? |git |cd |export |make |cmake |torchrun |vllm serve |"
    r"lmdeploy serve |curl |docker |ctest |srun |mpirun |bash format\.sh)|\bpre-commit run\b|"
    r"^(?:tested|verified) (?:locally|on ci|by ci|with ci|manually)\W*$|^(?:unit|e2e|ut) tests?\W*$|"
    r"^(?:existing|new|added|updated) (?:unit |e2e )?tests?\W*$|^ci\W*$|^by ci\W*$",
    re.I,
)
_SQUASH_NOISE = re.compile(
    r"^(?:update|updates|updated|fix|fixes|fixed|fix (?:lint|ut|ci|test|tests|typo|bug|bugs|comments?|conflicts?|"
    r"format(?:ting)?|style|build|review|doc|docs|it)|lint|linting|format|formatting|style|typo|wip|refine|refactor|"
    r"minor(?: fix(?:es)?| changes?| update)?|cleanup|clean up|clean|rename|address (?:review )?(?:comments?|"
    r"feedback|reviews?)|resolve (?:merge )?conflicts?|merge (?:branch|main|master|remote-tracking).*|merge|"
    r"add (?:ut|ut test|test|tests|unit tests?|comments?|docs?|log|logs)|update (?:ut|test|tests|doc|docs|readme|"
    r"comments?|code|branch)|revert|remove (?:debug|log|logs|print|unused.*)|debug|tmp|temp|test|tests|ut|ci|"
    r"save|draft|done|polish|nit|nits|small fix(?:es)?|pre-commit|run pre-commit|apply pre-commit.*|"
    r"chore: apply .*|style: apply .*|trigger ci|retrigger ci|rerun ci|empty commit|code review|review|"
    r"modify|modified|change|changes|improve|optimi[sz]e|opt|simplify|reformat|fix lint errors?|fix ci errors?|"
    r"(?:fix|update|changes?|modify|refine)\s+(?:according to|per|based on|for|after)\s+(?:the\s+)?(?:code\s+)?"
    r"(?:review(?:er)?s?|comments?|suggestions?|feedback).*|(?:apply|accept)\s+(?:review\s+)?suggestions?.*|"
    r"a bunch of fix(?:es)?|some fix(?:es)?|more fix(?:es)?|fix (?:some|more|minor) .{0,20})"
    r"\W*(?:\d+)?\W*$", re.I)


_TEST_TALK = re.compile(r"^(?:(?:this|the) (?:pr|change|patch|fix) (?:was|is|has been) )?(?:tested|verified|validated|"
                        r"benchmarked|checked) (?:on|with|by|locally|using|against|in|under|via|through)\b", re.I)


_TABLE_ROW = re.compile(r"^\|.*\|.*\||^[|:\s-]{6,}$")
_LEADING_REF = re.compile(r"^(?:(?:fix(?:es|ed)?|close[sd]?|resolve[sd]?|related(?: to)?|part of|see|refs?)\s*:?\s*)?"
                          r"(?:(?:[\w.-]+/[\w.-]+)?#\d+|<?https?://\S+?>?)[.,;:]?\s+(?=\S)", re.I)
# Chatter around references: "first pr of #9147", "follow-up of #12", "part 2 of #3".
_REF_CHATTER = re.compile(r"^\W*(?:(?:the\s+)?(?:first|second|third|last|next|\d+(?:st|nd|rd|th)?|another|one)\s+(?:pr|part|step)|"
                          r"follow[- ]?up|part\s+\d+|split|cherry[- ]?pick(?:ed)?|backport(?:ed)?|same as|port(?:ed)?)\s+"
                          r"(?:of|from|for|to)\s+(?:(?:[\w.-]+/[\w.-]+)?#\d+|https?://\S+)\W*$", re.I)


def _is_noise(unit: str) -> bool:
    plain = unit.strip().strip("\"'“”").strip()
    return (not plain or bool(_TABLE_ROW.match(plain)) or plain.count("|") >= 4 or not re.search(r"[A-Za-z\u4e00-\u9fff]", plain) or bool(_NOISE.match(plain))
            or bool(_TEST_LOG.search(plain)))


def _is_checkbox(text: str) -> bool:
    return bool(re.match(r"^\[[ xX✓✔]?\]\s*", text))


def _checked(text: str) -> bool:
    return bool(re.match(r"^\[[xX✓✔]\]", text))


# ------------------------------------------------------------------------------------------ the walk


@dataclass
class _Unit:
    role: str
    text: str
    kind: str  # sentence | item


@dataclass
class _Walk:
    role: str = "what"  # text before any heading counts as the description
    units: list[_Unit] | None = None
    tested: bool = False
    marked_breaking: bool = False
    squash: bool = False

    def add(self, text: str, kind: str) -> None:
        if self.role == "skip":
            return
        if self.role == "test" or _TEST_TALK.match(text):
            if not _is_noise(text) or _TEST_LOG.search(text):
                self.tested = True
            return
        if text.endswith((":", "：")) and len(text.split()) <= 4:
            return  # a label ("Benefits:") whose list did not follow
        text = _LEADING_REF.sub("", text)
        text = re.sub(r"\s*,\s*(?=[.;])", "", text)  # "in interface level, ." (a clause the author left out)
        if not _is_noise(text) and not _REF_CHATTER.match(text) and len(self.units) < MAX_UNITS * 2:
            self.units.append(_Unit(self.role, text, kind))


def _item_text(item: SyntaxTreeNode, walk: _Walk, depth: int = 0) -> str:
    """One list item as one text: its paragraphs, then its nested items joined with "; "."""
    own: list[str] = []
    subs: list[str] = []
    for ch in item.children:
        if ch.type == "paragraph":
            own.append(inline_text(ch.children[0]))
        elif ch.type in ("bullet_list", "ordered_list") and depth < 3:
            for sub in ch.children:
                t = _item_text(sub, walk, depth + 1)
                if t and not _is_checkbox(t) and not _is_noise(t):
                    subs.append(t)
    text = " ".join(t for t in own if t)
    if subs:
        joined = "; ".join(s.rstrip(".;。") for s in subs)
        text = f"{text.rstrip(':：')}: {joined}" if text else joined
    return text


def _list_units(node: SyntaxTreeNode, walk: _Walk, intro: str | None) -> None:
    items = []
    for item in node.children:
        text = _item_text(item, walk)
        if not text:
            continue
        if _is_checkbox(text):
            if _checked(text) and re.search(r"\bbreaking\b", text, re.I) and walk.role == "skip":
                walk.marked_breaking = True
            continue
        label = _label_role(text) if _is_label_item(item, text) else None
        if label is not None:  # "* **Breaking Changes**" style labels inside lists
            walk.role = label
            continue
        items.append(text)
    short = items and all(len(t.split()) <= 8 for t in items) and sum(len(t) for t in items) <= 160
    if intro and short:
        walk.add(f"{intro.rstrip(':： ')}: " + "; ".join(t.rstrip(".;。") for t in items), "item")
        return
    if intro:
        walk.add(intro, "sentence")
    for t in items:
        walk.add(t, "item")


def _is_label_item(item: SyntaxTreeNode, text: str) -> bool:
    """A list item that only names a section: "**Breaking Changes**" or "Testing:"."""
    paras = [c for c in item.children if c.type == "paragraph"]
    if len(paras) != 1:
        return False
    lines = _lines_of(paras[0].children[0])
    return len(lines) == 1 and (_is_bold_only(lines[0]) or text.rstrip().endswith((":", "：")))


def _paragraph(node: SyntaxTreeNode, walk: _Walk, next_is_list: bool) -> str | None:
    """Handle one paragraph; return its closing intro sentence when it ends with ':' before a list."""
    inline = node.children[0]
    lines = _lines_of(inline)
    first = nodes_text(lines[0])
    role = _label_role(first) if first else None
    if role is not None and (first.rstrip().endswith((":", "：", "?")) or first.isupper() or _is_bold_only(lines[0])):
        walk.role = role
        text = _lines_text(lines[1:])
    elif len(lines) == 1 and _is_bold_only(lines[0]) and len(first.split()) <= 8 and not _TERMINAL_END.search(first):
        return None  # "**1. vLLM Version Update**": a heading of a section whose role we cannot tell
    else:
        text = inline_text(inline)
    if not text:
        return None
    parts = sentences(text)
    intro = None
    if next_is_list and parts and (parts[-1].endswith((":", "：")) or _LEADS_IN.search(parts[-1])):
        intro = parts.pop()
        if len(intro.split()) <= 6 and not re.search(r"\b(this|the) (pr|change|patch)\b", intro, re.I):
            intro = None  # a bare label such as "Structure improvements:"
    for s in parts:
        walk.add(s, "sentence")
    return intro


def _is_bold_only(nodes: list[SyntaxTreeNode]) -> bool:
    real = [n for n in nodes if not (n.type == "text" and not n.content.strip(" :："))]
    return len(real) == 1 and real[0].type in ("strong", "em")


def _walk_blocks(nodes: list[SyntaxTreeNode], walk: _Walk) -> None:
    intro: str | None = None
    for i, node in enumerate(nodes):
        t = node.type
        next_is_list = i + 1 < len(nodes) and nodes[i + 1].type in ("bullet_list", "ordered_list")
        if t == "heading":
            walk.role = role_of(inline_text(node.children[0]))
            intro = None
        elif t == "paragraph":
            intro = _paragraph(node, walk, next_is_list)
            continue
        elif t in ("bullet_list", "ordered_list"):
            _list_units(node, walk, intro)
        elif t in ("fence", "code_block"):
            if walk.role == "test":
                walk.tested = True
        intro = None  # tables, quotes, HTML, rules: nothing to read


def _is_squash(root: SyntaxTreeNode, text: str) -> bool:
    """GitHub's squash-merge message: one ``* subject`` line per commit, each commit's body below it
    (indented or not), so the body opens with a ``*`` list."""
    first = next((n for n in root.children if n.type != "hr"), None)
    return bool(first is not None and first.type == "bullet_list" and first.markup == "*"
                and text.lstrip().startswith("* "))


def _walk_squash(root: SyntaxTreeNode, walk: _Walk) -> None:
    """Read the commit bodies of a squash list; fall back to its substantive subjects when there are none."""
    walk.squash = True
    subjects: list[str] = []
    for node in root.children:
        walk.role = "what"
        if node.type == "bullet_list" and node.markup == "*":
            for item in node.children:
                kids = list(item.children)
                if kids and kids[0].type == "paragraph":
                    lines = _lines_of(kids[0].children[0])
                    subjects.append(nodes_text(lines[0]))
                    rest = _lines_text(lines[1:])
                    if rest:
                        for sentence in sentences(rest):
                            walk.add(sentence, "sentence")
                    kids = kids[1:]
                _walk_blocks(kids, walk)
        else:
            _walk_blocks([node], walk)
    if not any(u.role == "what" for u in walk.units):
        walk.role = "what"
        for s in subjects:
            if len(s.split()) >= 3 and not _SQUASH_NOISE.match(s):
                walk.add(s, "item")


# ------------------------------------------------------------------------------------------- parse

_USER_NO = re.compile(r"^(?:no|none|nope|n/?a|not (?:any|really|applicable)|nothing|无|否|没有|不涉及)\b", re.I)
_USER_YES = re.compile(r"^(?:yes|是|有)\b", re.I)


def _finish_truncated(units: list[_Unit]) -> None:
    """The dataset cut this body: the last unit may stop mid-sentence. Keep it only up to a boundary."""
    if not units:
        return
    last = units[-1]
    if re.search(r"[.!?。！？)]$", last.text):
        return
    cut = shorten(last.text, max(1, len(last.text) - 1))
    if cut.endswith("…") and len(cut) > 2:
        last.text = cut
    else:
        units.pop()


@lru_cache(maxsize=4096)
def parse(body: str) -> PRBody:
    """The PR description's structure. Pure; safe on any text (property-tested)."""
    src = prepare(body or "")
    walk = _Walk(units=[])
    root = SyntaxTreeNode(_MD.parse(src.text))
    if _is_squash(root, src.text):
        _walk_squash(root, walk)
    else:
        _walk_blocks(root.children, walk)
    if src.truncated:
        _finish_truncated(walk.units)
    what = [u for u in walk.units if u.role == "what"] or [u for u in walk.units if u.role == "other"]
    user = [u.text for u in walk.units if u.role == "user"]
    answer = None
    if user:
        answer = "no" if _USER_NO.match(user[0]) else "yes"
    elif _user_answer_is_no(src.text):
        answer = "no"
    notes = tuple(dict.fromkeys(_complete(n, src) for n in _breaking_notes(src.text) + _breaking_notes(src.bot)))
    notes = tuple(n for n in (_balance(n) for n in notes) if n)
    texts = tuple(dict.fromkeys(u.text for u in what))[:MAX_UNITS]
    return PRBody(
        template=detect_template(body or ""),
        what=texts,
        user_facing=answer,
        user_facing_text=tuple(dict.fromkeys(user))[:MAX_UNITS],
        tested=walk.tested,
        empty=not texts and not user,
        squash=walk.squash,
        truncated=src.truncated,
        marked_breaking=walk.marked_breaking,
        breaking_notes=notes,
        reverted_sha=src.reverted_sha,
        bot=_bot_units(src.bot),
    )


def _balance(unit: str) -> str:
    """A unit whose backticks do not all pair into code spans (a footer that ran into an unclosed fence)
    loses its backticks rather than turning the rest of a report line into code."""
    return unit if balanced(unit) else _WS.sub(" ", unit.replace("`", " ")).strip()


def _bot_units(text: str) -> tuple[str, ...]:
    """Text blocks of a bot's summary (labels and noise dropped), for breaking-change cues only."""
    if not text.strip():
        return ()
    out = [t for kind, t in _flat_blocks(SyntaxTreeNode(_MD.parse(text))) if kind == "text" and t and not _is_noise(t)]
    return tuple(dict.fromkeys(out))[:MAX_UNITS]


_USER_HEADING_NO = re.compile(r"user[- ]facing change\W*\s*\n+\s*[-*]?\s*(?:no|none|n/?a)\b", re.I)


def _complete(note: str, src: Source) -> str:
    """A note that ran into the dataset's 2,000-character cut keeps only its whole part."""
    if not src.truncated or re.search(r"[.!?。！？)]$", note):
        return note
    tail = re.sub(r"\W+", "", (src.text + src.bot)[-40:])
    if tail and re.sub(r"\W+", "", note).endswith(tail[-12:]):
        cut = shorten(note, max(1, len(note) - 1))
        if cut.endswith("…") and len(cut) > 12:
            return cut
        words = note.split()[:-1]  # too short for a clause: keep its whole words, say it goes on
        return " ".join(words) + " …" if len(words) >= 3 else ""
    return note


def _user_answer_is_no(text: str) -> bool:
    return bool(_USER_HEADING_NO.search(re.sub(r"[*_]", "", text)))


_BREAKING_LABEL = re.compile(r"^\W*(?:breaking changes?|bc[- ]breaking|backward[- ]incompatible changes?|"
                             r"action required)\W*(?:\((?:optional|if any)\))?\W*$", re.I)


def _breaking_notes(text: str) -> tuple[str, ...]:
    """Sentences filed under a "Breaking change(s)" / "BC-breaking" label or a ``BREAKING CHANGE:`` footer,
    from the author's text or a bot's summary of the diff."""
    if not re.search(r"breaking|action required", text, re.I):
        return ()
    out: list[str] = []
    footer = breaking_footer(text)
    if footer:
        out.append(footer)
    taking = False
    for kind, block in _flat_blocks(SyntaxTreeNode(_MD.parse(text))):
        if kind == "label":
            m = re.match(r"^\W*breaking changes?\s*[:：]\s*(\S.*)$", block, re.I)
            if m:
                out.append(m.group(1).strip())
            taking = bool(_BREAKING_LABEL.match(block))
        elif taking and block and not _is_noise(block) and not _is_checkbox(block):
            out.append(block)
    return tuple(out[:8])


def _flat_blocks(root: SyntaxTreeNode):
    """("label", text) for headings and bold-only lines, ("text", text) for paragraphs and list items."""
    for node in root.children:
        if node.type == "heading":
            yield "label", inline_text(node.children[0])
        elif node.type == "paragraph":
            lines = _lines_of(node.children[0])
            first = nodes_text(lines[0])
            if _is_bold_only(lines[0]) or _BREAKING_LABEL.match(first) or re.match(r"^\W*breaking changes?\s*:", first, re.I):
                yield "label", first
                rest = _lines_text(lines[1:])
                if rest:
                    yield "text", rest
            else:
                yield "text", inline_text(node.children[0])
        elif node.type in ("bullet_list", "ordered_list"):
            for item in node.children:
                paras = [c for c in item.children if c.type == "paragraph"]
                if not paras:
                    continue
                lines = _lines_of(paras[0].children[0])
                if len(paras) == 1 and len(lines) == 1 and _is_bold_only(lines[0]):
                    yield "label", inline_text(paras[0].children[0])
                else:
                    yield "text", " ".join(inline_text(p.children[0]) for p in paras)


# ---------------------------------------------------------------------------------------- templates

_TEMPLATES: tuple[tuple[str, re.Pattern], ...] = tuple((name, re.compile(p, re.I | re.M)) for name, p in (
    ("vllm-ascend", r"^#+\s*What this PR does\s*/\s*why we need it"),
    ("flashinfer", r"^#+\s*📌\s*Description|^#+\s*🚀\s*Pull Request Checklist"),
    ("mooncake", r"^#+\s*Type of Change\s*$|^#+\s*AI Assistance Disclosure"),
    ("lmdeploy", r"^#+\s*BC-breaking|^#+\s*Modification\s*$"),
    ("sglang", r"^#+\s*Modifications\s*$|^#+\s*Accuracy Tests?\s*$|^#+\s*Benchmark(?:ing)? (?:and|&) Profiling"),
    ("vllm", r"^#+\s*Purpose\s*$|^#+\s*Test Result\s*$|Essential Elements of an Effective PR Description"),
    ("dynamo", r"^#+\s*Overview:?\s*$|^#+\s*Where should the reviewer start"),
    ("llm-compressor", r"^\s*#*\s*(?-i:SUMMARY)\s*:?\s*$|^#+\s*Purpose\s*#+\s*$|^\s*#*\s*(?-i:TEST PLAN)\s*:?\s*$"),
    ("motivation", r"^#+\s*Motivation\s*$"),
    ("summary", r"^#+\s*Summary\s*$"),
    ("description", r"^#+\s*Description\s*$"),
))


def detect_template(body: str) -> str | None:
    """Which PR template the body follows, if a known one: a repository's name or a generic shape."""
    for name, rx in _TEMPLATES:
        if rx.search(body):
            return name
    return None


# -------------------------------------------------------------------------------------- shortening

_SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？]")
_CLAUSE_END = re.compile(r"[,;:](?=\s)|[，；：、]|\s[—–]\s|(?<=\))(?=\s)")
_SOFT_CLAUSE = re.compile(r"\s(?=(?:and|or|but|which|that|so|because|when|while|where|if|since|after|before|"
                          r"until|unless|whereas|then|thus|to avoid|to make|to support|so that|instead of)\s)")


def balanced(text: str) -> bool:
    """Inline Markdown that renders as written: per markdown-it's tokens every backtick belongs to a code
    span (an unmatched one would turn the rest of a line into code). Units keep no other inline Markdown:
    emphasis and links are reduced to their text at parse time, and the report escapes what is left."""
    tokens = _MD.parseInline(text)
    children = tokens[0].children if tokens else []
    return not any(t.type == "text" and "`" in t.content for t in children or [])


def _cut_points(text: str, limit: int) -> list[tuple[int, int]]:
    """(end index of the kept text, rank): sentence ends rank 0, clause ends 1, conjunctions 2."""
    masked = _mask_code(text)[: limit + 1]
    points = []
    for rank, rx in enumerate((_SENTENCE_END, _CLAUSE_END, _SOFT_CLAUSE)):
        for m in rx.finditer(masked):
            end = m.end() if rank == 0 else m.start()
            if 0 < end <= limit - 2:
                points.append((end, rank))
    return points


def shorten(text: str, limit: int = 220) -> str:
    """``text`` on one line, at most about ``limit`` characters, cut only at a sentence or clause boundary
    (latest sentence end, else latest clause end, else before a conjunction) and marked with "…". The
    result is balanced per :func:`balanced`; if no boundary keeps it so, the first sentence is kept whole."""
    text = _WS.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    points = _cut_points(text, limit)
    floor = limit * 0.4
    for want in (0, 1, 2):
        for end, rank in sorted((p for p in points if p[1] == want and p[0] >= floor), reverse=True):
            out = _close(text[:end], rank)
            if balanced(out):
                return out
    for end, rank in sorted(points, key=lambda p: (p[1], -p[0])):
        out = _close(text[:end], rank)
        if balanced(out) and len(out) > 8:
            return out
    for end, rank in sorted(_cut_points(text, len(text)), key=lambda p: p[0]):
        out = _close(text[:end], rank)  # no boundary fits: the first one after the limit
        if end > limit and balanced(out):
            return out
    return text if balanced(text) else text.replace("`", "")


_CLOSERS = "\"'”’)]}」』`*_ "
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
# The last word of a text that visibly goes on: it was cut, not finished.
_DANGLING = re.compile(r"(?:\b(?:and|or|but|to|of|the|a|an|with|for|in|on|at|by|from|as|that|which|when|while|into|onto|"
                       r"via|than|because|so|if|is|are|was|were|be|its|their|this|these|such|like|instead of)|[(\[{—–-])$",
                       re.I)
# A colon that announces what follows ("the benefits are:", "as follows:") rather than ending a statement.
_ANNOUNCES = re.compile(r"(?:\b(?:are|is|include|includes|including|as follows|follows|following|below|by|with|like|"
                        r"namely|as|of|for|to|the|these|this|in|on|from|such as|e\.g\.)|[(\[])$", re.I)


def settle(text: str) -> str:
    """A unit that ends where a sentence ends: a complete statement without its final mark gets the full stop
    of its own script ("." or "。", punctuation only, never words); a colon or a list separator at the end
    becomes that full stop, or "…" when it announced something that is not there; text that visibly runs on
    is cut back to its last boundary and marked "…"."""
    text = _WS.sub(" ", text).strip()
    if not text:
        return text
    core = text.rstrip(_CLOSERS)
    if not core or core.endswith(("…", "...")) or core[-1] in ".!?。！？":
        return text
    stop = "。" if _CJK.match(core[-1]) else "."
    if core[-1] in ":：":
        head = text[: len(core) - 1].rstrip()
        if _ANNOUNCES.search(head):
            return head + ("…" if stop == "。" else " …")
        return head + stop
    if core[-1] in ",;，；、" and len(core) == len(text):
        text = core = text[:-1].rstrip()
        stop = "。" if core and _CJK.match(core[-1]) else "."
    if _DANGLING.search(core) and len(core) == len(text):
        cut = shorten(text, max(1, len(text) - 1))
        return cut if cut.endswith("…") else text + " …"
    return text + stop


def _close(kept: str, rank: int) -> str:
    kept = kept.rstrip()
    if rank > 0:
        kept = kept.rstrip(",;:，；：、—– ")
    sep = "" if re.search(r"[\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]$", kept) else " "
    return f"{kept}{sep}…"


__all__ = ["parse", "prepare", "shorten", "settle", "balanced", "sentences", "role_of", "detect_template",
           "DATASET_BODY_LIMIT"]
