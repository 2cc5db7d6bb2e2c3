"""``commitradar site``: the static site and Atom feeds, built from real reports (the shared datasets and a
repository with hostile commit text) and checked in a real headless Chromium (Debian's chromium and
chromedriver, driven by selenium; nothing is downloaded): no console error on any page, filters and search
change what is shown, every link resolves, untrusted text stays text, and a screenshot of the index."""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import tempfile
import threading
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import history
import pytest
from conftest import ROOT, SHARED, assert_one_line_error, run_cli

from commitradar.twin import site_page_path

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
ATOM = "{http://www.w3.org/2005/Atom}"
DAYS = ("2026-08-03", "2026-08-04", "2026-08-05")
DATASETS = ("vllm-ascend", "lmdeploy", "flashinfer")
HOSTILE = ('<img src=x onerror="window.__pwned=1"> & <script>window.__pwned=2</script> '
           '"quoted" `code` [link](javascript:window.__pwned=3) | pipe')


# ------------------------------------------------------------------------------------------ the site under test


def _hostile_repo(tmp: Path) -> Path:
    """A real repository whose commit subjects and authors are hostile HTML."""
    commits = history.plan(date(2026, 8, 3), 3, per_day=2)
    commits = [c.__class__(c.day, HOSTILE + f" #{i}" if i % 2 == 0 else c.subject, c.when, c.kind)
               for i, c in enumerate(commits)]
    path = history.build(tmp / "hostile", commits)
    return path


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("site")
    out = tmp / "out"
    env = {"COMMITRADAR_CACHE": str(tmp / "cache")}
    files = [a for name in DATASETS for a in ("--commits", SHARED / "data" / "commits" / f"{name}.jsonl.gz")]
    for d in DAYS:
        res = run_cli("report", *files, "--date", d, "--classifier", "rules", "--lang", "en", "--out", out, env=env)
        assert res.returncode == 0, res.stderr
    cfg = tmp / "commitradar.toml"
    cfg.write_text(f'classifier = "rules"\nlang = "en"\n[[repos]]\npath = "{_hostile_repo(tmp)}"\nname = "evil/hostile"\n')
    res = run_cli("run", "--config", cfg, "--out", out, "--since", DAYS[0], "--until", DAYS[-1], "--site",
                  env=env)
    assert res.returncode == 0, res.stderr
    assert (out / "site" / "index.html").is_file()
    return out


def twins(out: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted((out / "reports").rglob("*.json"))]


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []  # (tag, url)
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        for key in ("href", "src"):
            if a.get(key):
                self.refs.append((tag, a[key]))


def parse(path: Path) -> _Links:
    p = _Links()
    p.feed(path.read_text(encoding="utf-8"))
    return p


# ------------------------------------------------------------------------------------------ files


def test_every_link_of_every_page_resolves_and_every_asset_is_local(out):
    site = out / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) >= 3 * 4 + 4  # reports, repository pages, digests, index
    ids = {p: parse(p).ids for p in pages}
    checked = 0
    for page in pages:
        for tag, url in parse(page).refs:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https"):
                assert tag == "a", (page, url)  # only links leave the site; nothing is loaded from the network
                continue
            if parts.scheme == "data":
                continue
            assert not parts.scheme and not parts.netloc, (page, url)
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), (page, url)
            assert site.resolve() in target.parents, (page, url)
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in ids[target], (page, url)
            checked += 1
    assert checked > 300


def test_one_page_per_report_with_every_commit_and_headline(out):
    site = out / "site"
    for t in twins(out):
        folder = "/".join(re.sub(r"[^A-Za-z0-9._-]", "_", s) for s in t["repo"].split("/"))
        page = site / "repos" / folder / f"{t['label']}.html"
        assert page == site / site_page_path(t["repo"], t["label"])  # where chat messages link to
        html = page.read_text()
        ids = parse(page).ids
        for e in t["entries"]:
            assert (e.get("anchor") or f"commit-{e['commit']['sha'][:12]}") in ids
        for it in (t.get("headline") or {}).get("items") or []:
            if it.get("anchor"):
                assert it["anchor"] in ids
        assert 'data-tier="high"' in html or not any(e["verdict"]["tier"] == "high" for e in t["entries"])
    index = (site / "index.html").read_text()
    assert index.count("<tr data-repo=") == len(twins(out))


