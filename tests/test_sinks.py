"""Sinks against real HTTP servers on 127.0.0.1 (tests/sink_server.py): exact payloads per platform,
signatures recomputed by the server, retries (429 with Retry-After, 500 forever, a timeout, a dropped
connection), redirects, the at-most-once record, escaping of untrusted commit text, size limits, and no
secret in any output or file. Twins come from the real pipeline (``commitradar report``) and from the
contract's example (docs/report-json.md).
"""
from __future__ import annotations

import io
import json
import logging
import re
import time
from pathlib import Path

import pytest
from conftest import DAY, SHARED, GitRepo, assert_one_line_error, build_day_repo, files_under, run_cli
from markdown_it import MarkdownIt
from sink_server import SinkServer

from commitradar.errors import InputError
from commitradar.sinks import SINKS, Links, read_twin, summarize
from commitradar.sinks.config import SINK_TYPES, SinkConfig
from commitradar.sinks.deliver import LEDGER_NAME, deliver

REPORT = "https://github.com/me/radar/blob/main"
SITE = "https://me.github.io/radar"
LINKS = Links(report_url=REPORT, site_url=SITE)
A, B, C, D, E = (ch * 40 for ch in "abcde")
TOKEN = "tok3n-SECRET-path"
SECRET = "SEC-very-secret-value-42"

# The contract's example (docs/report-json.md), cut to what a sink reads plus a little more.
CONTRACT = {
    "format_version": 2, "repo": "vllm-project/vllm-ascend",
    "remote_url": "https://github.com/vllm-project/vllm-ascend", "label": "2026-03-12",
    "start": "2026-03-12T00:00:00+08:00", "end": "2026-03-13T00:00:00+08:00", "timezone": "Asia/Shanghai",
    "lang": "en", "classifier": "model", "writer": "deterministic",
    "stats": {"total": 5, "high": 1, "medium": 3, "low": 1},
    "headline": {"items": [
        {"kind": "must_read", "sha": A, "anchor": "commit-aaaaaaaaaaaa", "text": "Fuse the MLA kernel"},
        {"kind": "breaking", "sha": B, "anchor": "commit-bbbbbbbbbbbb",
         "text": "`--enable-foo` was removed: use `--foo`"},
        {"kind": "dependency", "sha": C, "anchor": "commit-cccccccccccc", "text": "CANN → 9.0.1"},
    ], "overview": None},
    "entries": [
        {"anchor": "commit-aaaaaaaaaaaa", "commit_url": f"https://github.com/vllm-project/vllm-ascend/commit/{A}",
         "pr_url": "https://github.com/vllm-project/vllm-ascend/pull/7139", "reason": "…", "breaking": None,
         "commit": {"sha": A, "subject": "[Perf] Fuse the MLA kernel (#7139)"}, "verdict": {"tier": "high"}},
        {"anchor": "commit-bbbbbbbbbbbb", "commit_url": f"https://github.com/vllm-project/vllm-ascend/commit/{B}",
         "pr_url": None, "reason": "…",
         "breaking": {"kind": "removal", "what": "`--enable-foo` was removed: use `--foo`",
                      "evidence": "The `--enable-foo` flag is removed.", "subject": "--enable-foo", "source": "body",
                      "version": None},
         "commit": {"sha": B, "subject": "[Misc] Drop --enable-foo"}, "verdict": {"tier": "medium"}},
        {"anchor": "commit-cccccccccccc", "commit_url": None, "pr_url": None, "reason": "…", "breaking": None,
         "commit": {"sha": C, "subject": "[Deps] Upgrade CANN to 9.0.1"}, "verdict": {"tier": "medium"}},
        {"anchor": "commit-eeeeeeeeeeee", "commit_url": None, "pr_url": None, "reason": "…", "breaking": None,
         "commit": {"sha": E, "subject": "Add a test for the scheduler"}, "verdict": {"tier": "medium"}},
        {"anchor": "commit-dddddddddddd", "commit_url": None, "pr_url": None, "reason": "…", "breaking": None,
         "commit": {"sha": D, "subject": "Fix a typo"}, "verdict": {"tier": "low"}},
    ],
    "notes": [], "usage": None,
}
REL = "reports/2026/vllm-project/vllm-ascend/2026-03-12.md"
R_URL = f"{REPORT}/{REL}"
P_URL = f"{SITE}/repos/vllm-project/vllm-ascend/2026-03-12.html"  # the page `commitradar site` writes

