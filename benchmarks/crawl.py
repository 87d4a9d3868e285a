"""Crawl throughput: our spider with WARC capture and the store versus a bare Scrapy spider.

Starts the enlarged demo site in its own process, then crawls it from the root URL with
``newscorpus crawl`` (discovery, WARC, decoding, fetch rows) and with a bare Scrapy spider that only
follows the ``<a href>`` links our crawl fetched (so it stays out of the demo's endless calendar,
which ours bounds with its trap guards, and does no discovery of its own). Both run in their own
processes with the same concurrency, robots.txt on, no delays, AutoThrottle off; each reports
``downloader/response_count / elapsed_time_seconds`` from its own Scrapy stats, and the CPU seconds
its process used per 1,000 pages (steadier than wall-clock rates on a shared machine; when the site
is not the bottleneck, the throughput ratio follows the CPU ratio). Target: ratio >= 0.85.

    python benchmarks/crawl.py --scale 50 --rounds 2
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
# What both crawls share; everything else is each one's defaults.
COMMON = {"CONCURRENT_REQUESTS": "32", "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "DOWNLOAD_DELAY": "0",
          "AUTOTHROTTLE_ENABLED": "False", "ROBOTSTXT_OBEY": "True", "LOG_LEVEL": "ERROR"}


def bare_crawl(url: str, allowed_file: str) -> dict:
    """Run in a child process: a plain Scrapy spider following the links ours fetched; its stats."""
    import scrapy
    from scrapy.crawler import CrawlerProcess

    allowed = set(Path(allowed_file).read_text("utf-8").split())

    class BareSpider(scrapy.Spider):
        name = "bare"
        allowed_domains = ["127.0.0.1"]
        start_urls = [url + "/"]

        def parse(self, response):
            if hasattr(response, "xpath"):
                for href in response.xpath("//a/@href").getall():
                    link = response.urljoin(href)
                    if link in allowed:
                        yield scrapy.Request(link, callback=self.parse)

    from crawler import settings as ours
    process = CrawlerProcess({**COMMON, "DOWNLOAD_MAXSIZE": ours.DOWNLOAD_MAXSIZE, "RETRY_TIMES": ours.RETRY_TIMES,
                              "TELNETCONSOLE_ENABLED": False, "TWISTED_REACTOR": ours.TWISTED_REACTOR})
    crawler = process.create_crawler(BareSpider)
    process.crawl(crawler)
    process.start()
    return crawler.stats.get_stats()


def our_crawl(url: str, home: Path, allowed_file: Path) -> dict:
    overrides = [arg for name, value in COMMON.items() for arg in ("--set", f"{name}={value}")]
    subprocess.run([PYTHON, "-m", "corpus.cli", "--home", str(home), "crawl", "--start-url", url + "/", *overrides,
                    "--set", "NEWSCORPUS_PROGRESS=off"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    db = sqlite3.connect(home / "store.sqlite")
    (stats,), = db.execute("SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchall()
    articles = db.execute("SELECT count(*) FROM fetches WHERE kind = 'article' AND status = 200").fetchone()[0]
    fetched = db.execute("SELECT url FROM fetches UNION SELECT final_url FROM fetches WHERE final_url IS NOT NULL")
    allowed_file.write_text("\n".join(row[0] for row in fetched), "utf-8")
    db.close()
    return {**json.loads(stats), "articles": articles}


def child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rate(stats: dict) -> tuple[int, float]:
    pages = stats.get("downloader/response_count", 0)
    return pages, pages / stats["elapsed_time_seconds"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=50, help="demo site scale (50 = ~5,500 articles)")
    parser.add_argument("--rounds", type=int, default=1, help="alternate the two crawls this many times")
    parser.add_argument("--bare-worker", nargs=2, metavar=("URL", "ALLOWED_FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare_worker:
        print(json.dumps(bare_crawl(*args.bare_worker), default=str))
        return

    site = subprocess.Popen([PYTHON, "-m", "crawler.demosite", "--scale", str(args.scale), "--port", "0"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        url = site.stdout.readline().strip()
        ours_rates, bare_rates, ours_cpu, bare_cpu = [], [], [], []
        for round_ in range(args.rounds):
            with tempfile.TemporaryDirectory() as tmp:
                allowed = Path(tmp) / "fetched.txt"
                cpu = child_cpu()
                stats = our_crawl(url, Path(tmp) / "ws", allowed)
                pages, per_second = rate(stats)
                ours_rates.append(per_second)
                ours_cpu.append((child_cpu() - cpu) / pages * 1000)
                warc_mb = stats.get("newscorpus/warc_bytes", 0) / 1e6
                print(f"round {round_ + 1} ours: {pages} pages ({stats['articles']} articles), "
                      f"{stats['elapsed_time_seconds']:.1f}s, {per_second:.0f} pages/s, "
                      f"{ours_cpu[-1]:.2f} CPU s per 1,000 pages, {warc_mb:.1f} MB WARC")
                cpu = child_cpu()
                done = subprocess.run([PYTHON, __file__, "--bare-worker", url, str(allowed)], cwd=ROOT, check=True,
                                      capture_output=True, text=True, timeout=600)
                stats = json.loads(done.stdout.strip().splitlines()[-1])
                pages, per_second = rate(stats)
                bare_rates.append(per_second)
                bare_cpu.append((child_cpu() - cpu) / pages * 1000)
                print(f"round {round_ + 1} bare: {pages} pages, {stats['elapsed_time_seconds']:.1f}s, "
                      f"{per_second:.0f} pages/s, {bare_cpu[-1]:.2f} CPU s per 1,000 pages")
    finally:
        site.terminate()
        site.wait()
    ours, bare = statistics.median(ours_rates), statistics.median(bare_rates)
    cpu_ours, cpu_bare = statistics.median(ours_cpu), statistics.median(bare_cpu)
    print(f"crawl throughput (median of {args.rounds}): ours with WARC {ours:.0f} pages/s, "
          f"bare Scrapy {bare:.0f} pages/s, ratio {ours / bare:.2f} (target >= 0.85)")
    print(f"CPU per 1,000 pages (process total, start-up included): ours {cpu_ours:.2f}s, bare {cpu_bare:.2f}s, "
          f"CPU ratio bare/ours {cpu_bare / cpu_ours:.2f}")


if __name__ == "__main__":
    main()
