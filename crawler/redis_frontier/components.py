"""The Scrapy side of the shared frontier: connection, frontier, scheduler, and what ends a lease.

- ``FrontierConnection`` (extension): one Redis client and worker handle per crawl.
- ``RedisFrontier`` (``NEWSCORPUS_FRONTIER``): claims and revisit state in Redis, fetch rows and
  discoveries in the workspace's store, as ``StoreFrontier`` does alone.
- ``FrontierScheduler`` (``SCHEDULER``): Scrapy's scheduler contract over the shared queue; the
  request policy is the crawl's usual ``DUPEFILTER_CLASS``, asked before a request is queued.
- ``FrontierAck`` (spider middleware): a request is finished when everything its page yielded has
  been queued; ``FinalFailures`` (downloader middleware, below retries): or when it failed for good.

A lease ends only after the store has committed the page's fetch row (finished leases are released
in batches, right after a store commit), so a worker killed at any moment loses nothing: what it had
not committed goes back to the queue and another worker fetches it. A retry or redirect of a leased
request is queued and its lease ended in one transaction.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence

from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.misc import build_from_crawler, load_object
from scrapy.utils.request import request_from_dict

from crawler.fetchlog import Fetch, FetchLog
from corpus.fetches import Visit, is_settled
from crawler.frontier import StoreFrontier
from crawler.meta import FETCH, FILTERED, PAGE
from crawler.redis_frontier import connect
from crawler.redis_frontier.shared import SharedFrontier, new_worker_id
from crawler.storage import CrawlStorage

LEASE = "newscorpus_lease"      # request meta: this worker's lease number for the request
NUDGE_INTERVAL = 0.25            # seconds between polls of the shared queue while this worker has nothing to do
# Meta that describes one attempt in this process and must not travel with a queued request.
_LOCAL_META = (LEASE, PAGE, FETCH, FILTERED, "download_slot", "download_latency", "_scheduler_slot")


class FrontierConnection:
    """Holds the Redis client and this worker's ``SharedFrontier`` for the other components."""

    def __init__(self, client, prefix: str, lease_seconds: float, heartbeat: float):
        self.client = client
        self.prefix = prefix
        self.heartbeat = heartbeat
        self.shared = SharedFrontier(client, prefix, new_worker_id(), lease_seconds)
        self.scheduler: FrontierScheduler | None = None   # set when Scrapy builds the scheduler

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        url = settings.get("NEWSCORPUS_FRONTIER_REDIS")
        if not url:
            raise NotConfigured("NEWSCORPUS_FRONTIER_REDIS is not set")
        return cls(connect(url), settings.get("NEWSCORPUS_FRONTIER_PREFIX"),
                   settings.getfloat("NEWSCORPUS_FRONTIER_LEASE"), settings.getfloat("NEWSCORPUS_FRONTIER_HEARTBEAT"))


