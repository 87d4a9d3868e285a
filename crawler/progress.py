"""A live progress line on a terminal: pages, rate, articles, errors, queue. Silent elsewhere.

``NEWSCORPUS_PROGRESS``: ``auto`` shows it when stderr is a TTY, ``on`` always, ``off`` never
(cron logs stay clean; the summary at the end says it all).
"""

from __future__ import annotations

import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call


class ProgressLine:
    def __init__(self, crawler, interval: float, stream=None):
        self.crawler = crawler
        self.interval = interval
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._loop = None

    @classmethod
    def from_crawler(cls, crawler):
        mode = crawler.settings.get("NEWSCORPUS_PROGRESS", "auto")
        if mode == "off" or (mode == "auto" and not sys.stderr.isatty()):
            raise NotConfigured
        extension = cls(crawler, crawler.settings.getfloat("NEWSCORPUS_PROGRESS_INTERVAL"))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider) -> None:
        self.started = time.monotonic()
        self._loop = create_looping_call(self.show)
        self._loop.start(self.interval, now=False)

    def line(self) -> str:
        stats = self.crawler.stats.get_stats()
        pages = stats.get("newscorpus/fetches", 0)
        elapsed = max(time.monotonic() - self.started, 1e-6)
        errors = sum(v for k, v in stats.items() if k.startswith("newscorpus/errors/"))
        errors += sum(v for k, v in stats.items() if k.startswith("newscorpus/status/5"))
        engine = self.crawler.engine
        queued = len(engine.scheduler) if engine and engine.scheduler and hasattr(engine.scheduler, "__len__") else 0
        return (f"crawl: {pages} pages, {pages / elapsed:.0f}/s, {stats.get('newscorpus/kind/article', 0)} articles, "
                f"{stats.get('newscorpus/status/304', 0)} unchanged, {errors} errors, {queued} queued")

    def show(self) -> None:
        self.stream.write("\r\x1b[2K" + self.line())
        self.stream.flush()

    def spider_closed(self, spider) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.stream.write("\r\x1b[2K")
        self.stream.flush()
