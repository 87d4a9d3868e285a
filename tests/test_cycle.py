"""The scheduled cycle and the demo, through the real CLI against the real demo site."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from crawl_support import demo_site_files, rows
from corpus.errors import EXIT_BUSY
from corpus.demo import demo_sites
from corpus.runlock import RunLock
from crawler.demosite import DemoSite

pytestmark = pytest.mark.slow

FAST = ["--set", "AUTOTHROTTLE_ENABLED=false", "--set", "DOWNLOAD_DELAY=0", "--set", "NEWSCORPUS_PROGRESS=off"]


@pytest.fixture(scope="module")
def site():
    with DemoSite(scale=1, port=0) as demo:
        yield demo


def test_overlapping_run_exits_at_once_with_its_own_code(tmp_path, site):
    home = tmp_path / "ws"
    home.mkdir()
    with RunLock(home / "run.lock"):  # another run holds the workspace
        started = time.monotonic()
        result = run_cli("run", *demo_site_files(tmp_path, site.url), *FAST, home=home, check=False)
        assert result.returncode == EXIT_BUSY == 75
        assert f"pid {os.getpid()}" in result.stderr and "try again" in result.stderr
        assert time.monotonic() - started < 60
    assert not (home / "warc").exists() or not any((home / "warc").iterdir())


def test_failed_stage_stops_the_cycle_and_keeps_what_was_stored(tmp_path, site):
    home = tmp_path / "ws"
    home.mkdir()
    (home / "reports" / "latest.html").mkdir(parents=True)  # the report stage cannot finish
    result = run_cli("run", *demo_site_files(tmp_path, site.url), *FAST, home=home, check=False)
    assert result.returncode == 1
    assert "stage report failed" in result.stderr
    [(status, error, stats, options)] = rows(home, "SELECT status, error, summary, options FROM runs WHERE stage = 'run'")
    assert status == "failed" and error.startswith("report: report failed: ")
    assert set(json.loads(stats)) == {"crawl", "extract", "dedup", "health"}
    stages = rows(home, "SELECT stage, status FROM runs WHERE parent_id IS NOT NULL ORDER BY id")
    assert stages == [("crawl", "finished"), ("extract", "finished"), ("dedup", "finished"), ("health", "finished"),
                      ("report", "failed")]
    documents = rows(home, "SELECT count(*) FROM documents")[0][0]
    assert documents > 50
    assert rows(home, "SELECT count(*) FROM cluster_members")[0][0] == documents
    log = Path(json.loads(options)["log_path"]).read_text("utf-8")
    assert "[report] FAILED" in log
    [traceback] = (home / "logs").glob("report-*.log")
    assert traceback.name in log and "Traceback" in traceback.read_text("utf-8")

    (home / "reports" / "latest.html").rmdir()
    run_cli("run", *demo_site_files(tmp_path, site.url), *FAST, home=home)
    assert rows(home, "SELECT count(*) FROM documents")[0][0] == documents
    assert rows(home, "SELECT status FROM runs WHERE stage = 'run' ORDER BY id") == [("failed",), ("finished",)]
    assert (home / "reports" / "latest.html").is_file()


def test_run_after_a_killed_run_completes(tmp_path, site):
    home = tmp_path / "ws"
    command = [sys.executable, "-m", "corpus.cli", "--home", str(home), "run", *demo_site_files(tmp_path, site.url),
               *FAST, "--set", "DOWNLOAD_DELAY=0.05", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=1"]
    victim = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # kill it once it has stored some fetches
        time.sleep(0.3)
        if (home / "store.sqlite").exists():
            try:
                if rows(home, "SELECT count(*) FROM fetches")[0][0] >= 20:
                    break
            except sqlite3.OperationalError:
                pass
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait()

    run_cli("run", *demo_site_files(tmp_path, site.url), *FAST, "--release", home=home)
    assert rows(home, "SELECT status FROM runs WHERE stage = 'run' ORDER BY id") == [("killed",), ("finished",)]
    twice = rows(home, "SELECT url FROM fetches WHERE status = 200 AND kind = 'article' "
                        "GROUP BY url HAVING count(*) > 1")
    assert twice == []
    articles = {row["url"] for row in site.ground_truth()}
    fetched = {url for (url,) in rows(home, "SELECT url FROM fetches WHERE status = 200")}
    assert articles <= fetched
    [release] = [path for path in (home / "releases").iterdir() if not path.name.startswith(".")]
    run_cli("verify", release.name, home=home)


def test_demo_end_to_end_from_a_fresh_workspace(tmp_path):
    home = tmp_path / "demo"
    with socket.socket() as taken:  # the port asked for is busy: the demo picks a free one
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("demo", "--port", str(port), home=home, timeout=240)
    assert f"port {port} is taken; serving the demo site on" in result.stdout
    [release] = [path for path in (home / "releases").iterdir() if not path.name.startswith(".")]
    assert f"release {release.name}: {release}" in result.stdout
    assert str(home / "reports") in result.stdout
    run_cli("verify", release.name, home=home)
    outlets = {outlet for (outlet,) in rows(home, "SELECT DISTINCT outlet FROM documents")}
    assert {"wire", "agg", "morning", "hk"} <= outlets
    # The demo's wire stories reprinted in Traditional by the Hong Kong daily end up in one cluster.
    with DemoSite(scale=1, port=0) as fresh:  # same pages; only the port differs
        truth = fresh.ground_truth()
    path_of = {row["url"].split("/", 3)[3]: row for row in truth}
    clusters: dict[str, set] = {}
    for cluster_id, url in rows(home, "SELECT m.cluster_id, d.url FROM cluster_members m "
                                       "JOIN documents d ON d.id = m.doc_id"):
        row = path_of.get(url.split("/", 3)[3])
        if row:
            clusters.setdefault(cluster_id, set()).add((row["story"], row["script"]))
    cross_script = [members for members in clusters.values()
                    if {script for _, script in members} == {"zh-Hans", "zh-Hant"}
                    and len({story for story, _ in members}) == 1]
    assert cross_script, "no cluster joins a Simplified and a Traditional copy of the same story"


def test_demo_sites_point_at_the_running_site():
    sites = demo_sites("http://127.0.0.1:9999")
    assert [site.name for site in sites] == ["wire", "agg", "morning", "hk"]
    assert all(url.startswith("http://127.0.0.1:9999/") for site in sites for url in site.start_urls)