class RedisFrontier:
    """The ``Frontier`` of a crawl that shares its claims and revisit state with other processes.

    A URL's visit comes from Redis, else from this workspace's store (a workspace crawled before
    it joined a shared frontier keeps what it knew). Only the worker that starts a round re-offers
    every page fetched before (the backlog); the others find the same URLs claimed.
    """

    def __init__(self, shared: SharedFrontier, local: StoreFrontier):
        self.shared = shared
        self.local = local
        self._claimed: set[str] = set()          # known claimed (by any worker): the cheap check
        self._looked_up: dict[str, Visit | None] = {}   # shared visits of the links of the page being parsed
        self._unknown: set[str] = set()          # URLs asked for that no fetch had taught anything of yet
        self._failed_this_run: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler, log: FetchLog) -> RedisFrontier:
        return cls(crawler.get_extension(FrontierConnection).shared, StoreFrontier(log))

    def open(self, sites: Sequence[str]) -> None:
        self.local.open(sites)
        self.shared.join()

    def prefetch(self, urls: Iterable[str]) -> None:
        """One round trip for a page's links: those other workers claimed become cheap to skip, and the
        visits of the rest are at hand when the spider and the dupefilter ask."""
        fresh = [url for url in dict.fromkeys(urls) if url not in self._claimed]
        self._looked_up = {}
        if not fresh:
            return
        claimed, visits = self.shared.lookup(fresh)
        for url, taken, visit in zip(fresh, claimed, visits):
            if taken:
                self._claimed.add(url)
            else:
                self._looked_up[url] = visit

    def claim(self, url: str) -> bool:
        """True unless known claimed: the shared claim is made with the push of the URL's request."""
        if url in self._claimed:
            return False
        self._claimed.add(url)
        return True

    def claimed(self, url: str) -> bool:
        return url in self._claimed

    def visit(self, url: str) -> Visit | None:
        shared = self._looked_up[url] if url in self._looked_up else self.shared.visit(url)
        visit = shared or self.local.visit(url)
        if visit is None:
            self._unknown.add(url)
        return visit

    def backlog(self) -> Iterable[tuple[str, Visit]]:
        yield from self.local.backlog()
        if self.shared.started_round:
            yield from self.shared.backlog()

    def discovered(self, url: str, site: str, kind: str, via: str, hops: int, hints: dict | None = None) -> None:
        self.local.discovered(url, site, kind, via, hops, hints)

    def fetched(self, fetch: Fetch) -> None:
        self.local.fetched(fetch)
        if not fetch.final:
            return
        if fetch.url in self._unknown:   # new when claimed; a URL this worker claimed is fetched by no other
            self._unknown.discard(fetch.url)
            previous = None
        else:   # as the store does: validators kept, failures counted once per crawl
            previous = self.visit(fetch.url)
        failed = not is_settled(fetch.status)
        first_failure = failed and fetch.url not in self._failed_this_run
        if failed:
            self._failed_this_run.add(fetch.url)
        visit = Visit(site=fetch.site, kind=fetch.kind or "other", hops=previous.hops if previous else 0,
                      last_status=fetch.status, last_fetched_at=fetch.fetched_at,
                      failures=((previous.failures if previous else 0) + first_failure) if failed else 0,
                      etag=fetch.etag or (previous.etag if previous else None),
                      last_modified=fetch.last_modified or (previous.last_modified if previous else None))
        self.shared.record([fetch.url, *fetch.extra_urls], visit)


