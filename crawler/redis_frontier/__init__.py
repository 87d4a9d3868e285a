"""A crawl frontier shared by many crawler processes through Redis (``crawl --frontier redis://...``).

It implements the crawl's ``Frontier`` interface (``crawler/frontier.py``) and replaces Scrapy's
in-memory scheduler queue with a shared one; the request policy itself (``FrontierDupeFilter``,
``crawler/dupefilter.py``) is the same as a single crawl's.

Each crawler process is a *worker*. Workers share, under one key prefix in one Redis database:

- a request queue with leases (:mod:`crawler.redis_frontier.shared`): a worker moves a request from the
  queue to its own lease list when it takes it and removes it when the page is parsed; a worker
  that stops sending heartbeats is dead, and the survivors move its leases back to the queue;
- the URLs claimed in the current crawl round (an *epoch*: it starts when a worker joins an idle
  frontier, so every round re-reads listings and feeds while a killed round resumes);
- the revisit state of every URL fetched (status, time, ETag, Last-Modified, failures), so an
  article is fetched once per due visit whichever worker meets it;
- per-host politeness (:mod:`crawler.redis_frontier.politeness`): the delay between two requests to a
  host and the requests in flight to it hold for all workers together.

The Scrapy side (:mod:`crawler.redis_frontier.components`) is the frontier, a scheduler, a
downloader middleware and a spider middleware, switched on by :func:`frontier_settings`. scrapy-redis was the model, but its
queues pop destructively (a killed worker loses its in-flight requests) and its dupefilter knows
fingerprints, not revisit dates, so these pieces are built on the ``redis`` client instead.
Redis is optional: ``pip install -e ".[scale]"``; nothing here is imported without ``--frontier``.
"""

from __future__ import annotations

from crawler.sites import SiteConfigError

_SCHEMES = ("redis://", "rediss://", "unix://")
_SCHEDULER = "crawler.redis_frontier.components.FrontierScheduler"


class FrontierError(SiteConfigError):
    """The shared frontier cannot be used; the message says what to do."""


def check_frontier_url(url: str) -> str:
    """``url`` if it names a Redis server, else a FrontierError naming the setting."""
    if not isinstance(url, str) or not url.startswith(_SCHEMES):
        raise FrontierError(f"NEWSCORPUS_FRONTIER_REDIS (--frontier) must be a Redis URL such as "
                            f"redis://127.0.0.1:6379/0 (got {url!r})")
    return url


def connect(url: str):
    """A connected Redis client for ``url``, or a one-line FrontierError (no package, no server)."""
    check_frontier_url(url)
    try:
        import redis
    except ImportError:
        raise FrontierError('the shared frontier needs the redis package: pip install -e ".[scale]"') from None
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=5, socket_timeout=30)
        client.ping()
    except ValueError as error:
        raise FrontierError(f"NEWSCORPUS_FRONTIER_REDIS (--frontier) {url!r} is not a valid Redis URL: {error}") from None
    except redis.RedisError as error:
        raise FrontierError(f"cannot reach the frontier at {url}: {error}; start redis-server there or fix "
                            f"--frontier") from None
    return client


def frontier_settings(settings) -> None:
    """Switch the crawl to the shared frontier if ``NEWSCORPUS_FRONTIER_REDIS`` is set (before the crawl starts).

    Raises:
        FrontierError: the URL is not a Redis URL, the redis package is missing or the server is unreachable.
    """
    url = settings.get("NEWSCORPUS_FRONTIER_REDIS")
    if not url or settings.get("SCHEDULER") == _SCHEDULER:   # off, or switched already (the workspace add-on runs it too)
        return
    try:
        heartbeat, lease = settings.getfloat("NEWSCORPUS_FRONTIER_HEARTBEAT"), settings.getfloat("NEWSCORPUS_FRONTIER_LEASE")
    except ValueError:
        heartbeat = lease = -1.0
    if not 0 < heartbeat * 3 <= lease:
        raise FrontierError("NEWSCORPUS_FRONTIER_HEARTBEAT must be a positive number of seconds and "
                            "NEWSCORPUS_FRONTIER_LEASE at least three times it (defaults 2 and 15)")
    connect(url).close()
    priority = settings.getpriority("NEWSCORPUS_FRONTIER_REDIS")
    settings.set("NEWSCORPUS_FRONTIER", "crawler.redis_frontier.components.RedisFrontier", priority=priority)
    settings.set("SCHEDULER", _SCHEDULER, priority=priority)
    # A random delay per process would let two processes' requests bunch up; the shared slot spaces them.
    settings.set("DOWNLOAD_DELAY_JITTER", 0, priority=priority)
    settings.set("DOWNLOADER_MIDDLEWARES", {**settings.getdict("DOWNLOADER_MIDDLEWARES"),
                                            "crawler.redis_frontier.components.FinalFailures": 540,
                                            "crawler.redis_frontier.politeness.SharedPoliteness": 960}, priority=priority)
    settings.set("SPIDER_MIDDLEWARES", {**settings.getdict("SPIDER_MIDDLEWARES"),
                                        "crawler.redis_frontier.components.FrontierAck": 10}, priority=priority)
    settings.set("EXTENSIONS", {**settings.getdict("EXTENSIONS"),
                                "crawler.redis_frontier.components.FrontierConnection": 50}, priority=priority)
