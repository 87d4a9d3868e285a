"""Crawling again: the store remembers what was fetched, across runs and across a SIGKILL."""

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


@pytest.fixture
def site():
    with DemoSite(scale=1, port=0) as demo:
        yield demo


def _articles_so_far(home) -> int:
    """Articles committed by a running crawl (0 while its store is still being created)."""
    try:
        return rows(home, "SELECT count(*) FROM fetches WHERE kind = 'article'")[0][0]
    except sqlite3.OperationalError:
        return 0


def _run_ids(home):
    return [run_id for (run_id,) in rows(home, "SELECT id FROM crawl_runs ORDER BY id")]


def test_second_crawl_fetches_no_article_and_revisits_use_conditional_get(site, tmp_path):
    home = tmp_path / "ws"
    crawl(home, "--start-url", site.url + "/")
    second = crawl(home, "--start-url", site.url + "/")
    first_run, second_run = _run_ids(home)
    assert not rows(home, "SELECT url FROM fetches WHERE run_id = ? AND kind = 'article' AND status = 200",
                    (second_run,))
    reread = {kind for (kind,) in rows(home, "SELECT DISTINCT kind FROM fetches WHERE run_id = ?", (second_run,))}
    assert {"listing", "sitemap", "feed"} <= reread
    assert "stored before, not fetched: 0" not in second.stdout

    articles = [row["url"] for row in site.ground_truth() if row["outlet"] == "wire"]
    edited, unchanged = articles[0], articles[1:]
    site.edit_article(edited, "第一段，已更正。\n第二段，补充了新的细节。")
    crawl(home, "--start-url", site.url + "/", "--revisit-after", "0")
    third_run = _run_ids(home)[-1]
    statuses = dict(rows(home, "SELECT url, status FROM fetches WHERE run_id = ? AND kind = 'article'", (third_run,)))
    assert statuses[edited] == 200
    assert all(statuses[url] == 304 for url in unchanged)
    (fetch_id, etag), = rows(home, "SELECT last_fetch_id, etag FROM urls WHERE url = ?", (edited,))
    assert etag == site.pages[edited.removeprefix(site.url)].etag
    assert rows(home, "SELECT status FROM fetches WHERE id = ?", (fetch_id,)) == [(200,)]


def test_sigkill_then_crawl_again_fetches_nothing_twice_and_loses_nothing(site, tmp_path):
    home = tmp_path / "ws"
    command = [sys.executable, "-m", "corpus.cli", "--home", str(home), "crawl", "--start-url", site.url + "/", *FAST,
               "--set", "NEWSCORPUS_STORE_INTERVAL=0.2", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=2",
               "--set", "DOWNLOAD_DELAY=0.02"]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and process.poll() is None:
            if (home / "store.sqlite").exists() and _articles_so_far(home) >= 30:
                break
            time.sleep(0.05)
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    killed_run, = _run_ids(home)
    truth = {row["url"] for row in site.ground_truth()}
    before = {url for (url,) in rows(home, "SELECT url FROM fetches WHERE status = 200 AND kind = 'article'")}
    assert 0 < len(before) < len(truth), "the kill should land mid-crawl"

    crawl(home, "--start-url", site.url + "/")
    twice = rows(home, "SELECT url, count(*) FROM fetches WHERE status = 200 AND kind = 'article' "
                       "GROUP BY url HAVING count(*) > 1")
    assert not twice, f"fetched twice with 200: {twice[:5]}"
    after = {url for pair in rows(home, "SELECT url, final_url FROM fetches WHERE status = 200 AND kind = 'article'")
             for url in pair}
    assert truth <= after  # a redirect target counts as fetched through its redirect
    statuses = dict(rows(home, "SELECT id, status FROM crawl_runs"))
    assert statuses[killed_run] == "failed" and list(statuses.values())[-1] == "finished"
    assert len([kind for kind, _ in all_records(home) if kind == "response"]) >= len(after)
