"""Run a crawl in this process: the library entry point behind ``newscorpus crawl`` and ``run``.

    from corpus.workspace import Workspace
    from crawler.run import run_crawl
    from crawler.sites import adhoc_site, load_site

    result = run_crawl(Workspace.resolve("ws"), [load_site("crawler/sites/wire.yaml")], max_pages=500)
    print(result.status, result.stats["newscorpus/fetches"])

Scrapy's reactor cannot be restarted, so ``run_crawl`` runs once per process.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from scrapy.settings import default_settings as scrapy_defaults

import crawler.settings as our_defaults
from corpus.workspace import Workspace
from crawler.redis_frontier import frontier_settings
from crawler.sites import SiteConfig, SiteConfigError
from crawler.spiders.news import NewsSpider
from crawler.storage import FINISHED_REASONS


@dataclass(frozen=True)
class CrawlResult:
    run_id: int | None
    status: str              # finished | failed
    stats: dict              # Scrapy's stats plus ``newscorpus/*`` counters, as stored in crawl_runs


def crawl_settings(workspace: Workspace, max_pages: int | None = None, verbose: bool = False,
                   overrides: dict[str, str] | None = None) -> Settings:
    """``crawler.settings`` with the workspace, the page cap, the log level and ``--set`` values.

    Raises:
        SiteConfigError: an override names a setting neither Scrapy nor newscorpus knows, or the shared
            frontier (``NEWSCORPUS_FRONTIER_REDIS``) cannot be used.
    """
    settings = Settings()
    settings.setmodule(our_defaults, priority="project")
    settings.set("NEWSCORPUS_HOME", str(workspace.home), priority="cmdline")
    settings.set("LOG_LEVEL", "INFO" if verbose else "WARNING", priority="cmdline")
    if max_pages is not None:
        if max_pages < 1:
            raise SiteConfigError("--max-pages must be at least 1")
        settings.set("CLOSESPIDER_PAGECOUNT", max_pages, priority="cmdline")
    for name, value in (overrides or {}).items():
        if not (hasattr(scrapy_defaults, name) or hasattr(our_defaults, name)):
            raise SiteConfigError(f"unknown setting {name!r}; see crawler/settings.py for NEWSCORPUS_* and "
                                  f"Scrapy's settings reference for the others")
        settings.set(name, value, priority="cmdline")
    frontier_settings(settings)
    return settings


def run_crawl(workspace: Workspace, sites: list[SiteConfig], *, since: dt.date | str | None = None,
              until: dt.date | str | None = None, revisit_after: str | None = None, max_pages: int | None = None,
              verbose: bool = False, overrides: dict[str, str] | None = None) -> CrawlResult:
    """Crawl ``sites`` into ``workspace`` (store rows + WARC files) and return the run's outcome.

    Args:
        workspace: where the store and ``warc/`` live (created if missing).
        sites: validated site configurations (``load_site``, ``adhoc_site``).
        since, until: the days a site's date-template back-fill covers (inclusive).
        revisit_after: override every site's revisit interval ("0" re-checks every stored article).
        max_pages: stop after this many responses.
        verbose: Scrapy logs at INFO instead of WARNING.
        overrides: Scrapy or ``NEWSCORPUS_*`` settings by name, as strings.

    Raises:
        SiteConfigError: the arguments cannot make a crawl (checked before anything starts).
    """
    spider_args = {"sites": list(sites), "since": since, "until": until, "revisit_after": revisit_after}
    probe = NewsSpider(**spider_args)  # validate now, with the user's words, rather than inside the reactor
    settings = crawl_settings(workspace, max_pages=max_pages, verbose=verbose, overrides=overrides)
    max_days = settings.getint("NEWSCORPUS_BACKFILL_MAX_DAYS")
    if len(probe.days) > max_days:
        raise SiteConfigError(f"--since/--until span {len(probe.days)} days; the limit is {max_days} "
                              f"(NEWSCORPUS_BACKFILL_MAX_DAYS)")
    workspace.ensure()
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(NewsSpider)
    process.crawl(crawler, **spider_args)
    process.start()
    stats = crawler.stats.get_stats()
    status = "finished" if stats.get("finish_reason") in FINISHED_REASONS else "failed"
    return CrawlResult(stats.get("newscorpus/run_id"), status, stats)


def summary(stats: dict) -> list[str]:
    """Plain lines for the end of a crawl: what was fetched, found, skipped and what went wrong."""
    kinds = {key.split("/")[-1]: value for key, value in stats.items() if key.startswith("newscorpus/kind/")}
    statuses = {key.split("/")[-1]: value for key, value in stats.items() if key.startswith("newscorpus/status/")}
    errors = {key.split("/")[-1]: value for key, value in stats.items() if key.startswith("newscorpus/errors/")}
    dropped = {key.split("/")[-1]: value for key, value in stats.items() if key.startswith("newscorpus/dropped/")}
    elapsed = stats.get("elapsed_time_seconds") or 0
    fetches = stats.get("newscorpus/fetches", 0)
    lines = [
        f"crawl run {stats.get('newscorpus/run_id')}: {stats.get('finish_reason', 'unknown')} in {elapsed:.1f}s, "
        f"{fetches} fetches ({fetches / elapsed if elapsed else 0:.0f}/s), "
        f"{stats.get('newscorpus/warc_bytes', 0) / 1e6:.1f} MB of WARC in {len(stats.get('newscorpus/warc_files', []))} file(s)",
        "  pages by kind: " + (_counts(kinds) or "none"),
        "  responses by status: " + (_counts(statuses) or "none"),
        f"  stored before, not fetched: {stats.get('newscorpus/skipped/stored', 0)}; "
        f"revisits (conditional GET): {stats.get('newscorpus/revisits', 0)}; "
        f"refused by robots.txt: {stats.get('robotstxt/forbidden', 0)}",
    ]
    if errors:
        lines.append("  download errors: " + _counts(errors))
        if not statuses:
            lines.append("  no server answered: check the URLs, the network and DOWNLOAD_TIMEOUT")
    if dropped:
        lines.append("  links not followed: " + _counts(dropped))
    refused = _counts({key.split("/")[-1]: value for key, value in stats.items()
                       if key.startswith("newscorpus/refused/")})
    if refused:
        lines.append("  requests refused (origin, address): " + refused)
    unreadable = _counts({key.split("/")[-1]: value for key, value in stats.items()
                          if key.startswith("newscorpus/unreadable/")})
    if unreadable:
        lines.append("  pages recorded, not parsed: " + unreadable)
    if "newscorpus/frontier/epoch" in stats:
        lines.append(f"  shared frontier: round {stats['newscorpus/frontier/epoch']} as worker "
                     f"{stats.get('newscorpus/frontier/worker')}; requests taken back from dead workers: "
                     f"{stats.get('newscorpus/frontier/requeued_dead', 0)}, left to the others at the end: "
                     f"{stats.get('newscorpus/frontier/requeued_on_close', 0)}")
    return lines


def _counts(counter: dict) -> str:
    return ", ".join(f"{key} {value}" for key, value in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))
