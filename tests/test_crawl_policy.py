"""The crawl's request policy as Scrapy components (issue 9 item 5) and resumed depth (issue 14 item 12)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT
from crawl_support import crawl, record_at, rows
from hostile_site import HostileSite, article, listing

SCRAPY = str(Path(sys.executable).with_name("scrapy"))


def _calendar(site: HostileSite, pages: int = 30) -> None:
    """An endless calendar: each month links to the next."""
    site.route("/robots.txt", b"", headers={"Content-Type": "text/plain"})
    site.route("/", listing(["/cal/1.html"]))
    for n in range(1, pages):
        site.route(f"/cal/{n}.html", listing([f"/cal/{n + 1}.html"]))


def _deepest(home) -> int:
    months = [int(url.rsplit("/", 1)[1].split(".")[0]) for (url,) in rows(home, "SELECT url FROM fetches")
              if "/cal/" in url]
    return max(months)


def test_a_resumed_crawl_stops_at_the_depth_a_clean_crawl_stops_at(tmp_path):
    depth = ("--set", "NEWSCORPUS_DEPTH_LIMIT=4", "--set", "CONCURRENT_REQUESTS=1")
    with HostileSite() as site:
        _calendar(site)
        crawl(tmp_path / "clean", "--start-url", site.url + "/", *depth)
        # Stopped early, like a killed crawl: months found but not fetched stay in the store.
        crawl(tmp_path / "resumed", "--start-url", site.url + "/", *depth, "--max-pages", "3")
        crawl(tmp_path / "resumed", "--start-url", site.url + "/", *depth)
    assert _deepest(tmp_path / "clean") == 4
    assert _deepest(tmp_path / "resumed") == 4


def _scrapy(*args: str, home: Path):
    env = {**os.environ, "NEWSCORPUS_HOME": str(home), "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([SCRAPY, "crawl", "news", *args, "-s", "NEWSCORPUS_PROGRESS=off"], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


def _said(page: bytes, tag: str) -> bytes:
    return page.replace(b"</head>", tag.encode() + b"</head>")


def test_scrapy_crawl_yields_one_item_per_page_for_feed_exports(tmp_path):
    with HostileSite() as site:
        site.route("/robots.txt", b"", headers={"Content-Type": "text/plain"})
        site.route("/", listing(["/a/1.html", "/a/2.html", "/gone.html", "/moved.html"]))
        site.route("/a/1.html", article("一"))
        # Who published a page, by its own word: og:site_name (escaped, padded), or JSON-LD publisher.name.
        site.route("/a/2.html", _said(article("二"), '<meta content=" 南方&amp;日报\n" property="og:site_name">'))
        site.route("/moved.html", b"", status=301, headers={"Location": "/a/3.html"})
        site.route("/a/3.html", _said(article("三"), '<script type="application/ld+json">{"@type": "NewsArticle", '
                                                    '"publisher": {"@type": "Organization", "name": "南方&日报"}}</script>'))
        out = tmp_path / "pages.jsonl"
        result = _scrapy("-a", f"start_url={site.url}/", "-O", str(out), home=tmp_path / "ws")
    assert result.returncode == 0, result.stderr[-2000:]
    items = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    by_url = {item["url"]: item for item in items}
    assert set(by_url) == {f"{site.url}{path}" for path in ("/", "/a/1.html", "/a/2.html", "/gone.html", "/moved.html")}
    assert by_url[f"{site.url}/gone.html"]["status"] == 404
    moved = by_url[f"{site.url}/moved.html"]
    assert moved["final_url"] == f"{site.url}/a/3.html" and moved["status"] == 200 and moved["kind"] == "article"
    named = "南方&日报"
    assert by_url[f"{site.url}/a/2.html"]["outlet"] == named and moved["outlet"] == named
    # Pages that say nothing: the host at its root; in /a/, the name its pages gave (by the crawl's end).
    assert {by_url[f"{site.url}{path}"]["outlet"] for path in ("/", "/gone.html")} == {"127.0.0.1"}
    assert rows(tmp_path / "ws", "SELECT site FROM fetches WHERE url = ?", (f"{site.url}/a/1.html",)) == [(named,)]
    for item in items:
        record, _ = record_at(tmp_path / "ws", item["warc_file"], item["warc_offset"])
        assert record.rec_headers.get_header("WARC-Target-URI") == item["final_url"]
        stored = rows(tmp_path / "ws", "SELECT status, encoding FROM fetches WHERE warc_offset = ? AND warc_file = ?",
                      (item["warc_offset"], item["warc_file"]))
        assert stored == [(item["status"], item["encoding"])]


def test_scrapy_max_pages_argument_and_unknown_arguments(tmp_path):
    with HostileSite() as site:
        _calendar(site)
        capped = _scrapy("-a", f"start_url={site.url}/", "-a", "max_pages=2", "-s", "CONCURRENT_REQUESTS=1",
                         home=tmp_path / "ws")
        typo = _scrapy("-a", f"start_url={site.url}/", "-a", "max_page=2", home=tmp_path / "typo")
        bad = _scrapy("-a", f"start_url={site.url}/", "-a", "max_pages=abc", home=tmp_path / "bad")
    assert capped.returncode == 0, capped.stderr[-2000:]
    (stats,), = rows(tmp_path / "ws", "SELECT stats FROM crawl_runs")
    assert json.loads(stats)["finish_reason"] == "closespider_pagecount"
    assert typo.returncode != 0 and "unknown spider argument(s) max_page" in typo.stderr
    assert bad.returncode != 0 and "max_pages must be a whole number" in bad.stderr
