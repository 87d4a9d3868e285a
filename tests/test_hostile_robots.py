"""robots.txt holds on every request of every crawl (issue 14 item 3, issue 9 item 5).

The proof is the server's own request log (and the WARC files): what the crawler never asked for.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from crawl_support import FAST, all_records, crawl, rows
from crawler.demosite import DemoSite
from hostile_site import HostileSite, article

RULES = b"User-agent: *\nDisallow: /private/\n"


def _site_with(robots_status: int = 200, robots_body: bytes = RULES, delay: float = 0.0) -> HostileSite:
    site = HostileSite()
    site.route("/robots.txt", robots_body, status=robots_status, headers={"Content-Type": "text/plain"}, delay=delay)
    for path in ("/private/a.html", "/private/b.html", "/open.html"):
        site.route(path, article(path))
    return site


def _crawl_starts(home, site: HostileSite, *extra: str):
    starts = [arg for path in ("/private/a.html", "/private/b.html", "/open.html")
              for arg in ("--start-url", site.url + path)]
    return crawl(home, *starts, *extra, check=False)


def test_every_start_url_waits_for_the_rules(tmp_path):
    with _site_with() as site:
        result = _crawl_starts(tmp_path / "ws", site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(site.requested) == ["/open.html", "/robots.txt"]


@pytest.mark.parametrize("status", [500, 503])
def test_robots_server_error_disallows_the_whole_site(tmp_path, status):
    with _site_with(robots_status=status, robots_body=b"oops") as site:
        _crawl_starts(tmp_path / "ws", site, "--set", "RETRY_TIMES=0")
    assert set(site.requested) == {"/robots.txt"}


def test_robots_that_does_not_answer_in_time_disallows_the_whole_site(tmp_path):
    with _site_with(delay=3) as site:
        _crawl_starts(tmp_path / "ws", site, "--set", "DOWNLOAD_TIMEOUT=1", "--set", "RETRY_TIMES=0")
    assert set(site.requested) == {"/robots.txt"}


def test_robots_not_found_allows_everything(tmp_path):
    with _site_with(robots_status=404, robots_body=b"no") as site:
        _crawl_starts(tmp_path / "ws", site)
    assert {"/private/a.html", "/private/b.html", "/open.html"} <= set(site.requested)


def test_oversized_robots_is_parsed_up_to_its_cap(tmp_path):
    filler = b"".join(b"# %07d padding padding padding padding padding padding\n" % n for n in range(200_000))
    assert len(filler) > 10 * 1024 * 1024  # over DOWNLOAD_MAXSIZE
    with _site_with(robots_body=RULES + filler) as site:
        result = _crawl_starts(tmp_path / "ws", site)
    assert result.returncode == 0, result.stdout + result.stderr
    assert sorted(site.requested) == ["/open.html", "/robots.txt"]


def _private_requests(home) -> list:
    fetched = rows(home, "SELECT url FROM fetches WHERE url LIKE '%/private/%' OR final_url LIKE '%/private/%'")
    archived = [uri for _, uri in all_records(home) if uri and "/private/" in uri]
    return fetched + archived


def test_demo_site_private_pages_never_fetched_over_three_crawls_and_a_resume(tmp_path):
    home = tmp_path / "ws"
    with DemoSite(scale=1, port=0) as site:
        for _ in range(3):  # later crawls re-read the listings that link to /private/
            crawl(home, "--start-url", site.url + "/")
            assert not _private_requests(home)
        # Every article again: a crawl long enough to be killed, storing its fetches often enough to see it.
        command = [sys.executable, "-m", "corpus.cli", "--home", str(home), "crawl", "--start-url", site.url + "/",
                   "--revisit-after", "0", *FAST, "--set", "NEWSCORPUS_STORE_INTERVAL=0.2",
                   "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2", "--set", "DOWNLOAD_DELAY=0.02"]
        process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and process.poll() is None and _fetches_in_run(home, 4) < 20:
                time.sleep(0.05)
            os.kill(process.pid, signal.SIGKILL)
        finally:
            process.wait(timeout=30)
        assert 0 < _fetches_in_run(home, 4), "the kill should land mid-crawl"
        crawl(home, "--start-url", site.url + "/")
    assert len(rows(home, "SELECT id FROM crawl_runs")) == 5
    assert not _private_requests(home)


def _fetches_in_run(home, run_id: int) -> int:
    try:
        return rows(home, "SELECT count(*) FROM fetches WHERE run_id = ?", (run_id,))[0][0]
    except sqlite3.OperationalError:
        return 0