EXPECTED = {
    "webhook": {
        "format": "commitradar.summary/1", "repo": "vllm-project/vllm-ascend", "day": "2026-03-12", "lang": "en",
        "stats": {"total": 5, "high": 1, "medium": 3, "low": 1},
        "headline": {"overview": None, "items": [
            {"kind": "must_read", "sha": A, "text": "Fuse the MLA kernel", "url": f"{P_URL}#commit-aaaaaaaaaaaa"},
            {"kind": "breaking", "sha": B, "text": "`--enable-foo` was removed: use `--foo`",
             "url": f"{P_URL}#commit-bbbbbbbbbbbb"},
            {"kind": "dependency", "sha": C, "text": "CANN → 9.0.1", "url": f"{P_URL}#commit-cccccccccccc"}]},
        "breaking": [{"sha": B, "kind": "removal", "what": "`--enable-foo` was removed: use `--foo`",
                      "subject": "--enable-foo", "commit_url": f"https://github.com/vllm-project/vllm-ascend/commit/{B}",
                      "pr_url": None, "url": f"{P_URL}#commit-bbbbbbbbbbbb"}],
        "entries": [{"sha": E, "tier": "medium", "subject": "Add a test for the scheduler",
                     "url": f"{P_URL}#commit-eeeeeeeeeeee"}],
        "links": {"report": R_URL, "report_path": REL, "site": P_URL},
    },
    "wecom": {"msgtype": "markdown", "markdown": {"content": "\n".join([
        "**vllm-project/vllm-ascend daily update (2026-03-12)**",
        "5 commits | 🔴 high 1 | 🟡 medium 3 | 🟢 low 1",
        "**Must read**",
        f"[aaaaaaa]({P_URL}#commit-aaaaaaaaaaaa) 🔴 Fuse the MLA kernel",
        "**Breaking changes**",
        f"[bbbbbbb]({P_URL}#commit-bbbbbbbbbbbb) 🟡 `--enable-foo` was removed: use `--foo`",
        "**Dependency moves**",
        f"[ccccccc]({P_URL}#commit-cccccccccccc) 🟡 CANN → 9.0.1",
        "**Other high- and medium-importance changes**",
        f"[eeeeeee]({P_URL}#commit-eeeeeeeeeeee) 🟡 Add a test for the scheduler",
        f"[Full report]({R_URL}) · [Web page]({P_URL})"])}},
    "dingtalk": {"msgtype": "markdown", "markdown": {
        "title": "vllm-project/vllm-ascend daily update (2026-03-12)",
        "text": "\n\n".join([
            "#### vllm-project/vllm-ascend daily update (2026-03-12)",
            "5 commits | 🔴 high 1 | 🟡 medium 3 | 🟢 low 1",
            "**Must read**", f"- [aaaaaaa]({P_URL}#commit-aaaaaaaaaaaa) 🔴 Fuse the MLA kernel",
            "**Breaking changes**",
            f"- [bbbbbbb]({P_URL}#commit-bbbbbbbbbbbb) 🟡 `--enable-foo` was removed: use `--foo`",
            "**Dependency moves**", f"- [ccccccc]({P_URL}#commit-cccccccccccc) 🟡 CANN → 9.0.1",
            "**Other high- and medium-importance changes**",
            f"- [eeeeeee]({P_URL}#commit-eeeeeeeeeeee) 🟡 Add a test for the scheduler",
            f"[Full report]({R_URL}) · [Web page]({P_URL})"])}},
    "feishu": {"msg_type": "post", "content": {"post": {"en_us": {
        "title": "vllm-project/vllm-ascend daily update (2026-03-12)",
        "content": [
            [{"tag": "text", "text": "5 commits | 🔴 high 1 | 🟡 medium 3 | 🟢 low 1"}],
            [{"tag": "text", "text": "Must read", "style": ["bold"]}],
            [{"tag": "text", "text": "• 🔴 Fuse the MLA kernel "},
             {"tag": "a", "text": "aaaaaaa", "href": f"{P_URL}#commit-aaaaaaaaaaaa"}],
            [{"tag": "text", "text": "Breaking changes", "style": ["bold"]}],
            [{"tag": "text", "text": "• 🟡 `--enable-foo` was removed: use `--foo` "},
             {"tag": "a", "text": "bbbbbbb", "href": f"{P_URL}#commit-bbbbbbbbbbbb"}],
            [{"tag": "text", "text": "Dependency moves", "style": ["bold"]}],
            [{"tag": "text", "text": "• 🟡 CANN → 9.0.1 "},
             {"tag": "a", "text": "ccccccc", "href": f"{P_URL}#commit-cccccccccccc"}],
            [{"tag": "text", "text": "Other high- and medium-importance changes", "style": ["bold"]}],
            [{"tag": "text", "text": "• 🟡 Add a test for the scheduler "},
             {"tag": "a", "text": "eeeeeee", "href": f"{P_URL}#commit-eeeeeeeeeeee"}],
            [{"tag": "a", "text": "Full report", "href": R_URL}, {"tag": "text", "text": " · "},
             {"tag": "a", "text": "Web page", "href": P_URL}],
        ]}}}},
    "slack": {
        "text": "vllm-project/vllm-ascend daily update (2026-03-12): 5 commits | 🔴 high 1 | 🟡 medium 3 | 🟢 low 1",
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": "vllm-project/vllm-ascend daily update (2026-03-12)",
                                        "emoji": True}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "5 commits | 🔴 high 1 | 🟡 medium 3 | 🟢 low 1"}},
            *[{"type": "rich_text", "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": head, "style": {"bold": True}}]},
                {"type": "rich_text_list", "style": "bullet", "elements": [{"type": "rich_text_section", "elements": [
                    {"type": "text", "text": text + " "},
                    {"type": "link", "url": f"{P_URL}#commit-{sha[:12]}", "text": sha[:7]}]}]}]}
              for head, text, sha in (("Must read", "🔴 Fuse the MLA kernel", A),
                                      ("Breaking changes", "🟡 `--enable-foo` was removed: use `--foo`", B),
                                      ("Dependency moves", "🟡 CANN → 9.0.1", C),
                                      ("Other high- and medium-importance changes", "🟡 Add a test for the scheduler", E))],
            {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
                {"type": "link", "url": R_URL, "text": "Full report"}, {"type": "text", "text": " · "},
                {"type": "link", "url": P_URL, "text": "Web page"}]}]},
        ]},
}


