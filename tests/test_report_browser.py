"""The report in real headless Chromium, from documents planted through the real CLI.

ingest (hostile payloads in titles, outlets and article text) → dedup → report, then Chromium
opens report.html from disk: clusters render, filters narrow them, the diff is shown, the script
toggle works, and no payload runs while each stays visible as text.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import run_cli
from report_support import CHROMIUM, HOSTILE_TITLE, Chromium, browser_articles

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs Debian's chromium)")


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> dict:
    home = tmp_path_factory.mktemp("browser") / "ws"
    planted = home.parent / "articles.jsonl"
    planted.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in browser_articles()), "utf-8")
    run_cli("ingest", str(planted), home=home)
    run_cli("dedup", home=home)
    run_cli("report", "--out", str(home / "report"), home=home)
    data = json.loads((home / "report" / "report.json").read_text("utf-8"))
    by_canonical = {c["members"][0]["url"]: c["cluster_id"] for c in data["clusters"]}
    return {"page": (home / "report" / "report.html").as_uri(), "order": [c["cluster_id"] for c in data["clusters"]],
            "story": by_canonical["https://morning.example/a/1"], "evil": by_canonical["https://evil.example/x"]}


@pytest.fixture
def browser(report):
    with Chromium() as chromium:
        chromium.open(report["page"])
        chromium.wait_for("document.querySelectorAll('.cluster').length > 0")
        yield chromium


def card(cluster_id: str) -> str:
    return f'.cluster[data-cluster-id="{cluster_id}"]'


def shown_clusters(browser) -> list[str]:
    return browser.evaluate("[...document.querySelectorAll('.cluster')].map(c => c.dataset.clusterId)")


def open_cluster(browser, cluster_id: str) -> None:
    browser.click(f"{card(cluster_id)} .cluster-head")
    browser.wait_for(f"document.querySelector('{card(cluster_id)} .diff')")


def test_the_planted_documents_were_deduplicated_as_expected(report):
    assert len(report["order"]) == 3 and report["order"][0] == report["story"]


def test_clusters_render_and_filters_narrow_them(browser, report):
    assert shown_clusters(browser) == report["order"]
    browser.type("#f-q", "西洽会")
    browser.wait_for("document.querySelectorAll('.cluster').length === 1")
    assert shown_clusters(browser) == [report["story"]]
    assert browser.evaluate("document.getElementById('count').textContent").startswith("1 of 3 clusters")

    browser.evaluate("const q = document.getElementById('f-q'); q.value = ''; q.dispatchEvent(new Event('input'))")
    browser.wait_for("document.querySelectorAll('.cluster').length === 3")
    browser.type("#f-min", "2")
    browser.wait_for("document.querySelectorAll('.cluster').length === 2")
    assert set(shown_clusters(browser)) == {report["story"], report["evil"]}


def test_the_diff_is_shown_and_the_script_toggle_compares_in_one_script(browser, report):
    story = card(report["story"])
    open_cluster(browser, report["story"])
    assert browser.evaluate(f"document.querySelectorAll('{story} table.members tr').length") == 1 + 3
    sides = browser.evaluate(f"[...document.querySelectorAll('{story} .diff .side')].map(s => s.textContent)")
    assert len(sides) == 2 and "西洽会" in sides[0] and "西洽會" in sides[1]
    marked = f"document.querySelectorAll('{story} .diff ins, {story} .diff del').length"
    across_scripts = browser.evaluate(marked)
    assert across_scripts > 10  # the Traditional copy differs from its Simplified original character by character
    browser.click("#f-simplified")
    browser.wait_for(f"document.querySelector('{story} .diff-caption').textContent.includes('Simplified')")
    assert browser.evaluate(marked) < across_scripts / 5


def test_hostile_text_executes_nothing_and_stays_visible(browser, report):
    title = browser.evaluate("document.title")
    open_cluster(browser, report["evil"])
    marks = browser.evaluate("""({
        pwned: window.__pwned === undefined ? null : String(window.__pwned),
        bodyMark: document.body.getAttribute('data-pwned'),
        title: document.title,
        imgs: document.querySelectorAll('img').length,
        svgInClusters: document.querySelectorAll('#clusters svg').length,
        scripts: document.scripts.length,
        text: document.getElementById('clusters').innerText,
    })""")
    assert marks["pwned"] is None and marks["bodyMark"] is None
    assert marks["title"] == title and "PWNED" not in title
    assert (marks["imgs"], marks["svgInClusters"], marks["scripts"]) == (0, 0, 2)
    assert HOSTILE_TITLE in marks["text"] and "<b>evil</b>" in marks["text"]
    assert "<img src=x onerror=" in marks["text"] and "<script>window.__pwned='script'" in marks["text"]


def test_only_http_links_and_they_open_safely(browser, report):
    open_cluster(browser, report["story"])
    links = browser.evaluate("[...document.querySelectorAll('#clusters a.url')].map(a => [a.protocol, a.rel, a.target])")
    assert links and all(link == ["https:", "noopener noreferrer", "_blank"] for link in links)


def test_unsafe_urls_are_not_links(tmp_path):
    """A document whose URL is `javascript:` (only possible by writing the store directly) shows as text."""
    from corpus.workspace import Workspace
    from report_support import fill_store

    workspace = Workspace(tmp_path / "ws").ensure()
    with workspace.open_store() as store, store.transaction() as db:
        fill_store(db)
    run_cli("report", "--out", str(tmp_path / "r"), home=workspace)
    with Chromium() as browser:
        browser.open(Path(tmp_path / "r" / "report.html").as_uri())
        browser.click(f"{card('c-evil')} .cluster-head")
        browser.wait_for(f"document.querySelector('{card('c-evil')} .diff')")
        text = browser.evaluate("document.getElementById('clusters').innerText")
        assert "javascript:alert(1)" in text
        assert browser.evaluate("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0


def test_a_link_opens_its_cluster(report):
    with Chromium() as browser:
        browser.open(f"{report['page']}#cluster={report['evil']}")
        browser.wait_for(f"document.querySelector('{card(report['evil'])} .diff')")
        assert shown_clusters(browser) == [report["evil"]]
        assert browser.evaluate("window.__pwned === undefined && !document.body.hasAttribute('data-pwned')")
