"""The extension that opens the workspace for a crawl: store, WARC writer, crawl-run record, frontier.

Other components reach it with ``crawler.get_extension(CrawlStorage)``; the frontier (the class
named by ``NEWSCORPUS_FRONTIER``) is built here because it writes through the store's fetch log. It commits queued fetch
rows every ``NEWSCORPUS_STORE_INTERVAL`` seconds and closes the run with Scrapy's stats plus ours.
"""

from __future__ import annotations

from scrapy import signals
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.misc import load_object

from corpus import __version__
from corpus.workspace import Workspace
from crawler.fetchlog import FetchLog
from crawler.frontier import Frontier
from crawler.outlets import OutletNames
from crawler.warc import WarcWriterRotating

# Finish reasons that mean the crawl did what it was asked to.
FINISHED_REASONS = {"finished", "closespider_pagecount", "closespider_itemcount", "closespider_timeout"}


class CrawlStorage:
    def __init__(self, crawler, workspace: Workspace, batch: int, interval: float, warc_max_size: int,
                 gzip_level: int, warc_prefix: str, frontier_class: str):
        self.crawler = crawler
        self.workspace = workspace
        self.batch = batch
        self.interval = interval
        self.warc_max_size = warc_max_size
        self.gzip_level = gzip_level
        self.warc_prefix = warc_prefix
        self.frontier_class = frontier_class
        self.log: FetchLog | None = None
        self.frontier: Frontier | None = None
        self.warc: WarcWriterRotating | None = None
        self.outlets: OutletNames | None = None
        self._unnamed: set[str] = set()   # ad hoc sites: pages without an outlet of their own stay under these
        self._hosts: set[str] = set()     # ... and their hosts, whose outlets every run lists
        self._ticker = None

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        extension = cls(crawler, Workspace.resolve(settings.get("NEWSCORPUS_HOME")),
                        batch=settings.getint("NEWSCORPUS_STORE_BATCH"),
                        interval=settings.getfloat("NEWSCORPUS_STORE_INTERVAL"),
                        warc_max_size=settings.getint("NEWSCORPUS_WARC_MAX_SIZE"),
                        gzip_level=settings.getint("NEWSCORPUS_WARC_GZIP_LEVEL"),
                        warc_prefix=settings.get("NEWSCORPUS_WARC_PREFIX"),
                        frontier_class=settings.get("NEWSCORPUS_FRONTIER"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def open(self, sites: dict) -> None:
        """Open the store and start the run; the spider calls this before its first request."""
        if self.log is not None:
            return
        self.log = FetchLog(self.workspace.open_store(), batch=self.batch, interval=self.interval)
        run_id = self.log.begin_run(sorted(sites), {name: site.to_json() for name, site in sites.items()})
        self.warc = WarcWriterRotating(self.workspace.warc_dir, f"{self.warc_prefix}-r{run_id}", self.warc_max_size,
                                       self.gzip_level, software=f"newscorpus/{__version__} (Scrapy)")
        self.frontier = load_object(self.frontier_class).from_crawler(self.crawler, self.log)
        self.frontier.open(sorted(sites))
        self.outlets = OutletNames(self.log.store)
        adhoc = [site for site in sites.values() if site.outlet_from_pages]
        self._unnamed = {site.name for site in adhoc}
        self._hosts = {host for site in adhoc for host in site.allowed_domains}
        self.crawler.stats.set_value("newscorpus/run_id", run_id)

    def spider_opened(self, spider) -> None:
        self.open(spider.sites)
        self._ticker = create_looping_call(self.log.tick)
        self._ticker.start(self.interval, now=False)

    def spider_closed(self, spider, reason: str) -> None:
        if self._ticker is not None and self._ticker.running:
            self._ticker.stop()
        stats = self.crawler.stats
        stats.set_value("finish_reason", reason)
        stats.set_value("newscorpus/warc_files", list(self.warc.files))
        stats.set_value("newscorpus/warc_bytes", self.warc.bytes_written)
        self.warc.close()
        self.log.flush()
        stats.set_value("newscorpus/outlets_named_late", self.outlets.settle(self.log.run_id, self._unnamed,
                                                                                    self._hosts))
        self.log.finish_run("finished" if reason in FINISHED_REASONS else "failed", stats.get_stats())
        self.log.store.close()