def sink(platform: str, server: SinkServer, **kw) -> SinkConfig:
    url = server.url("/robot/send", f"access_token={TOKEN}") if platform == "dingtalk" else server.url()
    return SinkConfig(type=platform, url=url, backoff=kw.pop("backoff", 0.01), **kw)


@pytest.fixture
def servers():
    made: list[SinkServer] = []

    def make(platform: str, secret: str | None = None, script=()) -> SinkServer:
        made.append(SinkServer(platform, secret, list(script)))
        return made[-1]

    yield make
    for s in made:
        s.close()


# ------------------------------------------------------------------ twins from the real pipeline

def _report(*args) -> Path:
    res = run_cli("report", "--classifier", "rules", *args)
    assert res.returncode == 0, res.stderr
    return next(Path(p) for p in res.stdout.split() if p.endswith(".json"))


@pytest.fixture(scope="session")
def day_twin(tmp_path_factory) -> tuple[Path, Path]:
    """The fixed day (tests/conftest.py) reported in English by the real CLI: (out folder, twin path)."""
    root = tmp_path_factory.mktemp("sinkday")
    repo = GitRepo(root / "demo")
    build_day_repo(repo)
    out = root / "out"
    return out, _report("--repo", repo.path, "--date", DAY, "--tz", "Asia/Shanghai", "--lang", "en", "--out", out)


EVIL = [
    "[click me](http://evil.example/phish) and ![x](http://evil.example/pixel.png)",
    "<@all> <font color=\"warning\">ALERT</font> <!channel> <script>alert(1)</script>",
    "**bold** `unbalanced code and *emph* ~~strike~~ | a | b |",
    "# heading? > quote? \\[escaped\\] &amp; &lt;b&gt;",
]


@pytest.fixture(scope="session")
def evil_twin(tmp_path_factory) -> dict:
    """Commit subjects that try to inject links, images, mentions, HTML and formatting; all made high."""
    root = tmp_path_factory.mktemp("evil")
    repo = GitRepo(root / "evil")
    repo.commit("Initial import", {"README.md": "x\n"}, when="2026-03-09T10:00:00+08:00")
    for i, subject in enumerate(EVIL):
        repo.commit(f"feat!: {subject}\n\nBREAKING CHANGE: removes the old path", {f"csrc/k{i}.cu": "// k\n" * 400},
                    when=f"2026-03-10T1{i}:00:00+08:00")
    out = root / "out"
    path = _report("--repo", repo.path, "--date", DAY, "--tz", "Asia/Shanghai", "--lang", "en", "--out", out)
    return json.loads(path.read_text())


@pytest.fixture(scope="session")
def busy_twin(tmp_path_factory) -> dict:
    """A month of vllm-ascend (a real dataset, hundreds of commits) in one report, in Chinese."""
    out = tmp_path_factory.mktemp("busy")
    path = _report("--commits", SHARED / "data" / "commits" / "vllm-ascend.jsonl.gz", "--since", "2026-01-01",
                   "--until", "2026-01-31", "--lang", "zh", "--out", out)
    return json.loads(path.read_text())


