"""The Scrapy side of the shared frontier: connection, scheduler, and the two middlewares that finish leases.

- ``FrontierConnection`` (extension): one Redis client and worker handle per crawl.
- ``FrontierScheduler`` (``SCHEDULER``): a request is queued only if this worker is the first to
  claim its URL in the round and, for a page fetched before, its revisit is due (then with a
  conditional GET); requests are taken from the shared queue under a lease.
- ``FrontierRecorder`` (downloader middleware, below retries and redirects, so it sees only final
  outcomes): records each URL's revisit state; finishes the lease of a request that failed for good.
- ``FrontierAck`` (spider middleware): finishes a request's lease once its page is parsed and the
  links found in it are queued.

A lease ends only after the store has committed the page's fetch row (finished leases are released
in batches, right after a store commit), so a worker killed at any moment loses nothing: what it had
not committed goes back to the queue and another worker fetches it.

A retry or redirect of a leased request is queued and its lease finished in one transaction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import pickle

from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.utils.asyncio import create_looping_call
from scrapy.utils.request import request_from_dict

from crawler.capture import KIND, PAGE, SITE, VIA
from crawler.fetchlog import DISCOVERY_KINDS, is_settled
from crawler.frontier import connect
from crawler.frontier.shared import SharedFrontier, UrlState, new_worker_id
from crawler.sites import parse_duration
from crawler.storage import CrawlStorage

LEASE = "newscorpus_lease"      # request meta: this worker's lease number for the request
NUDGE_INTERVAL = 0.25            # seconds between polls of the shared queue while this worker has nothing to do
# Meta keys that describe one attempt and must not travel with a queued request.
_LOCAL_META = (LEASE, PAGE, "download_slot", "download_latency", "_scheduler_slot")


class FrontierConnection:
    """Holds the Redis client and this worker's ``SharedFrontier`` for the other components."""

    def __init__(self, client, prefix: str, lease_seconds: float, heartbeat: float):
        self.client = client
        self.prefix = prefix
        self.heartbeat = heartbeat
        self.frontier = SharedFrontier(client, prefix, new_worker_id(), lease_seconds)
        self.scheduler: FrontierScheduler | None = None   # set when Scrapy builds the scheduler

    @classmethod
    def from_crawler(cls, crawler):
        settings = crawler.settings
        url = settings.get("NEWSCORPUS_FRONTIER")
        if not url:
            raise NotConfigured("NEWSCORPUS_FRONTIER is not set")
        return cls(connect(url), settings.get("NEWSCORPUS_FRONTIER_PREFIX"),
                   settings.getfloat("NEWSCORPUS_FRONTIER_LEASE"), settings.getfloat("NEWSCORPUS_FRONTIER_HEARTBEAT"))


