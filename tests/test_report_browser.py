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


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium for the module; each test drives a fresh tab of it."""
    with Chromium() as browser:
        yield browser


@pytest.fixture
def tab(chromium) -> Chromium:
    chromium.new_tab()
    return chromium


@pytest.fixture
def browser(tab, report):
    tab.open(report["page"])
    tab.wait_for("document.querySelectorAll('.cluster').length > 0")
    return tab


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
    assert browser.evaluate(f"document.querySelectorAll('{story} table.members tr').length") == 1 + 4
    marked = f"document.querySelectorAll('{story} .diff ins, {story} .diff del').length"
    # Cross-script members are compared in one script by default: the Traditional copy differs little.
    assert browser.evaluate(f"document.querySelector('{story} .diff-caption').textContent").endswith(
        "(compared as Simplified)")
    in_one_script = browser.evaluate(marked)
    sides = browser.evaluate(f"[...document.querySelectorAll('{story} .diff .side')].map(s => s.textContent)")
    assert len(sides) == 2 and "西洽会" in sides[0] and "西洽会" in sides[1]
    browser.click("#f-simplified")   # the original, on demand
    browser.wait_for(f"!document.querySelector('{story} .diff-caption').textContent.includes('Simplified')")
    sides = browser.evaluate(f"[...document.querySelectorAll('{story} .diff .side')].map(s => s.textContent)")
    assert "西洽会" in sides[0] and "西洽會" in sides[1]
    across_scripts = browser.evaluate(marked)
    assert across_scripts > 10 and across_scripts > 5 * in_one_script


def diff_of(browser, cluster_id: str, url: str) -> None:
    """Show the diff of member ``url`` of an open cluster."""
    rows = browser.evaluate(f"[...document.querySelectorAll('{card(cluster_id)} table.members tr')]"
                            ".map(r => (r.querySelector('a.url') || {}).href || '')")
    browser.click(f"{card(cluster_id)} table.members tr:nth-child({rows.index(url) + 1}) .show-diff")
    browser.wait_for(f"document.querySelector('{card(cluster_id)} tr.selected a.url').href === {json.dumps(url)}")


def test_moves_are_moves_and_the_change_buttons_and_keys_step_through_changes(browser, report):
    story = card(report["story"])
    open_cluster(browser, report["story"])
    diff_of(browser, report["story"], "https://wire.example/w/2")
    moved = browser.evaluate(f"[...document.querySelectorAll('{story} mark.moved')].map(m => [m.title, m.textContent])")
    assert [title for title, _ in moved] == ["paragraph moved from here", "paragraph moved here"]
    assert moved[0][1] == moved[1][1] and moved[0][1].startswith("其实，香港之所以受邀")
    assert not browser.evaluate(f"[...document.querySelectorAll('{story} .diff del, {story} .diff ins')]"
                                ".some(n => n.textContent.includes('其实'))")
    assert browser.evaluate(f"document.querySelector('{story} .change-count').textContent").startswith("3 changes")
    caption = browser.evaluate(f"document.querySelector('{story} .diff-caption').textContent")
    assert 95 < float(caption.split(": ")[1].split("%")[0]) < 100  # a move keeps its characters in common

    current = f"[...document.querySelectorAll('{story} .current')].map(n => n.dataset.hunk + ':' + n.textContent)"
    right = f"document.querySelector('{story} .diff .side:last-child')"
    browser.click(f"{story} .next-change")
    first = browser.evaluate(current)
    browser.click(f"{story} .next-change")
    second = browser.evaluate(current)
    assert first and second and first != second
    assert {item.split(":")[0] for item in first} == {"0"} and {item.split(":")[0] for item in second} == {"1"}
    browser.click(f"{story} .next-change")
    at_last = browser.evaluate(f"{right}.scrollTop")
    assert at_last > 0  # the last change (the moved paragraph's new place) is far down: the pane scrolled to it
    assert browser.evaluate(f"document.querySelector('{story} .change-count').textContent").startswith("change 3 of 3")
    browser.click(f"{story} .prev-change")
    assert browser.evaluate(current) == second
    browser.evaluate("document.activeElement.blur()")
    browser.key("n")
    assert browser.evaluate(f"document.querySelector('{story} .change-count').textContent").startswith("change 3 of 3")
    browser.key("p")
    browser.key("p")
    assert browser.evaluate(current) == first
    # The panes scroll together.
    left = f"document.querySelector('{story} .diff .side:first-child')"
    settle = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"
    browser.evaluate(settle)   # scroll events of the jumps are delivered before the next frame
    browser.evaluate(f"{left}.scrollTop = 60")
    browser.wait_for(f"{right}.scrollTop > 0 && {right}.scrollTop < 200")
    browser.evaluate(settle)
    browser.evaluate(f"{left}.scrollTop = 0")
    browser.wait_for(f"{right}.scrollTop === 0")
    browser.evaluate(settle)
    browser.evaluate(f"{left}.scrollTop = {left}.scrollHeight")
    browser.wait_for(f"{right}.scrollTop > 0 && Math.abs({right}.scrollTop + {right}.clientHeight - {right}.scrollHeight) <= 2")


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


def test_unsafe_urls_are_not_links(tab, tmp_path):
    """A document whose URL is `javascript:` (only possible by writing the store directly) shows as text."""
    from corpus.workspace import Workspace
    from report_support import fill_store

    workspace = Workspace(tmp_path / "ws").ensure()
    with workspace.open_store() as store, store.transaction() as db:
        fill_store(db)
    run_cli("report", "--out", str(tmp_path / "r"), home=workspace)
    tab.open(Path(tmp_path / "r" / "report.html").as_uri())
    tab.click(f"{card('c-evil')} .cluster-head")
    tab.wait_for(f"document.querySelector('{card('c-evil')} .diff')")
    text = tab.evaluate("document.getElementById('clusters').innerText")
    assert "javascript:alert(1)" in text
    assert tab.evaluate("document.querySelectorAll('a[href^=\"javascript\"]').length") == 0


def test_a_link_opens_its_cluster(tab, report):
    tab.open(f"{report['page']}#cluster={report['evil']}")
    tab.wait_for(f"document.querySelector('{card(report['evil'])} .diff')")
    assert shown_clusters(tab) == [report["evil"]]
    assert tab.evaluate("window.__pwned === undefined && !document.body.hasAttribute('data-pwned')")


@pytest.mark.parametrize("width", [1400, 400, 360])
def test_the_page_fits_the_screen_from_desktop_to_phone(tab, report, width, tmp_path):
    tab.viewport(width)
    tab.open(report["page"])
    tab.wait_for("document.querySelectorAll('.cluster').length > 0")
    # On a phone scrollbars overlay the page; on a desktop the vertical one takes its width.
    fits = ("document.documentElement.scrollWidth === window.innerWidth" if width <= 600 else
            "document.documentElement.scrollWidth === document.documentElement.clientWidth")
    assert tab.evaluate("window.innerWidth") == width
    assert tab.evaluate(fits), tab.evaluate("document.documentElement.scrollWidth")
    open_cluster(tab, report["story"])
    tab.screenshot(tmp_path / f"report-{width}.png")
    assert tab.evaluate(fits), tab.evaluate("document.documentElement.scrollWidth")
    assert (tmp_path / f"report-{width}.png").stat().st_size > 10_000
    story = card(report["story"])
    rows = tab.evaluate(f"[...document.querySelectorAll('{story} table.members tr')].slice(1)"
                            ".map(r => r.getBoundingClientRect().height)")
    assert rows and max(rows) < 200, rows   # a member row stays readable: title and URL on screen
    folded = tab.evaluate("!document.getElementById('filter-box').open")
    assert folded == (width <= 600)
    if folded:
        assert tab.evaluate("document.getElementById('filter-box').getBoundingClientRect().height") < 60
        tab.click("#filter-box summary")
        tab.wait_for("document.getElementById('filter-box').open")
        assert tab.evaluate(fits)
