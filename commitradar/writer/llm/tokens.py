"""Token estimates without a tokenizer (we do not know the server's model, and must not download one).

``estimate_tokens`` counts ASCII text at one token per 3.5 characters and every other character (CJK,
emoji, accented letters) as one token. BPE tokenizers of current chat models give roughly 4 characters per
token for English prose, 3–3.5 for code and diffs (short identifiers, punctuation, indentation), and about
one token per CJK character (often more for rare ones); so the estimate is slightly high for prose and
close for code, which is the safe side for a budget. Reported usage from the server, when present,
always replaces the estimate in the accounting.
"""
from __future__ import annotations

import math

ASCII_CHARS_PER_TOKEN = 3.5
MESSAGE_OVERHEAD = 4  # role markers and separators per chat message


def estimate_tokens(text: str) -> int:
    if not text:
        return 0
    non_ascii = sum(1 for ch in text if ord(ch) > 127)
    return math.ceil((len(text) - non_ascii) / ASCII_CHARS_PER_TOKEN) + non_ascii


def estimate_messages(messages: list[dict]) -> int:
    return sum(estimate_tokens(m.get("content") or "") + MESSAGE_OVERHEAD for m in messages) + 2
