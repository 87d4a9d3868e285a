"""The crawl's request policy as Scrapy's ``DUPEFILTER_CLASS``: fetch each URL once per crawl, and
a stored page again only when it is due (then with a conditional GET), never a URL that kept failing.

State lives in the frontier (``crawler/frontier.py``), so Scrapy's own scheduler, this filter and a
shared frontier for several processes fit together the way scrapy-redis does it. Requests with
``dont_filter`` bypass it (Scrapy's rule); a redirect target was already claimed by the capture
middleware (``meta[CLAIMED]``), which must know whether a hop is followed before Scrapy follows it.
"""

from __future__ import annotations

import datetime as dt

from scrapy.dupefilters import BaseDupeFilter

from crawler.frontier import DISCOVERY_KINDS, Frontier, refusal
from crawler.meta import ALWAYS, CLAIMED, FILTERED, KIND, REVISIT
from crawler.storage import CrawlStorage


class FrontierDupeFilter(BaseDupeFilter):
    """Args:
        storage: the crawl's storage extension; its frontier is opened before the first request.
        stats: Scrapy's stats collector; counts ``newscorpus/skipped/<reason>`` and revisits.
        max_failures: crawls in a row a URL may fail before it is left alone.
    """

    def __init__(self, storage: CrawlStorage, stats, max_failures: int):
        self.storage = storage
        self.stats = stats
        self.max_failures = max_failures
        self.now = dt.datetime.now(dt.timezone.utc)

    @classmethod
    def from_crawler(cls, crawler) -> FrontierDupeFilter:
        return cls(crawler.get_extension(CrawlStorage), crawler.stats,
                   crawler.settings.getint("NEWSCORPUS_MAX_FAILURES"))

    @property
    def frontier(self) -> Frontier:
        return self.storage.frontier

    def request_seen(self, request) -> bool:
        reason = self.refusal(request)
        if reason:
            request.meta[FILTERED] = reason
        return reason is not None

    def refusal(self, request) -> str | None:
        """Why ``request`` is not fetched (``claimed``, ``stored``, ``failing``), or None to fetch it.

        A revisit gets the stored validators as conditional-GET headers.
        """
        meta = request.meta
        url = request.url
        if meta.get(CLAIMED) == url:
            return None
        if not self.frontier.claim(url):
            return "claimed"
        visit = self.frontier.visit(url)
        if visit is None or meta.get(ALWAYS) or visit.kind in DISCOVERY_KINDS or meta.get(KIND) in DISCOVERY_KINDS:
            return None
        reason = refusal(visit, meta.get(REVISIT), self.now, self.max_failures)
        if reason is None and visit.settled:
            for name, value in visit.validators().items():
                request.headers[name] = value
            self.stats.inc_value("newscorpus/revisits")
        return reason

    def log(self, request, spider) -> None:
        reason = request.meta.get(FILTERED)
        if reason != "claimed":
            self.stats.inc_value(f"newscorpus/skipped/{reason}")
