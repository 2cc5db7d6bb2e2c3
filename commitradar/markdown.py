"""Markdown safety and anchors: escaping untrusted text, and GitHub's heading-slug rules.

Commit text (and LLM output) is untrusted: it must not open a table row, a heading, a link, HTML or a
code block of its own. ``inline`` makes any string one line of literal text; ``cell`` additionally keeps a
table row one row. ``github_slug`` follows github-slugger (what github.com uses for heading ids).
"""
from __future__ import annotations

import re
import unicodedata

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#~!])")


def clean(text: str) -> str:
    """One line: control and bidi characters dropped, every run of white space (newlines too) → one space."""
    text = _CONTROL.sub("", text.replace("\r", " ").replace("\n", " ").replace("\t", " "))
    return re.sub(r" {2,}", " ", text).strip()


_CODE_SPAN = re.compile(r"`([^`]+)`")


def _literal(text: str) -> str:
    return _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))


_BLOCK_START = re.compile(r"^(?:[-+]|\d{1,9}[.)])(?=\s|$)")


def inline(text: str, in_table: bool = False) -> str:
    """Literal inline text on one line: Markdown and HTML specials backslash-escaped, ``&`` as an entity.
    Balanced single-backtick spans stay code spans (their content cannot format anything). A leading
    ``-``/``+``/``1.`` is escaped too, so text after a list bullet cannot open a nested list or a rule."""
    text = clean(text)
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(_literal(text[pos:m.start()]))
        span = code(m.group(1))
        out.append(span.replace("|", "\\|") if in_table else span)
        pos = m.end()
    out.append(_literal(text[pos:]))
    result = "".join(out)
    m = _BLOCK_START.match(result)
    if m:
        result = result[: m.end() - 1] + "\\" + result[m.end() - 1:]
    return result


def plain(text: str) -> str:
    """What a reader sees of ``inline(text)`` once rendered: escapes gone, code spans as their text.
    GitHub slugs headings from this rendered text."""
    text = clean(text)
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(text[pos:m.start()])
        out.append(clean(m.group(1)))
        pos = m.end()
    out.append(text[pos:])
    return "".join(out)


def cell(text: str) -> str:
    """A table cell: like ``inline``; ``|`` is escaped (in code spans too) so the row keeps its columns."""
    return inline(text, in_table=True) or " "


def code(text: str) -> str:
    """Inline code span that no backtick inside can close early."""
    text = clean(text)
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# Symbols that Unicode calls Alphabetic (circled/squared/negative letters): github-slugger keeps them.
_ALPHABETIC_SYMBOLS = ((0x24B6, 0x24E9), (0x1F130, 0x1F149), (0x1F150, 0x1F169), (0x1F170, 0x1F189))


def _slug_keeps(ch: str) -> bool:
    if ch in " -":
        return True
    cat = unicodedata.category(ch)
    if cat[0] in ("L", "M") or cat in ("Nd", "Nl", "Pc"):
        return True
    return any(lo <= ord(ch) <= hi for lo, hi in _ALPHABETIC_SYMBOLS)


def github_slug(heading: str) -> str:
    """GitHub's id for a heading (github-slugger): lower-case; letters, marks, decimal and letter numbers,
    connector punctuation (``_``), ``-`` and spaces kept (other numbers like ``²`` go); spaces become ``-``.
    Emoji and punctuation vanish (so ``📊 统计摘要`` → ``-统计摘要``)."""
    return "".join("-" if ch == " " else ch for ch in heading.lower() if _slug_keeps(ch))


class SlugBook:
    """Unique slugs in document order, as GitHub makes them (``x``, ``x-1``, ``x-2``, ...)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def slug(self, heading: str) -> str:
        base = github_slug(heading)
        slug = base
        while slug in self.seen:
            self.seen[base] += 1
            slug = f"{base}-{self.seen[base]}"
        self.seen[slug] = 0
        return slug
