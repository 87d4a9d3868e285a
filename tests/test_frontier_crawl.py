"""Two `newscorpus crawl --frontier` processes against the demo site (scale 4), through the real CLI.

Every article is fetched once across both, and together they fetch what one process alone does;
robots.txt and the per-host delay hold across both (read from the demo server's request log); a
SIGKILLed worker loses nothing; a second round fetches no article again, a round where every
article is due re-checks each one exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from conftest import ROOT
from crawl_support import FAST, crawl, rows
from redis_support import redis_server

from crawler.demosite import DemoSite


@pytest.fixture(scope="module")
def site():
    """Scale 4: ~560 pages, enough for two workers to share and for a kill to land mid-crawl."""
    with DemoSite(scale=4, port=0) as running:
        yield running


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture(scope="module")
def one_process(site, tmp_path_factory) -> set[str]:
    """The articles a single process without a frontier fetches: the set two workers must match."""
    home = tmp_path_factory.mktemp("single")
    crawl(home, "--start-url", site.url + "/")
    return set(articles(home))


def start_worker(home: Path, site: DemoSite, frontier: str, *args: str) -> subprocess.Popen:
    """A crawl worker whose output goes to a file (a full pipe would freeze it, and its peers would bury it)."""
    command = [sys.executable, "-m", "corpus.cli", "--home", str(home), "crawl", "--start-url", site.url + "/",
               "--frontier", frontier, *FAST, *args]
    home.parent.mkdir(parents=True, exist_ok=True)
    output = tempfile.NamedTemporaryFile("w+", dir=home.parent, prefix="worker-", suffix=".log", delete=False)
    worker = subprocess.Popen(command, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    worker.output = Path(output.name)
    output.close()
    return worker


def finish(*workers: subprocess.Popen) -> None:
    for worker in workers:
        worker.wait(timeout=240)
        assert worker.returncode == 0, f"worker exited {worker.returncode}\n{worker.output.read_text()}"


def round_of(homes, site, frontier, *args) -> list:
    """Run two workers at once; the server's requests during the round."""
    before = len(site.requests)
    finish(*[start_worker(home, site, frontier, *args) for home in homes])
    return site.requests[before:]


def articles(home: Path, status: int = 200) -> list[str]:
    """Article URLs that answered (the final URL: a redirect may lead one worker there and not another)."""
    return [url for (url,) in rows(home, "SELECT final_url FROM fetches WHERE kind = 'article' AND status = ?",
                                   (status,))]


def last_stats(home: Path) -> dict:
    (stats,), = rows(home, "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")
    return json.loads(stats)


def hits(requests, urls: set[str]) -> Counter:
    paths = {urlsplit(url).path: url for url in urls}
    return Counter(paths[hit.path] for hit in requests if hit.path in paths)


def test_two_workers_share_one_frontier(site, redis_url, one_process, tmp_path):
    # Round 1: two machines (a workspace each) meet in Redis.
    homes = [tmp_path / "machine-a", tmp_path / "machine-b"]
    requests = round_of(homes, site, redis_url)
    fetched = [articles(home) for home in homes]
    assert all(fetched), "both workers took part"
    assert set(fetched[0]).isdisjoint(fetched[1])
    assert set(fetched[0]) | set(fetched[1]) == one_process
    assert set(hits(requests, one_process).values()) == {1}, "every article requested exactly once"
    assert not [hit.path for hit in requests if hit.path.startswith("/private/")]
    assert sum(last_stats(home).get("robotstxt/forbidden", 0) for home in homes) >= 1, "a disallowed link was met"

    # Round 2: two workers on one machine, one workspace, the same frontier: nothing stored is fetched again.
    shared = tmp_path / "one-machine"
    requests = round_of([shared, shared], site, redis_url)
    assert not hits(requests, one_process), "no article fetched again"
    assert any(hit.path.endswith("/") for hit in requests), "listings are read again: that is how news is found"
    assert len(rows(shared, "SELECT id FROM crawl_runs WHERE status = 'finished'")) == 2

    # Round 3: every article is due: each is re-checked once, with a conditional GET where the site gave validators.
    (last_run,), = rows(shared, "SELECT max(id) FROM crawl_runs")
    requests = round_of([shared, shared], site, redis_url, "--revisit-after", "0")
    assert set(hits(requests, one_process).values()) == {1}
    answers = dict(rows(shared, "SELECT final_url, status FROM fetches WHERE run_id > ? AND status IN (200, 304)",
                        (last_run,)))
    assert one_process <= answers.keys()
    assert 304 in answers.values(), "a revisit is a conditional GET"


def test_a_killed_worker_loses_nothing(site, redis_url, one_process, tmp_path):
    frontier = redis_url.rsplit("/", 1)[0] + "/1"   # a frontier of its own
    quick = ("--set", "NEWSCORPUS_FRONTIER_LEASE=3", "--set", "NEWSCORPUS_FRONTIER_HEARTBEAT=0.5")
    homes = [tmp_path / "killed", tmp_path / "survivor"]
    before = len(site.requests)
    victim, survivor = (start_worker(home, site, frontier, *quick) for home in homes)
    deadline = time.monotonic() + 120
    while len(site.requests) - before < 150 and victim.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert victim.poll() is None, "the crawl ended before the kill: nothing was tested"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    finish(survivor)
    assert set(articles(homes[0])) | set(articles(homes[1])) == one_process
    assert last_stats(homes[1]).get("newscorpus/frontier/requeued_dead", 0) >= 1


def test_the_per_host_delay_holds_across_workers(redis_url, tmp_path):
    delay = 0.2
    with DemoSite(scale=1, port=0) as small:
        home = tmp_path / "ws"
        frontier = redis_url.rsplit("/", 1)[0] + "/2"
        requests = round_of([home, home], small, frontier, "--max-pages", "12", "--set", f"DOWNLOAD_DELAY={delay}")
    per_run = dict(rows(home, "SELECT run_id, count(*) FROM fetches GROUP BY run_id"))
    assert len(per_run) == 2 and all(per_run.values()), "both workers fetched, side by side in one workspace"
    moments = sorted(hit.at for hit in requests)
    assert len(moments) >= 20
    # Each worker alone keeps the delay; two unshared workers would hit the host twice as often
    # (mean gap ~delay/2). A loaded machine delays single sends, so the mean is what is checked.
    mean_gap = (moments[-1] - moments[0]) / (len(moments) - 1)
    assert mean_gap >= delay * 0.85, mean_gap