def test_untrusted_text_is_escaped_in_every_output(out):
    site = out / "site"
    for path in site.rglob("*.html"):
        text = path.read_text()
        assert "<script>window.__pwned" not in text and "<img src=x" not in text, path
    page = (site / "repos" / "evil" / "hostile" / f"{DAYS[0]}.html").read_text()
    assert "&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in page
    assert 'href="javascript:' not in page
    feed = (site / "feed.xml").read_text()
    assert "<script>" not in feed and "&lt;script&gt;" not in feed.replace("&amp;lt;script&amp;gt;", "")


def test_atom_feeds_are_valid_and_have_one_entry_per_report(out):
    site = out / "site"
    all_twins = twins(out)
    feeds = [site / "feed.xml"] + sorted((site / "repos").rglob("feed.xml"))
    assert len(feeds) == 1 + len({t["repo"] for t in all_twins})
    seen_ids = set()
    for feed_path in feeds:
        root = ET.parse(feed_path).getroot()
        assert root.tag == f"{ATOM}feed"
        for tag in ("id", "title", "updated"):
            assert root.find(f"{ATOM}{tag}") is not None and root.find(f"{ATOM}{tag}").text, (feed_path, tag)
        rels = {link.get("rel"): link.get("href") for link in root.findall(f"{ATOM}link")}
        assert (feed_path.parent / rels["self"]).resolve() == feed_path.resolve()
        entries = root.findall(f"{ATOM}entry")
        ids = [e.find(f"{ATOM}id").text for e in entries]
        assert len(ids) == len(set(ids)) and all(i.startswith("urn:uuid:") for i in ids)
        for e in entries:
            assert e.find(f"{ATOM}title").text and e.find(f"{ATOM}updated").text
            href = e.find(f"{ATOM}link").get("href")
            assert (feed_path.parent / href).resolve().is_file(), href
            assert e.find(f"{ATOM}content").get("type") == "html"
        if feed_path == site / "feed.xml":
            assert len(entries) == len(all_twins)
            seen_ids = set(ids)
        else:
            assert set(ids) <= seen_ids and entries
    # stable ids: rebuilding gives the same ids
    res = run_cli("site", "--out", out)
    assert res.returncode == 0, res.stderr
    again = ET.parse(site / "feed.xml").getroot()
    assert {e.find(f"{ATOM}id").text for e in again.findall(f"{ATOM}entry")} == seen_ids


def test_site_reads_the_json_twins_not_the_markdown(tmp_path, out):
    copy = tmp_path / "copy"
    shutil.copytree(out / "reports", copy / "reports")
    for md in (copy / "reports").rglob("*.md"):
        md.unlink()
    bad = copy / "reports" / "2026" / "broken.json"
    bad.write_text("{not json")
    res = run_cli("site", "--out", copy, "--lang", "en")
    assert res.returncode == 0, res.stderr
    assert "broken.json" in res.stderr  # a bad file is named and skipped, the rest is built
    pages = sorted(p.relative_to(copy / "site") for p in (copy / "site").rglob("*.html"))
    assert pages == sorted(p.relative_to(out / "site") for p in (out / "site").rglob("*.html"))


def test_site_on_an_empty_folder_and_bad_out(tmp_path):
    res = run_cli("site", "--out", tmp_path / "empty")
    assert res.returncode == 0, res.stderr
    assert "还没有报告" in (tmp_path / "empty" / "site" / "index.html").read_text()
    (tmp_path / "file").write_text("x")
    assert_one_line_error(run_cli("site", "--out", tmp_path / "file"), "file")


# ------------------------------------------------------------------------------------------ in a browser


