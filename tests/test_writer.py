"""The deterministic writer: facts only, complete sections per tier, nothing cut mid-word."""
from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from commitradar.features import extract
from commitradar.records import Commit, FileChange, Verdict
from commitradar.writer.deterministic import DeterministicWriter, clip, summary_lines, write_one

T0 = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
BODY = """## What this PR does / why we need it?
Adds the Step3p5 model family.

- Add `Step3p5ForCausalLM` with sliding-window attention layers
- Register the model in the loader and the parser registry
- [x] I have run the tests
* Enable multi-layer EAGLE for Step3p5 by default

### Does this PR introduce any user-facing change?
No.
Signed-off-by: someone <a@b.c>
- vLLM version: v0.11.0
"""


def make(subject="[Model] Support Step-3.5-Flash (#18084)", body=BODY, files=None) -> Commit:
    files = files or {"pkg/models/step3p5.py": (700, 0), "csrc/attn.cu": (40, 2), "tests/test_step.py": (30, 0)}
    return Commit(repo="o/r", sha="c" * 40, author="A", author_email_domain="", authored_at=T0, committed_at=T0,
                  parents=("d" * 40,), subject=subject, body=body,
                  files=tuple(FileChange(p, a, d) for p, (a, d) in files.items()))


def verdict(tier: str) -> Verdict:
    return Verdict(tier, "feature", ("test",), "rules:default")


def test_summary_keeps_pr_sentences_and_items_and_drops_template_noise():
    c = make()
    assert summary_lines(c, extract(c), "en") == (
        "Adds the Step3p5 model family.",
        "Add `Step3p5ForCausalLM` with sliding-window attention layers",
        "Register the model in the loader and the parser registry",
        "Enable multi-layer EAGLE for Step3p5 by default",
    )


def test_summary_skips_the_repeated_title_and_joins_wrapped_lines():
    body = ("Fix the race in req_to_token pool.\n\nThe pool was shared between two threads without a lock,\n"
            "which corrupted slots.")
    c = make("[Bugfix] Fix the race in req_to_token pool (#7)", body)
    assert summary_lines(c, extract(c), "en") == (
        "The pool was shared between two threads without a lock, which corrupted slots.",)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=600))
def test_clip_never_cuts_a_word_and_says_when_it_shortened(text):
    out = clip(text, 120)
    flat = " ".join(text.split())
    assert len(out) <= 122
    if out == flat:
        return
    assert out.endswith("…") or out.endswith(".") or out.endswith("。")
    kept = out.rstrip(" …")
    assert flat.startswith(kept)
    nxt = flat[len(kept):len(kept) + 1]
    assert nxt in ("", " ") or not kept[-1:].isalnum() or not nxt.isalnum()


def test_sections_are_complete_per_tier_and_only_from_facts():
    c = make()
    f = extract(c)
    high = write_one(c, f, verdict("high"), "en")
    assert high.summary and high.impact and high.suggestions and high.source == "deterministic"
    assert high.insights is None  # nothing to say from facts alone: not invented
    for line in high.summary:
        assert line.rstrip(" …") in c.subject + "\n" + c.body  # every summary line is quoted from the message
    assert any("models: 1 file (+700/-0)" == line for line in high.impact)
    assert any("kernel" in s.lower() for s in high.suggestions)
    medium = write_one(c, f, verdict("medium"), "zh")
    assert medium.summary and medium.impact and medium.suggestions and medium.risks == ()
    low = write_one(c, f, verdict("low"), "en")
    assert len(low.summary) == 1 and "\n" not in low.summary[0] and low.impact == ()
    assert "3 files (+770/-2)" in low.summary[0]


def test_writer_notes_that_no_llm_was_used():
    c = make()
    res = DeterministicWriter().write([(c, extract(c), verdict("medium"))], "en")
    assert len(res.proses) == 1 and res.usage is None
    assert res.notes == ["No LLM configured: the text below was written by the deterministic writer from commit "
                         "messages and file statistics."]
