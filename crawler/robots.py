"""robots.txt, held on every request of every crawl (RFC 9309), fetched once per origin.

Replaces Scrapy's ``RobotsTxtMiddleware``, which in 2.19 hands the parsed rules only to the first
request that waited for them and lets the others through, treats a robots.txt that answers 5xx or
times out as allow-all, and discards one over ``DOWNLOAD_MAXSIZE``. Here:

- every request to an origin waits until its robots.txt is settled, then is checked;
- 2xx: the first ``NEWSCORPUS_ROBOTS_MAX_SIZE`` bytes (500 KiB, RFC 9309's minimum) are parsed,
  the download stopped there; 4xx (and redirects that lead nowhere): no rules, allow all;
  5xx, 429 or no answer (timeout, refused connection, DNS): disallow all for this crawl, each
  withheld request recorded as a failed fetch (``RobotsUnreadable``), so site health sees the outage;
- the rules' ``Sitemap:`` lines reach the spider through Scrapy's ``robots_parsed`` signal, so the
  spider does not fetch robots.txt a second time.

The robots.txt exchange goes through the downloader middlewares like any other, so it is recorded
in WARC and ``fetches`` (kind ``other``, via ``robots``).
"""

from __future__ import annotations

import logging

from protego import Protego
from scrapy import Request, signals
from scrapy.exceptions import IgnoreRequest, NotConfigured, StopDownload
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.meta import KIND, SITE, VIA

logger = logging.getLogger(__name__)
ROBOTS = "newscorpus_robots"  # request meta: this is a robots.txt download


class RobotsUnreadable(IgnoreRequest):
    """A request withheld because its origin's robots.txt could not be read: recorded as a failed
    fetch (the site is down or refusing us), tried again next crawl."""


class RobotsRules:
    """Parsed rules, or a verdict for the whole origin when robots.txt could not be read."""

    def __init__(self, parser: Protego | None, allow_all: bool, reason: str):
        self.parser = parser
        self.allow_all = allow_all
        self.reason = reason

    @classmethod
    def parse(cls, body: bytes, reason: str) -> RobotsRules:
        return cls(Protego.parse(body.decode("utf-8", errors="replace")), True, reason)

    def allowed(self, url: str, user_agent: str) -> bool:
        if self.parser is None:
            return self.allow_all
        return self.parser.can_fetch(url, user_agent)

    @property
    def sitemaps(self) -> list[str]:
        return list(self.parser.sitemaps) if self.parser is not None else []


class RobotsMiddleware:
    """Args:
        crawler: the crawler (its engine downloads robots.txt, its stats count refusals).
        user_agent: the token matched against ``User-agent:`` lines.
        max_size: bytes of robots.txt read and parsed.
    """

    DOWNLOAD_PRIORITY = 1000

    def __init__(self, crawler, user_agent: str, max_size: int):
        self.crawler = crawler
        self.user_agent = user_agent
        self.max_size = max_size
        self._rules: dict[str, RobotsRules] = {}
        self._waiting: dict[str, list[Deferred]] = {}
        self._received: dict[int, int] = {}

    @classmethod
    def from_crawler(cls, crawler) -> RobotsMiddleware:
        settings = crawler.settings
        if not settings.getbool("ROBOTSTXT_OBEY"):
            raise NotConfigured
        max_size = settings.getint("NEWSCORPUS_ROBOTS_MAX_SIZE")
        if max_size < 1:
            raise ValueError(f"NEWSCORPUS_ROBOTS_MAX_SIZE must be a positive number of bytes (got {max_size})")
        middleware = cls(crawler, settings.get("ROBOTSTXT_USER_AGENT") or settings.get("USER_AGENT"), max_size)
        crawler.signals.connect(middleware.bytes_received, signal=signals.bytes_received)
        return middleware

    def process_request(self, request):
        """None (allowed) once the origin's rules are known; until then a coroutine that waits for them."""
        if request.meta.get("dont_obey_robotstxt"):
            return None
        parts = urlparse_cached(request)
        key = f"{parts.scheme}://{parts.netloc}"
        rules = self._rules.get(key)
        if rules is None:
            return self._check_when_known(key, request)
        self._check(rules, request)
        return None

    async def _check_when_known(self, key: str, request) -> None:
        self._check(await self.rules_for(key, request), request)

    def _check(self, rules: RobotsRules, request) -> None:
        if rules.parser is None and not rules.allow_all:
            raise RobotsUnreadable(f"not requested: robots.txt {rules.reason}")
        if not rules.allowed(request.url, self.user_agent):
            self.crawler.stats.inc_value("robotstxt/forbidden")
            raise IgnoreRequest(f"Forbidden by robots.txt ({rules.reason})")

    async def rules_for(self, key: str, request) -> RobotsRules:
        """The rules of origin ``key``; the first caller downloads them, the others wait."""
        rules = self._rules.get(key)
        if rules is not None:
            return rules
        waiting = self._waiting.get(key)
        if waiting is not None:
            waiter: Deferred = Deferred()
            waiting.append(waiter)
            return await maybe_deferred_to_future(waiter)
        self._waiting[key] = []
        rules = None
        try:
            rules = await self._download(key, request)
        finally:
            rules = rules or RobotsRules(None, False, "robots.txt could not be read")
            self._rules[key] = rules
            for waiter in self._waiting.pop(key):
                waiter.callback(rules)
        self.crawler.stats.inc_value(f"robotstxt/verdict/{rules.reason.split(' (')[0]}")
        await self.crawler.signals.send_catch_log_async(signal=signals.robots_parsed, robotparser=rules,
                                                        request=request)
        return rules

    async def _download(self, key: str, request) -> RobotsRules:
        robots = Request(f"{key}/robots.txt", priority=self.DOWNLOAD_PRIORITY, callback=NO_CALLBACK,
                         meta={"dont_obey_robotstxt": True, ROBOTS: True, "download_maxsize": 0,
                               KIND: "robots", VIA: "robots", SITE: request.meta.get(SITE)})
        self.crawler.stats.inc_value("robotstxt/request_count")
        try:
            response = await self.crawler.engine.download_async(robots)
        except Exception as error:
            logger.warning("robots.txt of %s could not be read (%s): nothing there is fetched in this crawl",
                           key, type(error).__name__)
            return RobotsRules(None, False, f"unreachable ({type(error).__name__})")
        finally:
            self._received.pop(id(robots), None)
        status = response.status
        self.crawler.stats.inc_value(f"robotstxt/response_status_count/{status}")
        if status >= 500 or status == 429:
            logger.warning("robots.txt of %s answered %d: nothing there is fetched in this crawl", key, status)
            return RobotsRules(None, False, f"server error ({status})")
        if status >= 300:
            return RobotsRules(None, True, f"unavailable ({status})")
        truncated = len(response.body) > self.max_size or "download_stopped" in response.flags
        return RobotsRules.parse(response.body[:self.max_size], "truncated" if truncated else "parsed")

    def bytes_received(self, data: bytes, request, spider=None) -> None:
        """Stop a robots.txt download at ``max_size`` bytes and parse what arrived."""
        if not request.meta.get(ROBOTS):
            return
        received = self._received.get(id(request), 0) + len(data)
        self._received[id(request)] = received
        if received > self.max_size:
            raise StopDownload(fail=False)