@pytest.fixture(scope="module")
def server(out):
    handler = functools.partial(_QuietHandler, directory=str(out / "site"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    httpd.shutdown()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM.is_file() and CHROMEDRIVER.is_file(), \
        "headless browser tests need Debian's chromium and chromium-driver (see .ci/run)"
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-quic", "--disable-sync",
                 f"--user-data-dir={profile}", "--window-size=1280,1400"):
        opts.add_argument(flag)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=opts)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def _errors(driver) -> list[dict]:
    return [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def _visible(driver, selector: str) -> int:
    return driver.execute_script(
        "return Array.from(document.querySelectorAll(arguments[0])).filter(e => e.offsetParent !== null).length",
        selector)


def test_every_page_loads_without_console_errors_and_every_link_resolves(server, browser, out):
    todo, seen, resources = [server + "index.html"], set(), set()
    while todo:
        url = todo.pop()
        if url in seen:
            continue
        seen.add(url)
        browser.get(url)
        assert _errors(browser) == [], url
        assert browser.execute_script("return document.readyState") == "complete"
        resources |= set(browser.execute_script(
            "return performance.getEntriesByType('resource').map(r => r.name)"))
        for href in browser.execute_script("return Array.from(document.querySelectorAll('a[href]')).map(a => a.href)"):
            target, _, fragment = href.partition("#")
            if not target.startswith(server):
                assert target.startswith(("https://", "http://")), href
                continue
            if target.endswith(".html") and target not in seen:
                todo.append(target)
    assert len(seen) == len(list((out / "site").rglob("*.html")))  # every page is reachable from the index
    assert resources and all(r.startswith(server) for r in resources)  # nothing from the network


def test_filters_and_search_change_what_is_shown(server, browser, out):
    from selenium.webdriver.support.ui import Select

    all_twins = twins(out)
    browser.get(server + "index.html")
    rows = "tr[data-repo]"
    assert _visible(browser, rows) == len(all_twins)
    status = browser.find_element("id", "filter-status")
    assert str(len(all_twins)) in status.text

    Select(browser.find_element("id", "tier-filter")).select_by_value("high")
    with_high = sum(1 for t in all_twins if any(e["verdict"]["tier"] == "high" for e in t["entries"]))
    assert 0 < with_high < len(all_twins)
    assert _visible(browser, rows) == with_high
    Select(browser.find_element("id", "tier-filter")).select_by_value("all")

    Select(browser.find_element("id", "repo-filter")).select_by_value("InternLM/lmdeploy")
    assert _visible(browser, rows) == sum(1 for t in all_twins if t["repo"] == "InternLM/lmdeploy")
    assert {r.get_attribute("data-repo") for r in browser.find_elements("css selector", rows) if r.is_displayed()} \
        == {"InternLM/lmdeploy"}
    Select(browser.find_element("id", "repo-filter")).select_by_value("")

    # search: a word from one commit subject finds that commit and the report it is in
    target = next(e for t in all_twins if t["repo"] == "flashinfer-ai/flashinfer" for e in t["entries"]
                  if e["verdict"]["tier"] == "low")
    word = max(re.findall(r"[A-Za-z_]{6,}", target["commit"]["subject"]), key=len)
    box = browser.find_element("id", "search")
    box.send_keys(word)
    results = browser.find_elements("css selector", "#search-results li a")
    assert results and any(target["commit"]["subject"] == a.text for a in results)
    assert 0 < _visible(browser, rows) < len(all_twins)
    box.clear()
    box.send_keys("zzzz-no-such-text-zzzz")
    assert _visible(browser, rows) == 0
    assert "0" in browser.find_element("css selector", "#search-results h2").text

    # hostile text typed into search results stays text
    box.clear()
    box.send_keys("pwned")
    assert browser.find_elements("css selector", "#search-results li a")
    assert browser.execute_script("return window.__pwned === undefined")
    assert _errors(browser) == []

    # a report page: unticking a tier hides its commits
    t = next(t for t in all_twins if t["repo"] == "vllm-project/vllm-ascend" and t["entries"])
    browser.get(server + f"repos/vllm-project/vllm-ascend/{t['label']}.html")
    n_low = sum(1 for e in t["entries"] if e["verdict"]["tier"] == "low")
    assert n_low and _visible(browser, "article.entry") == len(t["entries"])
    browser.find_element("css selector", "input[name=tier][value=low]").click()
    assert _visible(browser, "article.entry") == len(t["entries"]) - n_low
    assert _visible(browser, "article.entry[data-tier=low]") == 0


def test_untrusted_text_never_runs_in_the_browser(server, browser):
    browser.get(server + f"repos/evil/hostile/{DAYS[0]}.html")
    assert browser.execute_script("return window.__pwned === undefined")
    headings = [h.text for h in browser.find_elements("css selector", "article.entry h3")]
    assert any('<img src=x onerror="window.__pwned=1">' in h for h in headings), headings
    assert _errors(browser) == []


def test_pages_are_accessible(server, browser, out):
    """Landmarks, one h1, no skipped heading level, every control labelled, a skip link first in tab
    order, and text contrast of at least 4.5:1 (WCAG AA) for the coloured parts."""
    from selenium.webdriver.common.keys import Keys

    check = """
    const out = {lang: document.documentElement.lang, h1: document.querySelectorAll('h1').length,
      main: document.querySelectorAll('main').length, nav: document.querySelectorAll('nav[aria-label]').length,
      skipped: [], unlabelled: [], low: []};
    let prev = 0;
    for (const h of document.querySelectorAll('h1,h2,h3,h4,h5,h6')) {
      const level = +h.tagName[1]; if (level > prev + 1) out.skipped.push(h.tagName + ' ' + h.textContent); prev = level; }
    for (const c of document.querySelectorAll('input,select,textarea')) {
      const lab = (c.id && document.querySelector('label[for="' + c.id + '"]')) || c.closest('label') || c.getAttribute('aria-label');
      if (!lab) out.unlabelled.push(c.outerHTML); }
    function rgb(s) { return s.match(/[\\d.]+/g).slice(0, 4).map(Number); }
    function lum(c) { const v = c.slice(0, 3).map(x => { x /= 255; return x <= 0.03928 ? x / 12.92 : Math.pow((x + 0.055) / 1.055, 2.4); });
      return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; }
    function bg(el) { for (; el; el = el.parentElement) { const c = rgb(getComputedStyle(el).backgroundColor);
      if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; }
    for (const el of document.querySelectorAll('a, .badge, .muted, .kind, th, td, p, li, label, h1, h2, h3')) {
      if (!el.offsetParent || !el.textContent.trim()) continue;
      const a = lum(rgb(getComputedStyle(el).color)), b = lum(bg(el));
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) out.low.push(el.className + ' ' + ratio.toFixed(2)); }
    return out;"""
    pages = ["index.html", "digests/index.html", f"repos/vllm-project/vllm-ascend/{DAYS[1]}.html",
             "repos/InternLM/lmdeploy/index.html"]
    weeks = sorted((out / "site" / "digests").glob("*-W*.html"))
    pages.append(f"digests/{weeks[0].name}")
    for page in pages:
        browser.get(server + page)
        r = browser.execute_script(check)
        assert r["lang"] in ("zh-CN", "en") and r["h1"] == 1 and r["main"] == 1 and r["nav"] >= 1, (page, r)
        assert r["skipped"] == [] and r["unlabelled"] == [] and r["low"] == [], (page, r)
    browser.get(server + "index.html")
    browser.find_element("tag name", "body").send_keys(Keys.TAB)
    first = browser.switch_to.active_element
    assert first.get_attribute("class") == "skip" and first.is_displayed()
    first.send_keys(Keys.ENTER)
    assert browser.current_url.endswith("#main")


def test_screenshot_of_the_index_is_kept(server, browser, tmp_path):
    browser.get(server + "index.html")
    shot = tmp_path / "index.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copy(shot, artifacts / "site-index.png")


def test_digest_pages_are_linked_from_the_site(server, browser, out):
    browser.get(server + "index.html")
    links = [a.get_attribute("href") for a in browser.find_elements("css selector", "section.day h2 a")]
    assert links and all(re.search(r"/digests/\d{4}-W\d{2}\.html$", h) for h in links)
    browser.get(links[0])
    assert _errors(browser) == []
    assert browser.find_elements("css selector", "main section h2")
    md = urljoin(links[0], browser.find_element("link text", "Markdown").get_attribute("href"))
    assert md.endswith(".md")