class FrontierScheduler:
    """Scrapy's scheduler contract over the shared queue, with the crawl's own dupefilter in front."""

    def __init__(self, crawler, connection: FrontierConnection, dupefilter, commit_interval: float):
        self.crawler = crawler
        self.connection = connection
        self.shared = connection.shared
        self.df = dupefilter
        self.stats = crawler.stats
        self.commit_interval = commit_interval
        self.leases: dict[int, tuple[bytes, str]] = {}   # lease number -> (queued bytes, URL)
        self.finished: list[bytes] = []                  # leases to end after the next store commit
        self._numbers = itertools.count(1)
        self._starving = False
        self._loops = []

    @classmethod
    def from_crawler(cls, crawler):
        connection = crawler.get_extension(FrontierConnection)
        dupefilter = build_from_crawler(load_object(crawler.settings["DUPEFILTER_CLASS"]), crawler)
        connection.scheduler = cls(crawler, connection, dupefilter, crawler.settings.getfloat("NEWSCORPUS_STORE_INTERVAL"))
        return connection.scheduler

    # lifecycle --------------------------------------------------------------------------------
    def open(self, spider) -> None:
        self.spider = spider
        self.df.open()
        self.stats.set_value("newscorpus/frontier/epoch", self.shared.join())
        self.stats.set_value("newscorpus/frontier/worker", self.shared.worker)
        self.stats.inc_value("newscorpus/frontier/requeued_dead", self.shared.recovered)
        self._loops = [(create_looping_call(self._beat), self.connection.heartbeat),
                       (create_looping_call(self._nudge), NUDGE_INTERVAL),
                       (create_looping_call(self.commit), self.commit_interval)]
        for loop, interval in self._loops:
            loop.start(interval, now=False)

    def close(self, reason: str) -> None:
        for loop, _ in self._loops:
            if loop.running:
                loop.stop()
        self.commit()
        self.stats.set_value("newscorpus/frontier/requeued_on_close", self.shared.leave())
        self.stats.set_value("newscorpus/frontier/claimed_elsewhere", self.shared.claimed_elsewhere)
        self.leases.clear()
        self.df.close(reason)

    def _beat(self) -> None:
        recovered = self.shared.beat()
        if recovered:
            self.stats.inc_value("newscorpus/frontier/requeued_dead", recovered)

    def _nudge(self) -> None:
        """Scrapy polls a scheduler that has pending requests but returns none only every 5 s; other
        workers fill the shared queue at any time, so ask the engine for the next request sooner."""
        if self._starving:
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()

    # the scheduler interface ------------------------------------------------------------------
    def has_pending_requests(self) -> bool:
        return bool(self.leases) or bool(self.shared.unsent) or self.shared.pending_elsewhere() > 0

    def enqueue_request(self, request) -> bool:
        parent, _ = self.leases.pop(request.meta.pop(LEASE, None), (None, None))
        if not request.dont_filter and self.df.request_seen(request):
            self.df.log(request, self.spider)
            if parent is not None:
                self.finished.append(parent)
            return False
        self.shared.push(self._encode(request), claim=None if request.dont_filter else request.url, done=parent)
        self.stats.inc_value("scheduler/enqueued/redis")
        return True

    def next_request(self):
        while (raw := self.shared.pop()) is not None:
            try:
                request = request_from_dict(_decode(raw), spider=self.spider)
            except (ValueError, KeyError, TypeError, AttributeError):  # not a request we queued: drop, count
                self.stats.inc_value("newscorpus/dropped/bad-queue-entry")
                self.shared.ack(raw)
                continue
            self._starving = False
            number = next(self._numbers)
            self.leases[number] = (raw, request.url)
            request.meta[LEASE] = number
            self.stats.inc_value("scheduler/dequeued/redis")
            return request
        self._starving = True
        return None

    def ack(self, request) -> None:
        """The request is finished: what its page yielded is queued for all workers now, its lease ends
        with the next store commit (robots.txt has none)."""
        self.shared.send()
        raw, _ = self.leases.pop(request.meta.pop(LEASE, None), (None, None))
        if raw is not None:
            self.finished.append(raw)

    def commit(self) -> None:
        """Commit the store's queued fetch rows, then write their visits and end the leases of their requests."""
        if not self.finished and not self.shared.unsent:
            return
        finished, self.finished = self.finished, []
        storage = self.crawler.get_extension(CrawlStorage)
        if storage is not None and storage.log is not None:
            storage.log.flush()
        self.shared.ack(*finished)

    def _encode(self, request) -> bytes:
        """The request as JSON, as ``Request.to_dict(spider=...)`` makes it, but naming the callbacks
        directly: Scrapy finds each name by listing every member of the spider, twice per request."""
        data = {"url": request.url, "callback": self._method_name(request.callback),
                "errback": self._method_name(request.errback), "headers": dict(request.headers)}
        for attr in request.attributes:
            data.setdefault(attr, getattr(request, attr))
        if type(request) is not Request:
            data["_class"] = f"{type(request).__module__}.{type(request).__name__}"
        data["meta"] = {key: value for key, value in data["meta"].items() if key not in _LOCAL_META}
        data["headers"] = {_text(name): [_text(value) for value in values] for name, values in data["headers"].items()}
        data["body"] = _text(data["body"])
        return json.dumps(data, ensure_ascii=False).encode("utf-8")

    def _method_name(self, method):
        if not callable(method):
            return method
        name = getattr(method, "__name__", "")
        if getattr(self.spider, name, None) != method:
            raise ValueError(f"{method} is not a method of the spider: it cannot be queued for other workers")
        return name


def _text(value: bytes) -> str:
    return value.decode("latin-1")


def _decode(raw: bytes) -> dict:
    """A queued request as JSON, never pickle: whoever can write to Redis must not run code in the crawler."""
    data = json.loads(raw)
    data["headers"] = {name.encode("latin-1"): [value.encode("latin-1") for value in values]
                       for name, values in data["headers"].items()}
    data["body"] = data["body"].encode("latin-1")
    return data


def _connection(crawler) -> FrontierConnection:
    connection = crawler.get_extension(FrontierConnection)
    if connection is None:
        raise NotConfigured("no shared frontier")
    return connection


class FinalFailures:
    """Downloader middleware below the retries: a request whose download failed for good is finished."""

    def __init__(self, connection: FrontierConnection):
        self.connection = connection

    @classmethod
    def from_crawler(cls, crawler):
        return cls(_connection(crawler))

    def process_exception(self, request, exception):
        self.connection.scheduler.ack(request)
        return None


class FrontierAck:
    """Spider middleware: a request's lease ends when everything its page yielded has been queued."""

    def __init__(self, connection: FrontierConnection):
        self.connection = connection

    @classmethod
    def from_crawler(cls, crawler):
        return cls(_connection(crawler))

    async def process_spider_output(self, response, result):
        async for item in result:
            yield item
        self.connection.scheduler.ack(response.request)

    def process_spider_exception(self, response, exception):
        self.connection.scheduler.ack(response.request)
        return None
