"""The report in real headless Chromium: clusters render, filters narrow, diffs show, payloads stay text."""

from __future__ import annotations

import pytest

from conftest import run_cli
from report_support import CHROMIUM, Chromium, fill_store

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs Debian's chromium)")


def cluster(cluster_id: str) -> str:
    return f'.cluster[data-cluster-id="{cluster_id}"]'


@pytest.fixture(scope="module")
def report_page(tmp_path_factory) -> str:
    from corpus.workspace import Workspace

    workspace = Workspace(tmp_path_factory.mktemp("browser") / "ws").ensure()
    store = workspace.open_store()
    with store.transaction() as db:
        fill_store(db)
    store.close()
    run_cli("report", "--out", str(workspace.home / "report"), home=workspace)
    return (workspace.home / "report" / "report.html").as_uri()


@pytest.fixture
def browser(report_page):
    with Chromium() as chromium:
        chromium.open(report_page)
        chromium.wait_for("document.querySelectorAll('.cluster').length > 0")
        yield chromium


def shown_clusters(browser) -> list[str]:
    return browser.evaluate("[...document.querySelectorAll('.cluster')].map(c => c.dataset.clusterId)")


def test_clusters_render_biggest_first_and_filters_narrow_them(browser):
    assert shown_clusters(browser) == ["c-river", "c-covid", "c-evil", "c-weather"]
    assert browser.evaluate("document.getElementById('count').textContent").startswith("4 of 4 clusters")

    browser.type("#f-q", "长江")
    browser.wait_for("document.querySelectorAll('.cluster').length === 1")
    assert shown_clusters(browser) == ["c-river"]

    browser.evaluate("document.getElementById('f-q').value = ''")
    browser.type("#f-min", "3")
    browser.wait_for("document.getElementById('count').textContent.startsWith('1 of 4')")
    assert shown_clusters(browser) == ["c-river"]


def test_a_cluster_opens_with_a_character_diff(browser):
    browser.click(f"{cluster('c-river')} .cluster-head")
    browser.wait_for(f"document.querySelector('{cluster('c-river')} .diff')")
    rows = browser.evaluate(f"[...document.querySelectorAll('{cluster('c-river')} table.members tr')].length")
    assert rows == 1 + 3  # header and three members
    # The exact copy is shown first: nothing inserted. The aggregator's longer copy shows its addition.
    assert browser.evaluate(f"document.querySelectorAll('{cluster('c-river')} .diff ins').length") == 0
    browser.click(f"{cluster('c-river')} table.members tr:nth-child(4) .show-diff")
    inserted = browser.wait_for(
        f"[...document.querySelectorAll('{cluster('c-river')} .diff ins')].map(e => e.textContent).join('')")
    assert inserted == "相关阅读：重庆新闻。"


def test_one_script_toggle_compares_traditional_as_simplified(browser):
    covid = cluster("c-covid")
    browser.click(f"{covid} .cluster-head")
    browser.wait_for(f"document.querySelector('{covid} .diff')")
    in_scripts = browser.evaluate(f"document.querySelectorAll('{covid} .diff ins').length")
    assert in_scripts > 5  # 衞/卫, 輪/轮, … all differ character by character
    browser.click("#f-simplified")
    browser.wait_for(f"document.querySelector('{covid} .diff-caption').textContent.includes('Simplified')")
    inserted = browser.evaluate(f"[...document.querySelectorAll('{covid} .diff ins')].map(e => e.textContent)")
    assert inserted == ["（完）"]
    assert browser.evaluate(f"document.querySelectorAll('{covid} .diff del').length") == 0


def test_hostile_article_text_executes_nothing_and_stays_visible(browser):
    title = browser.evaluate("document.title")
    browser.click(f"{cluster('c-evil')} .cluster-head")
    browser.wait_for(f"document.querySelector('{cluster('c-evil')} .diff')")
    browser.click(f"{cluster('c-evil')} table.members tr:nth-child(3) .show-diff")
    marks = browser.evaluate("""({
        pwned: window.__pwned === undefined ? null : String(window.__pwned),
        bodyMark: document.body.getAttribute('data-pwned'),
        title: document.title,
        imgs: document.querySelectorAll('img').length,
        svgInClusters: document.querySelectorAll('#clusters svg').length,
        scripts: document.scripts.length,
        javascriptLinks: document.querySelectorAll('a[href^="javascript"]').length,
        text: document.getElementById('clusters').innerText,
    })""")
    assert marks["pwned"] is None and marks["bodyMark"] is None
    assert marks["title"] == title and "PWNED" not in title
    assert (marks["imgs"], marks["svgInClusters"], marks["scripts"], marks["javascriptLinks"]) == (0, 0, 2, 0)
    # The payloads are shown to the editor as the text they are.
    assert "<script>document.title='PWNED-title'</script>港聞" in marks["text"]
    assert "<img src=x onerror=" in marks["text"]
    assert "javascript:alert(1)" in marks["text"]
