"""Per-host politeness shared by every worker: one delay and one concurrency cap per host, in Redis.

Scrapy's download slots space and cap requests per host within one process; N processes would hit
a host N times harder. Here a worker reserves a host's next free moment before each request (an
atomic script on Redis' own clock, so machines' clocks do not matter): requests to a host are
at least ``delay`` apart and at most ``concurrency`` are in flight across all workers. A slot held
by a killed worker expires after ``DOWNLOAD_TIMEOUT`` plus a minute.
"""

from __future__ import annotations

import asyncio
import secrets

from scrapy.exceptions import NotConfigured

# KEYS: next-free-moment key, in-flight sorted set. ARGV: token, concurrency (0 = no cap), delay ms, hold ms.
# Returns the milliseconds to wait before sending, or -1 when the host is at its cap (try again soon).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, delay, hold = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if limit > 0 and redis.call('ZCARD', KEYS[2]) >= limit then return -1 end
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if delay > 0 then redis.call('SET', KEYS[1], at + delay, 'PX', delay + hold) end
redis.call('ZADD', KEYS[2], at + hold, ARGV[1])
redis.call('PEXPIRE', KEYS[2], hold)
return at - now
"""
RETRY_FULL = 0.02   # seconds between tries while a host is at its cap


class HostSlots:
    """Shared per-host slots; ``acquire`` says how long to wait, ``release`` frees the slot.

    Args:
        client: a ``redis.Redis`` client.
        prefix: the frontier's key prefix.
        hold_seconds: how long a slot stays taken if its holder never releases it (a killed worker).
    """

    def __init__(self, client, prefix: str, hold_seconds: float):
        self.client = client
        self.prefix = prefix
        self.hold_ms = int(hold_seconds * 1000)
        self._acquire = client.register_script(_ACQUIRE)

    def acquire(self, host: str, token: str, concurrency: int, delay: float) -> float | None:
        """Seconds to wait before sending, or None if ``host`` already has ``concurrency`` requests in flight."""
        wait = self._acquire(keys=[f"{self.prefix}:host:{host}:next", f"{self.prefix}:host:{host}:busy"],
                             args=[token, concurrency, int(delay * 1000), self.hold_ms])
        return None if wait < 0 else wait / 1000

    def release(self, host: str, token: str) -> None:
        self.client.zrem(f"{self.prefix}:host:{host}:busy", token)


SLOT_TOKEN = "newscorpus_host_slot"   # request meta: (host, token) of the slot this request holds


class SharedPoliteness:
    """Downloader middleware closest to the network: wait for the host's shared slot, free it after.

    The delay is the larger of the configured one (``DOWNLOAD_DELAY``, a site's ``politeness.delay``)
    and the process's current slot delay (AutoThrottle's); the cap is the slot's concurrency.
    """

    def __init__(self, crawler, slots: HostSlots):
        self.crawler = crawler
        self.slots = slots

    @classmethod
    def from_crawler(cls, crawler):
        from crawler.redis_frontier.components import FrontierConnection

        connection = crawler.get_extension(FrontierConnection)
        if connection is None:
            raise NotConfigured("no shared frontier")
        settings = crawler.settings
        hold = settings.getfloat("DOWNLOAD_TIMEOUT") + 60
        return cls(crawler, HostSlots(connection.client, connection.prefix, hold))

    async def process_request(self, request):
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        concurrency, delay = self._limits(downloader, key)
        token = secrets.token_hex(8)
        while (wait := self.slots.acquire(key, token, concurrency, delay)) is None:
            await asyncio.sleep(RETRY_FULL)
        request.meta[SLOT_TOKEN] = (key, token)
        self.crawler.stats.inc_value("newscorpus/frontier/host_wait_ms", int(wait * 1000))
        if wait > 0:
            await asyncio.sleep(wait)
        return None

    def process_response(self, request, response):
        self._release(request)
        return response

    def process_exception(self, request, exception):
        self._release(request)
        return None

    def _release(self, request) -> None:
        held = request.meta.pop(SLOT_TOKEN, None)
        if held is not None:
            self.slots.release(*held)

    def _limits(self, downloader, key: str) -> tuple[int, float]:
        settings = self.crawler.settings
        configured = settings.getdict("DOWNLOAD_SLOTS").get(key, {})
        concurrency = configured.get("concurrency", settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        delay = configured.get("delay", settings.getfloat("DOWNLOAD_DELAY"))
        slot = downloader.slots.get(key)
        if slot is not None:
            delay = max(delay, slot.delay)
        return concurrency, delay
