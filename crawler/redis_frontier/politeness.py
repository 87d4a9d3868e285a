"""Per-host politeness shared by every worker: one delay and one concurrency cap per host, in Redis.

Scrapy's download slots space and cap requests per host within one process; N processes would hit
a host N times harder. Here a worker reserves a host's next free moment before each request (an
atomic script on Redis' own clock, so machines' clocks do not matter): requests to a host are
at least ``delay`` apart and at most ``concurrency`` are in flight across all workers, shared fairly:
while several workers wait for a host, none holds more than its share. A slot held by a killed
worker expires after ``DOWNLOAD_TIMEOUT`` plus a minute.

Within a process, the requests waiting for one host queue behind a local gate and only its head asks
Redis: a host at its cap costs one poll per ``RETRY_FULL`` per worker instead of one per waiting
request, and none while this worker alone holds the whole cap (it waits for its own next release).
A slot this worker is done with is freed in Redis by its next ask for the host, in the same round
trip, or at the latest ``RETRY_FULL`` later.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from scrapy import signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.asyncio import call_later

# KEYS: next-free-moment key, in-flight sorted set, wanting sorted set. ARGV: worker, token, concurrency
# (0 = no cap), delay ms, hold ms, want ms, then the tokens this worker released since (freed first).
# Returns the milliseconds to wait before sending, or -1 when the host is at its cap or this worker
# holds its fair share while others wait (try again soon). A refused worker is "wanting" for want ms;
# while others want, a worker may hold only cap / (wanting workers) slots.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local worker, limit, delay, hold, want = ARGV[1], tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
for i = 7, #ARGV do redis.call('ZREM', KEYS[2], worker .. '/' .. ARGV[i]) end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if limit > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
  local held, mine = redis.call('ZRANGE', KEYS[2], 0, -1), 0
  for _, token in ipairs(held) do
    if string.sub(token, 1, #worker + 1) == worker .. '/' then mine = mine + 1 end
  end
  local others = redis.call('ZCARD', KEYS[3])
  if redis.call('ZSCORE', KEYS[3], worker) then others = others - 1 end
  if #held >= limit or (others > 0 and mine >= math.ceil(limit / (others + 1))) then
    redis.call('ZADD', KEYS[3], now + want, worker)
    redis.call('PEXPIRE', KEYS[3], want)
    return -1
  end
end
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
if delay > 0 then redis.call('SET', KEYS[1], at + delay, 'PX', delay + hold) end
redis.call('ZADD', KEYS[2], at + hold, worker .. '/' .. ARGV[2])
redis.call('PEXPIRE', KEYS[2], hold)
return at - now
"""
RETRY_FULL = 0.02   # seconds between tries while a host has no slot for this worker
WANT = 0.25         # seconds a refused worker counts as waiting for a host (it retries every RETRY_FULL)


class HostSlots:
    """One worker's handle on the shared per-host slots; ``acquire`` says how long to wait, ``release`` frees the slot.

    Args:
        client: a ``redis.Redis`` client.
        prefix: the frontier's key prefix.
        worker: this worker's id: slots are shared fairly between the workers that want a host.
        hold_seconds: how long a slot stays taken if its holder never releases it (a killed worker).
    """

    def __init__(self, client, prefix: str, worker: str, hold_seconds: float):
        self.client = client
        self.prefix = prefix
        self.worker = worker
        self.hold_ms = int(hold_seconds * 1000)
        self._acquire = client.register_script(_ACQUIRE)

    def acquire(self, host: str, token: str, concurrency: int, delay: float, released: Sequence[str] = ()) -> float | None:
        """Seconds to wait before sending, or None if ``host`` has no slot for this worker now (all
        ``concurrency`` in flight, or its fair share while other workers wait). The slots of
        ``released`` tokens are freed first, in the same round trip."""
        key = f"{self.prefix}:host:{host}"
        wait = self._acquire(keys=[f"{key}:next", f"{key}:busy", f"{key}:want"],
                             args=[self.worker, token, concurrency, int(delay * 1000), self.hold_ms, int(WANT * 1000),
                                   *released])
        return None if wait < 0 else wait / 1000

    def release(self, host: str, *tokens: str) -> None:
        self.client.zrem(f"{self.prefix}:host:{host}:busy", *(f"{self.worker}/{token}" for token in tokens))


SLOT_TOKEN = "newscorpus_host_slot"   # request meta: (host, token) of the slot this request holds


@dataclass
class _HostGate:
    """This process's side of one host: its waiting requests queue on ``turn``; ``freed`` wakes the head."""
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    freed: asyncio.Event = field(default_factory=asyncio.Event)
    held: int = 0        # slots of this host held by this process
    released: list[str] = field(default_factory=list)   # tokens freed with the next acquire or flush
    flush_due: bool = False   # a flush of ``released`` is scheduled


class SharedPoliteness:
    """Downloader middleware closest to the network: wait for the host's shared slot, free it after.

    The delay is the larger of the configured one (``DOWNLOAD_DELAY``, a site's ``politeness.delay``)
    and the process's current slot delay (AutoThrottle's); the cap is the slot's concurrency.
    """

    def __init__(self, crawler, slots: HostSlots):
        self.crawler = crawler
        self.slots = slots
        self.gates: dict[str, _HostGate] = {}

    @classmethod
    def from_crawler(cls, crawler):
        from crawler.redis_frontier.components import FrontierConnection

        connection = crawler.get_extension(FrontierConnection)
        if connection is None:
            raise NotConfigured("no shared frontier")
        settings = crawler.settings
        hold = settings.getfloat("DOWNLOAD_TIMEOUT") + 60
        middleware = cls(crawler, HostSlots(connection.client, connection.prefix, connection.shared.worker, hold))
        crawler.signals.connect(middleware.spider_closed, signal=signals.spider_closed)
        return middleware

    async def process_request(self, request):
        downloader = self.crawler.engine.downloader
        key = downloader.get_slot_key(request)
        concurrency, delay = self._limits(downloader, key)
        token = secrets.token_hex(8)
        gate = self.gates.setdefault(key, _HostGate())
        async with gate.turn:
            while True:
                gate.freed.clear()
                if not concurrency or gate.held < concurrency:   # else Redis would say full: wait for our release
                    released, gate.released = gate.released, []
                    wait = self.slots.acquire(key, token, concurrency, delay, released)
                    if wait is not None:
                        break
                try:
                    await asyncio.wait_for(gate.freed.wait(), RETRY_FULL)
                except TimeoutError:
                    pass
            gate.held += 1
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
            host, token = held
            gate = self.gates[host]
            gate.held -= 1
            gate.released.append(token)   # freed by our next ask for this host, else by the flush
            gate.freed.set()
            if not gate.flush_due:
                gate.flush_due = True
                call_later(RETRY_FULL, self._flush, host)

    def _flush(self, host: str) -> None:
        gate = self.gates[host]
        gate.flush_due = False
        if gate.released:
            released, gate.released = gate.released, []
            self.slots.release(host, *released)

    def spider_closed(self) -> None:
        for host in self.gates:
            self._flush(host)

    def _limits(self, downloader, key: str) -> tuple[int, float]:
        settings = self.crawler.settings
        configured = settings.getdict("DOWNLOAD_SLOTS").get(key, {})
        concurrency = configured.get("concurrency", settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"))
        delay = configured.get("delay", settings.getfloat("DOWNLOAD_DELAY"))
        slot = downloader.slots.get(key)
        if slot is not None:
            delay = max(delay, slot.delay)
        return concurrency, delay
