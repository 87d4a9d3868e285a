"""Crawl throughput with a shared Redis frontier: 1 worker versus 2 workers on the same frontier.

Starts the enlarged demo site in its own process and a redis-server (persistence off), then crawls
the site from its root with ``newscorpus crawl --frontier``: once with one worker, once with two
workers started together (a workspace each, as on two machines), each round on a fresh frontier.
A round's rate is its responses (``downloader/response_count`` summed over its workers) divided by
its span, from the first worker's ``start_time`` to the last one's ``finish_time`` (Scrapy's own
stats: process start-up is left out of both). A plain single-process crawl without a frontier is
measured in the same run, so the frontier's own cost shows too. The CPU seconds the crawl processes
used per 1,000 pages are printed beside the rates: on a shared machine the rates follow each
process's share of the CPU, while the CPU per page says what the frontier itself costs. Same
settings as ``benchmarks/crawl.py``. Target: 2 workers >= 1.7x the pages/s of 1 on 2 cores.

    python benchmarks/crawl_frontier.py --scale 50 --rounds 2
"""

from __future__ import annotations

import argparse
import json
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from redis_support import redis_server  # noqa: E402  (the tests' redis-server helper)

PYTHON = sys.executable
COMMON = {"CONCURRENT_REQUESTS": "32", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "DOWNLOAD_DELAY": "0",
          "AUTOTHROTTLE_ENABLED": "False", "ROBOTSTXT_OBEY": "True", "LOG_LEVEL": "ERROR",
          "NEWSCORPUS_PROGRESS": "off"}


def crawl_round(url: str, homes: list[Path], frontier: str | None) -> tuple[int, float]:
    """Run one crawl process per home at once; (responses, span in seconds) from their own stats."""
    settings = [arg for name, value in COMMON.items() for arg in ("--set", f"{name}={value}")]
    extra = ["--frontier", frontier] if frontier else []
    workers = [subprocess.Popen([PYTHON, "-m", "corpus.cli", "--home", str(home), "crawl", "--start-url", url + "/",
                                 *settings, *extra], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                text=True) for home in homes]
    for worker in workers:
        _, err = worker.communicate(timeout=1800)
        if worker.returncode != 0:
            raise SystemExit(f"a crawl worker exited {worker.returncode}: {err[-2000:]}")
    stats = [last_stats(home) for home in homes]
    start = min(datetime.fromisoformat(s["start_time"]) for s in stats)
    finish = max(datetime.fromisoformat(s["finish_time"]) for s in stats)
    return sum(s.get("downloader/response_count", 0) for s in stats), (finish - start).total_seconds()


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def last_stats(home: Path) -> dict:
    db = sqlite3.connect(home / "store.sqlite")
    try:
        (stats,), = db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchall()
    finally:
        db.close()
    return json.loads(stats)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=50, help="demo site scale (50 = ~5,500 articles)")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the crawls this many times")
    args = parser.parse_args()

    site = subprocess.Popen([PYTHON, "-m", "crawler.demosite", "--scale", str(args.scale), "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    rates: dict[str, list[float]] = {"plain": [], "1 worker": [], "2 workers": []}
    cpu_per_page: dict[str, list[float]] = {name: [] for name in rates}
    try:
        url = site.stdout.readline().strip()
        with tempfile.TemporaryDirectory() as tmp, redis_server(Path(tmp)) as redis_url:
            base = redis_url.rsplit("/", 1)[0]
            database = 0
            for round_ in range(args.rounds):
                for name, workers in (("plain", 1), ("1 worker", 1), ("2 workers", 2)):
                    frontier = None if name == "plain" else f"{base}/{database}"
                    database += frontier is not None   # a fresh frontier per crawl
                    homes = [Path(tmp) / f"r{round_}-{name.replace(' ', '')}-{i}" for i in range(workers)]
                    cpu = child_cpu()
                    pages, span = crawl_round(url, homes, frontier)
                    rates[name].append(pages / span)
                    cpu_per_page[name].append((child_cpu() - cpu) / pages * 1000)
                    print(f"round {round_ + 1} {name}: {pages} pages in {span:.1f}s, {pages / span:.0f} pages/s, "
                          f"{cpu_per_page[name][-1]:.2f} CPU s per 1,000 pages", flush=True)
    finally:
        site.terminate()
        site.wait()
    median = {name: statistics.median(values) for name, values in rates.items()}
    cpu = {name: statistics.median(values) for name, values in cpu_per_page.items()}
    print(f"crawl with a shared frontier (median of {args.rounds}): 2 workers {median['2 workers']:.0f} pages/s, "
          f"1 worker {median['1 worker']:.0f} pages/s, ratio {median['2 workers'] / median['1 worker']:.2f} "
          f"(target >= 1.7)")
    print(f"the frontier's own cost: 1 worker {median['1 worker']:.0f} pages/s vs plain crawl {median['plain']:.0f} "
          f"pages/s, ratio {median['1 worker'] / median['plain']:.2f}")
    print(f"CPU per 1,000 pages (crawl processes, start-up included): plain {cpu['plain']:.2f}s, 1 worker "
          f"{cpu['1 worker']:.2f}s, 2 workers {cpu['2 workers']:.2f}s")


if __name__ == "__main__":
    main()