# ------------------------------------------------------------------ the registry and the payloads

def test_registry_is_the_configurable_types():
    assert list(SINKS) == sorted(SINK_TYPES)
    for name in SINKS:
        assert SINKS.get(name).docs, name  # every platform cites its documentation
    with pytest.raises(InputError, match="unknown sink type 'teams'"):
        SINKS.get("teams")


@pytest.mark.parametrize("platform", sorted(EXPECTED))
def test_exact_payload_from_the_contract_twin(platform, servers, tmp_path):
    server = servers(platform)
    result = deliver([CONTRACT], [sink(platform, server)], tmp_path / "cache", links=LINKS)
    assert result.ok and len(result.sent) == 1, result
    [req] = server.requests
    assert req.headers["content-type"].startswith("application/json")
    assert req.json() == EXPECTED[platform]


def test_signatures_are_what_the_platforms_recompute(servers, tmp_path):
    for platform in ("feishu", "dingtalk", "webhook"):
        server = servers(platform, secret=SECRET)
        good = deliver([CONTRACT], [sink(platform, server, secret_env="HOOK_SECRET")], tmp_path / platform,
                       links=LINKS, env={"HOOK_SECRET": SECRET})
        assert good.ok, (platform, good)
        body = server.requests[0].json()
        if platform == "feishu":  # the signature rides in the body, next to the message
            assert set(body) == {"timestamp", "sign", "msg_type", "content"}
            assert {k: body[k] for k in ("msg_type", "content")} == EXPECTED["feishu"]
        if platform == "dingtalk":  # ... or in the URL, after the token
            q = server.requests[0].query
            assert q["access_token"] == [TOKEN] and abs(int(q["timestamp"][0]) / 1000 - time.time()) < 60
        bad = deliver([CONTRACT], [sink(platform, server, secret_env="HOOK_SECRET", name="other")], tmp_path / platform,
                      links=LINKS, env={"HOOK_SECRET": "not-the-secret"})
        assert not bad.ok and len(server.requests) == 2, (platform, bad)  # a refused signature is not retried
        assert any(code in bad.failed[0].detail for code in ("19021", "310000", "HTTP 401")), bad.failed[0].detail


def test_real_twin_delivers_as_written(day_twin, servers, tmp_path):
    """The twin exactly as `commitradar report` wrote it (whatever its format version) goes everywhere."""
    out, path = day_twin
    data = json.loads(path.read_text())
    for platform in SINK_TYPES:
        server = servers(platform)
        result = deliver([path], [sink(platform, server, min_tier="low")], tmp_path / "cache", out_dir=out, links=LINKS)
        assert result.ok, (platform, result)
        text = json.dumps(server.requests[0].json(), ensure_ascii=False)
        assert data["repo"] in text and str(data["stats"]["total"]) in text, platform
        rel = path.relative_to(out).with_suffix(".md").as_posix()
        assert f"{REPORT}/{rel}" in text, (platform, rel)  # the link to the report
        for e in data["entries"]:  # min_tier = low: every commit is listed (the day is short)
            assert e["commit"]["sha"][:7] in text, (platform, e["commit"]["subject"])


