"""The crawl frontier: which URLs this crawl has claimed, and what earlier crawls learned of each.

Everything the request policy needs to remember lives behind the small ``Frontier`` interface, so
the spider holds no seen-URL state and another store can take its place (a shared frontier for
several crawl processes implements the same eight methods). ``StoreFrontier`` is the SQLite one: it
reads the ``urls`` table of the crawled sites once when the crawl opens and writes through
``FetchLog`` (fetch rows and URL state, batched in transactions).

Scrapy reaches it through ``FrontierDupeFilter`` (``crawler/dupefilter.py``); the class is named by
the ``NEWSCORPUS_FRONTIER`` setting and built with ``cls.from_crawler(crawler, log)``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from corpus.fetches import DISCOVERY_KINDS, Fetch, Visit

if TYPE_CHECKING:
    from crawler.fetchlog import FetchLog

def refusal(visit: Visit | None, revisit_after: float | None, now: dt.datetime, max_failures: int) -> str | None:
    """Why a page known from earlier crawls is not fetched again: ``stored`` (settled, not due) or
    ``failing`` (failed ``max_failures`` crawls in a row); None to fetch it."""
    if visit is None:
        return None
    if visit.settled:
        return None if visit.due(revisit_after, now) else "stored"
    return "failing" if visit.failures >= max_failures else None


class Frontier(Protocol):
    """The crawl's memory of URLs. One instance per crawl process; ``open`` before any other call."""

    def open(self, sites: Sequence[str]) -> None:
        """Start a crawl of these sites (by name): nothing is claimed yet."""

    def claim(self, url: str) -> bool:
        """Claim ``url`` for this crawl: True the first time, False ever after (shared: atomic)."""

    def claimed(self, url: str) -> bool:
        """Has ``url`` been claimed in this crawl? (a cheap check before building a request)"""

    def prefetch(self, urls: Iterable[str]) -> None:
        """The links of the page being parsed, before they are considered one by one (a remote frontier
        reads their state in one round trip)."""

    def visit(self, url: str) -> Visit | None:
        """What earlier crawls learned of ``url``; None for a URL never seen."""

    def backlog(self) -> Iterable[tuple[str, Visit]]:
        """Pages found before that may need fetching: never settled, failing, or maybe due."""

    def discovered(self, url: str, site: str, kind: str, via: str, hops: int, hints: dict | None = None) -> None:
        """Remember a URL found by ``via`` (sitemap, feed, listing ...) at ``hops`` link hops."""

    def fetched(self, fetch: Fetch) -> None:
        """Record an exchange's outcome: the fetch row, and the URL's state when ``fetch.final``."""


class StoreFrontier:
    """The frontier in the workspace's SQLite store (the ``urls`` table)."""

    def __init__(self, log: FetchLog):
        self.log = log
        self._visits: dict[str, Visit] = {}
        self._claimed: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, log: FetchLog) -> StoreFrontier:
        return cls(log)

    def open(self, sites: Sequence[str]) -> None:
        self._visits = self.log.visits(list(sites))
        self._claimed = set()

    def claim(self, url: str) -> bool:
        if url in self._claimed:
            return False
        self._claimed.add(url)
        return True

    def claimed(self, url: str) -> bool:
        return url in self._claimed

    def prefetch(self, urls: Iterable[str]) -> None:
        pass   # everything is in memory already

    def visit(self, url: str) -> Visit | None:
        return self._visits.get(url)

    def backlog(self) -> Iterable[tuple[str, Visit]]:
        return [(url, visit) for url, visit in self._visits.items() if visit.kind not in DISCOVERY_KINDS]

    def discovered(self, url: str, site: str, kind: str, via: str, hops: int, hints: dict | None = None) -> None:
        self.log.discovered(url, site, kind, via, hops, hints)

    def fetched(self, fetch: Fetch) -> None:
        self.log.fetched(fetch)