class FrontierScheduler:
    """A Scrapy scheduler whose queue, seen-URL set and revisit state live in the shared frontier."""

    def __init__(self, crawler, connection: FrontierConnection, default_revisit: float | None, max_failures: int,
                 commit_interval: float):
        self.crawler = crawler
        self.connection = connection
        self.frontier = connection.frontier
        self.stats = crawler.stats
        self.default_revisit = default_revisit
        self.max_failures = max_failures
        self.commit_interval = commit_interval
        self.leases: dict[int, tuple[bytes, str]] = {}   # lease number -> (queued bytes, URL)
        self.finished: list[bytes] = []                  # leases to end after the next store commit
        self._numbers = itertools.count(1)
        self._starving = False
        self._loops = []

    @classmethod
    def from_crawler(cls, crawler):
        connection = crawler.get_extension(FrontierConnection)
        settings = crawler.settings
        connection.scheduler = cls(crawler, connection,
                                   parse_duration(settings.get("NEWSCORPUS_REVISIT_AFTER"), "NEWSCORPUS_REVISIT_AFTER"),
                                   settings.getint("NEWSCORPUS_MAX_FAILURES"),
                                   settings.getfloat("NEWSCORPUS_STORE_INTERVAL"))
        return connection.scheduler

    # lifecycle --------------------------------------------------------------------------------
    def open(self, spider) -> None:
        self.spider = spider
        epoch = self.frontier.join()
        self.stats.set_value("newscorpus/frontier/epoch", epoch)
        self.stats.set_value("newscorpus/frontier/worker", self.frontier.worker)
        self.stats.inc_value("newscorpus/frontier/requeued_dead", self.frontier.recovered)
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
        self.stats.set_value("newscorpus/frontier/requeued_on_close", self.frontier.leave())
        self.leases.clear()

    def _beat(self) -> None:
        recovered = self.frontier.beat()
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
        return bool(self.leases) or self.frontier.pending_elsewhere() > 0

    def enqueue_request(self, request) -> bool:
        parent, parent_url = self.leases.pop(request.meta.pop(LEASE, None), (None, None))
        if request.url != parent_url:  # a new URL, or a redirect target; a retry keeps its claim
            refused = self._refuse(request, derived=parent is not None)
            if refused:
                self.stats.inc_value(f"newscorpus/frontier/{refused}")
                if parent is not None:
                    self.finished.append(parent)
                return False
        self.frontier.push(self._encode(request), done=parent)
        self.stats.inc_value("newscorpus/frontier/queued")
        return True

    def next_request(self):
        raw = self.frontier.pop()
        if raw is None:
            self._starving = True
            return None
        self._starving = False
        request = request_from_dict(pickle.loads(raw), spider=self.spider)
        number = next(self._numbers)
        self.leases[number] = (raw, request.url)
        request.meta[LEASE] = number
        return request

    def ack(self, request) -> None:
        """The request is finished; its lease ends with the next store commit (robots.txt has none)."""
        raw, _ = self.leases.pop(request.meta.pop(LEASE, None), (None, None))
        if raw is not None:
            self.finished.append(raw)

    def commit(self) -> None:
        """Commit the store's queued fetch rows, then end the leases of the requests they record."""
        if not self.finished:
            return
        finished, self.finished = self.finished, []
        storage = self.crawler.get_extension(CrawlStorage)
        if storage is not None and storage.log is not None:
            storage.log.flush()
        self.frontier.ack(*finished)

    # deciding ---------------------------------------------------------------------------------
    def _refuse(self, request, derived: bool) -> str | None:
        """Why ``request`` is not queued (another worker has it, stored and not due, failing), or None."""
        if not self.frontier.claim(request.url):
            return "skipped/claimed"
        if derived:
            return None
        meta = request.meta
        if meta.get(VIA) == "start" or meta.get(KIND) in (*DISCOVERY_KINDS, "robots"):
            return None  # read on every round: that is how new articles are found
        known = self.frontier.state(request.url)
        if known is None or known.kind in DISCOVERY_KINDS:
            return None
        if is_settled(known.status):
            if not self._due(meta.get(SITE), known):
                return "skipped/stored"
            if known.etag and b"If-None-Match" not in request.headers:
                request.headers[b"If-None-Match"] = known.etag
            if known.last_modified and b"If-Modified-Since" not in request.headers:
                request.headers[b"If-Modified-Since"] = known.last_modified
            self.stats.inc_value("newscorpus/frontier/revisits")
        elif known.failures >= self.max_failures:
            return "skipped/failing"
        return None

    def _due(self, site_name: str | None, known: UrlState) -> bool:
        site = self.spider.sites.get(site_name)
        revisit = self.default_revisit if site is None or site.revisit_after == "default" else site.revisit_after
        if revisit is None:
            return False
        fetched = dt.datetime.fromisoformat(known.fetched_at)
        return fetched + dt.timedelta(seconds=revisit) <= dt.datetime.now(dt.timezone.utc)

    def _encode(self, request) -> bytes:
        data = request.to_dict(spider=self.spider)
        data["meta"] = {key: value for key, value in data["meta"].items() if key not in _LOCAL_META}
        return pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL)


class FrontierRecorder:
    """Records the revisit state of final outcomes; finishes the lease of a request that failed for good."""

    def __init__(self, connection: FrontierConnection):
        self.connection = connection
        self.frontier = connection.frontier

    @classmethod
    def from_crawler(cls, crawler):
        connection = crawler.get_extension(FrontierConnection)
        if connection is None:
            raise NotConfigured("no shared frontier")
        return cls(connection)

    def process_response(self, request, response):
        page = request.meta.get(PAGE)
        kind = page.kind if page is not None else _kind(request.meta.get(KIND))
        urls = {request.meta.get("redirect_urls", [request.url])[0], response.url}
        previous = self.frontier.state(request.url) if not is_settled(response.status) else None
        self.frontier.record(sorted(urls), UrlState(
            kind=kind, status=response.status, fetched_at=_now(), etag=_header(response, b"ETag"),
            last_modified=_header(response, b"Last-Modified"),
            failures=0 if is_settled(response.status) else (previous.failures if previous else 0) + 1))
        return response

    def process_exception(self, request, exception):
        if not isinstance(exception, IgnoreRequest):
            url = request.meta.get("redirect_urls", [request.url])[0]
            previous = self.frontier.state(url)
            self.frontier.record([url], UrlState(
                kind=previous.kind if previous else _kind(request.meta.get(KIND)), status=None,
                fetched_at=_now(), failures=(previous.failures if previous else 0) + 1))
        self.connection.scheduler.ack(request)
        return None


class FrontierAck:
    """Spider middleware: a request's lease ends when everything its page yielded has been queued."""

    def __init__(self, connection: FrontierConnection):
        self.connection = connection

    @classmethod
    def from_crawler(cls, crawler):
        connection = crawler.get_extension(FrontierConnection)
        if connection is None:
            raise NotConfigured("no shared frontier")
        return cls(connection)

    async def process_spider_output(self, response, result):
        async for item in result:
            yield item
        self.connection.scheduler.ack(response.request)

    def process_spider_exception(self, response, exception):
        self.connection.scheduler.ack(response.request)
        return None


def _kind(expected: str | None) -> str:
    return expected if expected in ("article", "listing", "sitemap", "feed") else "other"


def _header(response, name: bytes) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