def _visible(platform: str, payload: dict) -> tuple[str, set[str], str]:
    """(text a reader sees, link targets, rendered HTML) of a message, by reading it as the platform would."""
    if platform in ("dingtalk", "wecom"):
        md = payload["markdown"]["text" if platform == "dingtalk" else "content"]
        html = MarkdownIt("commonmark").render(md)
        links = set(re.findall(r'href="([^"]*)"', html)) | set(re.findall(r'src="([^"]*)"', html))
        return re.sub(r"<[^>]+>", "", html), links, html
    if platform == "feishu":
        rows = next(iter(payload["content"]["post"].values()))["content"]
        els = [el for row in rows for el in row]
        assert {el["tag"] for el in els} <= {"text", "a"}
        return "".join(el["text"] for el in els), {el["href"] for el in els if el["tag"] == "a"}, ""
    texts, links = [], set()

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "link":
                links.add(node["url"])
            if node.get("type") in ("text", "plain_text", "link") and "text" in node:
                texts.append(node["text"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for x in node:
                walk(x)

    walk(payload["blocks"])
    return " ".join(texts), links, payload["text"]


@pytest.mark.parametrize("platform", ["slack", "feishu", "dingtalk", "wecom"])
def test_untrusted_commit_text_cannot_format_link_or_mention(platform, evil_twin, servers, tmp_path):
    server = servers(platform)
    assert deliver([evil_twin], [sink(platform, server, min_tier="low")], tmp_path / "c", links=LINKS).ok
    payload = server.requests[0].json()
    text, links, rendered = _visible(platform, payload)
    assert all(u.startswith((REPORT, SITE)) for u in links), links  # no link or image of the commit's making
    assert "evil.example/phish" in text and "ALERT" in text  # ... yet the words are all there
    if platform in ("dingtalk", "wecom"):
        for tag in ("<img", "<script", "<font", "<strong>bold", "<code>", "<em>", "<h1", "<blockquote"):
            assert tag not in rendered, (tag, rendered)
        md = payload["markdown"]["text" if platform == "dingtalk" else "content"]
        assert "<@all>" not in md and "<font" not in md  # WeCom's own mention and colour syntax
    if platform == "slack":  # the notification text is mrkdwn: &, <, > escaped as Slack documents
        assert "<@all>" not in rendered and "<!channel>" not in rendered
        for block in payload["blocks"]:
            if block["type"] == "section" and block["text"]["type"] == "mrkdwn":
                assert "evil" not in block["text"]["text"]  # untrusted text never lands in mrkdwn


@pytest.mark.parametrize("platform,limit", [("wecom", 4096), ("dingtalk", 20_000), ("feishu", 20 * 1024),
                                            ("slack", 12_000)])
def test_a_long_period_is_cut_at_a_line_with_a_link_to_the_rest(platform, limit, busy_twin, servers, tmp_path):
    assert busy_twin["stats"]["total"] > 300
    server = servers(platform)
    assert deliver([busy_twin], [sink(platform, server, min_tier="low")], tmp_path / "c", links=LINKS).ok
    payload = server.requests[0].json()
    size = (len(payload["markdown"]["content"].encode()) if platform == "wecom" else
            sum(len(x) for x in re.findall(r'"text": "((?:[^"\\]|\\.)*)"', json.dumps(payload, ensure_ascii=False)))
            if platform == "slack" else len(server.requests[0].body))
    assert size <= limit, size
    text, links, _ = _visible(platform, payload)
    m = re.search(r"……还有 (\d+) 条，见完整报告", text)
    assert m, text[-300:]
    rel = f"reports/2026/vllm-project/vllm-ascend/{busy_twin['label']}.md"
    assert f"{REPORT}/{rel}" in links
    shown = {sha for sha in (e["commit"]["sha"][:7] for e in busy_twin["entries"]) if sha in text}
    assert len(shown) + int(m.group(1)) == len(busy_twin["entries"])  # every item is shown whole or counted
    assert len(shown) >= 10
    if platform != "slack":  # the budget is used: one more item would not have fit
        assert size > limit * 0.8, size


def test_summary_lists_the_headline_then_every_entry_at_min_tier():
    twin = read_twin(CONTRACT)
    kinds = [(i.kind, i.sha) for i in summarize(twin, REL, LINKS, "high").items]
    assert kinds == [("must_read", A), ("breaking", B), ("dependency", C)]
    assert [(i.kind, i.sha) for i in summarize(twin, REL, LINKS, "low").items][3:] == [("entry", E), ("entry", D)]
    no_links = summarize(twin, REL, Links(), "medium")  # without a published report: the commit's own page
    assert no_links.items[0].url == CONTRACT["entries"][0]["commit_url"] and no_links.items[2].url is None
    payload = SINKS.get("wecom").fit(no_links)
    assert payload["markdown"]["content"].endswith(f"Full report: {REL}")


@pytest.mark.parametrize("broken,needle", [
    ({"headline": None}, "headline"),
    ({"entries": [{"anchor": "x"}]}, "entries.0"),
    ({"lang": "fr"}, "lang"),
    ({"stats": {"total": 1}}, "stats.high"),
])
def test_a_broken_twin_is_one_clear_error(broken, needle, tmp_path):
    with pytest.raises(InputError, match=re.escape(needle)):
        deliver([{**CONTRACT, **broken}], [SinkConfig(type="webhook", url="http://127.0.0.1:9/x")], tmp_path)


# ------------------------------------------------------------------ retries, failures, redirects

def test_429_then_success_honours_retry_after(servers, tmp_path):
    server = servers("slack", script=[("status", 429, {"Retry-After": "1"}, "rate_limited")])
    result = deliver([CONTRACT], [sink("slack", server, backoff=0.01)], tmp_path, links=LINKS)
    assert result.ok and result.sent[0].attempts == 2
    first, second = server.requests
    assert second.at - first.at >= 0.95  # Retry-After: 1, though the back-off alone would wait 10 ms
    assert second.json() == first.json()


def test_500_forever_fails_after_the_retries_and_is_retried_next_time(servers, tmp_path):
    server = servers("wecom", script=[("status", 500, {}, "boom")] * 4)
    cfg = sink("wecom", server, retries=3)
    result = deliver([CONTRACT], [cfg], tmp_path, links=LINKS)
    assert not result.ok and len(server.requests) == 4
    assert result.failed[0].detail == "HTTP 500 (after 4 tries)"
    assert f"wecom (127.0.0.1:{server.httpd.server_address[1]})" == result.failed[0].sink
    err = result.error()
    assert err.exit_code == 5 and "HTTP 500" in str(err)
    again = deliver([CONTRACT], [cfg], tmp_path, links=LINKS)  # not recorded: the next run tries again
    assert again.ok and len(server.requests) == 5


def test_platform_rate_limit_code_is_retried(servers, tmp_path):
    server = servers("dingtalk", script=[("status", 200, {}, {"errcode": 130101, "errmsg": "send too fast"})])
    result = deliver([CONTRACT], [sink("dingtalk", server)], tmp_path, links=LINKS)
    assert result.ok and len(server.requests) == 2


def test_a_timeout_is_retried_then_reported(servers, tmp_path):
    server = servers("feishu", script=[("sleep", 1.5), ("sleep", 1.5)])
    result = deliver([CONTRACT], [sink("feishu", server, timeout=0.3, retries=1)], tmp_path, links=LINKS)
    assert not result.ok and len(server.requests) == 2
    assert result.failed[0].detail == "timed out after 0.3 s (after 2 tries)"


def test_a_connection_closed_mid_request_is_retried(servers, tmp_path):
    server = servers("webhook", script=[("close",)])
    result = deliver([CONTRACT], [sink("webhook", server)], tmp_path, links=LINKS)
    assert result.ok and len(server.requests) == 2 and result.sent[0].attempts == 2


def test_redirects(servers, tmp_path):
    server = servers("slack", script=[("redirect", 308, "/moved/here")])
    result = deliver([CONTRACT], [sink("slack", server)], tmp_path / "a", links=LINKS)
    assert result.ok and [r.path for r in server.requests] == ["/hook/" + TOKEN, "/moved/here"]
    assert server.requests[1].json() == EXPECTED["slack"]  # the POST and its body, not a GET
    # 302 would turn the POST into a GET; another host is not where the user sent the report
    for action in (("redirect", 302, "/moved"), ("redirect", 307, f"http://localhost:{server.httpd.server_address[1]}/x")):
        server.requests.clear()
        server.script[:] = [action]
        result = deliver([CONTRACT], [sink("slack", server)], tmp_path / action[2][-2:], links=LINKS)
        assert not result.ok and len(server.requests) == 1, result
        assert "not followed" in result.failed[0].detail


# ------------------------------------------------------------------ at most once, dry runs, secrets

def test_at_most_once_per_report_day_unless_resend(servers, tmp_path, day_twin):
    out, path = day_twin
    slack, wecom = servers("slack"), servers("wecom")
    sinks = [sink("slack", slack), sink("wecom", wecom, repos=("nobody/*",))]  # the filter keeps wecom out
    first = deliver([path, CONTRACT], sinks, tmp_path, out_dir=out, links=LINKS)
    assert len(first.sent) == 2 and len(slack.requests) == 2 and not wecom.requests
    again = deliver([path, CONTRACT], sinks, tmp_path, out_dir=out, links=LINKS)
    assert len(again.skipped) == 2 and not again.sent and len(slack.requests) == 2
    assert "already delivered" in again.line()
    resent = deliver([CONTRACT], sinks, tmp_path, links=LINKS, resend=True)
    assert len(resent.sent) == 1 and len(slack.requests) == 3
    assert (tmp_path / LEDGER_NAME).is_file()


def test_dry_run_prints_payloads_and_sends_nothing(servers, tmp_path):
    server = servers("feishu")
    buf = io.StringIO()
    cfg = SinkConfig(type="feishu", url_env="FEISHU_HOOK_URL", secret_env="FEISHU_SECRET")
    env = {"FEISHU_HOOK_URL": server.url(), "FEISHU_SECRET": SECRET}
    result = deliver([CONTRACT], [cfg], tmp_path, links=LINKS, dry_run=True, env=env, stdout=buf)
    assert [o.status for o in result.outcomes] == ["dry-run"] and not server.requests
    head, _, body = buf.getvalue().partition("\n")
    assert head.startswith(f"# feishu (127.0.0.1:{server.httpd.server_address[1]}) <- vllm-project/vllm-ascend 2026-03-12")
    assert "signed when sent" in head and json.loads(body) == EXPECTED["feishu"]
    assert SECRET not in buf.getvalue() and TOKEN not in buf.getvalue()
    assert not (tmp_path / LEDGER_NAME).exists()  # a dry run records nothing


@pytest.fixture
def sink_log(caplog):
    """What delivery logs, whatever an earlier in-process CLI run did to the "commitradar" logger."""
    logger = logging.getLogger("commitradar")
    saved = logger.handlers[:], logger.level
    logger.handlers[:] = [caplog.handler]
    logger.setLevel(logging.WARNING)
    yield caplog
    logger.handlers[:] = saved[0]
    logger.setLevel(saved[1])


def test_secrets_never_in_logs_errors_or_files(servers, tmp_path, sink_log):
    caplog = sink_log
    echo = {"errcode": 300001, "errmsg": f"token {TOKEN} with secret {SECRET} is not valid"}  # a chatty answer
    server = servers("dingtalk", script=[("status", 503, {}, f"upstream {TOKEN} failed")] * 2 + [("status", 200, {}, echo)])
    cfg = SinkConfig(type="dingtalk", url_env="DING_URL", secret_env="DING_SECRET", retries=2, backoff=0.01)
    env = {"DING_URL": server.url("/robot/send", f"access_token={TOKEN}"), "DING_SECRET": SECRET}
    result = deliver([CONTRACT], [cfg], tmp_path, links=LINKS, env=env)
    assert not result.ok and len(server.requests) == 3
    signs = {r.query["sign"][0] for r in server.requests}
    said = caplog.text + str(result.error()) + repr(result)
    assert "dingtalk (127.0.0.1:" in said and "retry 2 of 2" in said and "DingTalk error 300001: token ***" in said
    for secret in (TOKEN, SECRET, *signs):
        assert secret not in said, secret
    ok = deliver([CONTRACT], [SinkConfig(type="dingtalk", url_env="DING_URL", secret_env="DING_SECRET")], tmp_path,
                 links=LINKS, env=env)
    assert ok.ok
    for f in files_under(tmp_path):
        blob = f.read_bytes()
        for secret in (TOKEN, SECRET):
            assert secret.encode() not in blob, f


def test_missing_environment_is_a_failure_naming_the_variable(tmp_path):
    cfg = SinkConfig(type="slack", url_env="NOPE_SLACK_URL")
    result = deliver([CONTRACT], [cfg], tmp_path, env={})
    assert not result.ok and "NOPE_SLACK_URL" in result.failed[0].detail
    assert result.failed[0].sink == "slack ($NOPE_SLACK_URL is not set)"


@pytest.mark.parametrize("settings,needle", [
    ({"type": "slack"}, "exactly one of url or url_env"),
    ({"type": "slack", "url": "https://x", "url_env": "X"}, "exactly one of url or url_env"),
    ({"type": "wecom", "url_env": "X", "secret_env": "Y"}, "does not sign"),
    ({"type": "teams", "url_env": "X"}, "type"),
    ({"type": "slack", "url_env": "X", "token": "t"}, "Extra inputs"),
    ({"type": "slack", "url": "ftp://x"}, "http"),
    ({"type": "slack", "url_env": "X", "min_tier": "urgent"}, "min_tier"),
])
def test_sink_settings_are_validated(settings, needle):
    with pytest.raises(ValueError, match=needle):
        SinkConfig(**settings)


# ------------------------------------------------------------------ the command line

def _settings(cwd: Path, *tables: str, top: str = f'report_url = "{REPORT}"\n') -> None:
    (cwd / "commitradar.toml").write_text(top + "".join(tables))


HOOK = '[[sinks]]\ntype = "webhook"\nurl_env = "HOOK_URL"\nsecret_env = "HOOK_SECRET"\nbackoff = 0.01\nretries = 1\n'


@pytest.fixture(scope="session")
def cli_repo(tmp_path_factory) -> GitRepo:
    repo = GitRepo(tmp_path_factory.mktemp("clirepo") / "demo")
    build_day_repo(repo)
    return repo


def _report_args(repo: GitRepo, out: Path) -> list:
    return ["report", "--repo", repo.path, "--date", DAY, "--tz", "Asia/Shanghai", "--classifier", "rules",
            "--lang", "en", "--out", out]


def _no_secrets(res, *roots: Path) -> None:
    for secret in (TOKEN, SECRET):
        assert secret not in res.stdout and secret not in res.stderr, secret
        for root in roots:
            for f in files_under(root):
                assert secret.encode() not in f.read_bytes(), (secret, f)


def test_report_send_delivers_once_then_skips_then_resends(cli, cli_repo, servers, tmp_path):
    server = servers("webhook", secret=SECRET)
    _settings(tmp_path, HOOK)
    env = {"HOOK_URL": server.url(), "HOOK_SECRET": SECRET}
    out = tmp_path / "out"
    res = cli(*_report_args(cli_repo, out), "--send", env=env)
    assert res.returncode == 0, res.stderr
    assert "deliveries: sent 1" in res.stderr and len(server.requests) == 1
    twin = next(Path(p) for p in res.stdout.split() if p.endswith(".json"))
    body = server.requests[0].json()
    assert body["repo"] == json.loads(twin.read_text())["repo"] and body["links"]["report"].startswith(REPORT)
    again = cli(*_report_args(cli_repo, out), "--send", env=env)
    assert again.returncode == 0 and "already delivered" in again.stderr and len(server.requests) == 1
    resent = cli(*_report_args(cli_repo, out), "--resend", env=env)
    assert resent.returncode == 0 and len(server.requests) == 2
    _no_secrets(res, out, tmp_path / "cache")


def test_a_failing_sink_exits_5_and_keeps_the_report(cli, cli_repo, servers, tmp_path):
    server = servers("webhook", script=[("status", 500, {}, "down")] * 2)
    _settings(tmp_path, HOOK)
    env = {"HOOK_URL": server.url(), "HOOK_SECRET": SECRET}
    res = cli(*_report_args(cli_repo, tmp_path / "out"), "--send", env=env)
    assert res.returncode == 5
    assert_one_line_error(res, f"not delivered: webhook (127.0.0.1:{server.httpd.server_address[1]})", "HTTP 500")
    assert "retry 1 of 1" in res.stderr and len(server.requests) == 2
    plain = cli(*_report_args(cli_repo, tmp_path / "plain"))  # the same report, never sent anywhere
    written = sorted(p.relative_to(tmp_path / "out") for p in files_under(tmp_path / "out"))
    assert written == sorted(p.relative_to(tmp_path / "plain") for p in files_under(tmp_path / "plain"))
    for rel in written:
        assert (tmp_path / "out" / rel).read_bytes() == (tmp_path / "plain" / rel).read_bytes()
    assert plain.returncode == 0
    _no_secrets(res, tmp_path / "out", tmp_path / "cache")
    later = cli("send", "--date", DAY, "--tz", "Asia/Shanghai", "--out", tmp_path / "out", env=env)
    assert later.returncode == 0, later.stderr  # `send` delivers what failed, from the written twin
    assert len(server.requests) == 3 and "deliveries: sent 1" in later.stderr


def test_report_send_dry_run_prints_messages_and_writes_nothing(cli, cli_repo, servers, tmp_path):
    server = servers("feishu")
    _settings(tmp_path, '[[sinks]]\ntype = "feishu"\nurl_env = "FS_URL"\nsecret_env = "FS_SECRET"\n')
    out = tmp_path / "out"
    res = cli(*_report_args(cli_repo, out), "--send", "--dry-run", env={"FS_URL": server.url(), "FS_SECRET": SECRET})
    assert res.returncode == 0, res.stderr
    _, sep, rest = res.stdout.partition("# feishu (127.0.0.1:")  # after the LLM dry run's own summary
    head, _, body = (sep + rest).partition("\n")
    assert sep and "signed when sent" in head
    payload = json.loads(body)
    assert payload["msg_type"] == "post" and "sign" not in payload
    assert not server.requests and not out.exists() and not (tmp_path / "cache" / LEDGER_NAME).exists()
    _no_secrets(res)


def test_send_without_sinks_is_one_clear_error(cli, cli_repo, tmp_path):
    _settings(tmp_path)
    res = cli(*_report_args(cli_repo, tmp_path / "out"), "--send")
    assert_one_line_error(res, "no sinks configured", "[[sinks]]")
    assert files_under(tmp_path / "out")  # the reports were written first
    assert_one_line_error(cli("send", "--date", "2020-01-01", "--out", tmp_path / "out"), "no reports to send")


def test_docs_delivery_example_is_a_valid_configuration(tmp_path):
    """docs/delivery.md's [[sinks]] example loads as the configuration, and its table names every type."""
    from commitradar.config import load_config

    doc = (Path(__file__).resolve().parents[1] / "docs" / "delivery.md").read_text()
    example = re.search(r"```toml\n(.*?)```", doc, re.S).group(1)
    (tmp_path / "c.toml").write_text(example)
    cfg = load_config(tmp_path / "c.toml", env={})
    assert [(s.type, s.url_env, s.secret_env, s.min_tier) for s in cfg.sinks] == [
        ("feishu", "FEISHU_HOOK_URL", "FEISHU_SECRET", "medium")]
    assert cfg.report_url and cfg.site_url
    assert re.findall(r"^\| `(\w+)` \|", doc, re.M) == list(SINK_TYPES)
