"""The frontier's Redis state: a queue with per-worker leases, crawl epochs, claimed URLs, revisit state.

No Scrapy here: requests are opaque bytes and URLs are strings, so it is tested against a real
redis-server alone. Keys, under one prefix (``newscorpus`` by default)::

    {p}:queue            list    requests waiting (LPUSH in, popped from the right: first in, first out)
    {p}:leases:{worker}  list    requests a worker has taken and not yet finished
    {p}:workers          set     workers that joined; {p}:alive:{worker} expires when one stops beating
    {p}:epoch            int     the crawl round; {p}:seen:{epoch} holds the URLs claimed in it
    {p}:state            hash    URL -> what fetches taught of it (a ``Visit`` as JSON), kept across rounds

A round starts when a worker joins a frontier with no live worker and an empty queue; a worker
that joins while others work, or after all of them were killed with requests still queued, joins
the running round, so a killed crawl resumes where it stopped. The scripts name keys derived from
the prefix, so the frontier needs one Redis server (or a primary), not Redis Cluster.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict

from corpus.fetches import DISCOVERY_KINDS, Visit

# Move every lease of a dead worker back to the queue (served first: they were taken first).
_RECOVER = """
local function recover(p)
  local moved = 0
  for _, w in ipairs(redis.call('SMEMBERS', p .. ':workers')) do
    if redis.call('EXISTS', p .. ':alive:' .. w) == 0 then
      while redis.call('LMOVE', p .. ':leases:' .. w, p .. ':queue', 'RIGHT', 'RIGHT') do moved = moved + 1 end
      redis.call('SREM', p .. ':workers', w)
    end
  end
  return moved
end
"""
_JOIN = _RECOVER + """
local p, worker, ttl = ARGV[1], ARGV[2], ARGV[3]
local moved = recover(p)
local epoch = tonumber(redis.call('GET', p .. ':epoch') or '0')
local new = 0
if redis.call('SCARD', p .. ':workers') == 0 and redis.call('LLEN', p .. ':queue') == 0 then
  redis.call('DEL', p .. ':seen:' .. epoch)
  epoch = redis.call('INCR', p .. ':epoch')
  new = 1
end
redis.call('SADD', p .. ':workers', worker)
redis.call('SET', p .. ':alive:' .. worker, 1, 'PX', ttl)
return {epoch, moved, new}
"""
_BEAT = _RECOVER + """
local p, worker, ttl = ARGV[1], ARGV[2], ARGV[3]
redis.call('SADD', p .. ':workers', worker)
redis.call('SET', p .. ':alive:' .. worker, 1, 'PX', ttl)
return recover(p)
"""
# Requests that may still produce work: queued, or leased by another worker (a dead one's leases
# count too: a heartbeat will requeue them, and the round is not over until then).
_PENDING = """
local p, worker = ARGV[1], ARGV[2]
local n = redis.call('LLEN', p .. ':queue')
for _, w in ipairs(redis.call('SMEMBERS', p .. ':workers')) do
  if w ~= worker then n = n + redis.call('LLEN', p .. ':leases:' .. w) end
end
return n
"""
# Queue requests, each only if its URL is not claimed in this round yet; the claim and the push are
# one step, so a worker killed in between leaves neither. ARGV: URL (or '' for no claim), request, ...
_PUSH = """
local seen, queue = KEYS[1], KEYS[2]
local dropped = 0
for i = 1, #ARGV, 2 do
  if ARGV[i] == '' or redis.call('SADD', seen, ARGV[i]) == 1 then
    redis.call('LPUSH', queue, ARGV[i + 1])
  else
    dropped = dropped + 1
  end
end
return dropped
"""
# Lease up to ARGV[1] requests at once, oldest first. KEYS: queue, this worker's leases.
_TAKE = """
local taken = {}
for i = 1, tonumber(ARGV[1]) do
  local raw = redis.call('LMOVE', KEYS[1], KEYS[2], 'RIGHT', 'LEFT')
  if not raw then break end
  taken[i] = raw
end
return taken
"""
_LEAVE = """
local p, worker = ARGV[1], ARGV[2]
local moved = 0
while redis.call('LMOVE', p .. ':leases:' .. worker, p .. ':queue', 'RIGHT', 'RIGHT') do moved = moved + 1 end
redis.call('SREM', p .. ':workers', worker)
redis.call('DEL', p .. ':alive:' .. worker)
return moved
"""


TAKE = 4   # requests leased per round trip: few, so that no worker sits on work another could do


def new_worker_id() -> str:
    """Unique per process and readable in ``redis-cli``: host, pid and a random tail."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


class SharedFrontier:
    """One worker's handle on the shared frontier.

    Args:
        client: a ``redis.Redis`` client (``crawler.frontier.connect``).
        prefix: key prefix; workers with the same prefix and database share one frontier.
        worker: this worker's id (``new_worker_id()``).
        lease_seconds: a worker that has not beaten for this long is dead and loses its leases.

    Example:
        >>> frontier = SharedFrontier(connect("redis://127.0.0.1:6379/0"), "newscorpus", new_worker_id())
        >>> epoch = frontier.join()
        >>> frontier.push(b"request bytes", claim="http://example.org/a")   # dropped if claimed already
        >>> raw = frontier.pop()          # sends the push, then takes a request, leased to this worker
        >>> frontier.ack(raw)             # done: the lease ends
        >>> frontier.leave()
    """

    def __init__(self, client, prefix: str, worker: str, lease_seconds: float = 15.0):
        self.client = client
        self.prefix = prefix
        self.worker = worker
        self.ttl_ms = max(1, int(lease_seconds * 1000))
        self.epoch: int | None = None
        self.recovered = 0                # leases of dead workers requeued when this worker joined
        self.started_round = False        # this worker's join started the round
        self.queue_key = f"{prefix}:queue"
        self.lease_key = f"{prefix}:leases:{worker}"
        self.state_key = f"{prefix}:state"
        self._records: dict[str, str] = {}   # URL -> visit JSON, written with the next ack
        self._outbox: list[str | bytes] = []  # (URL to claim or "", request) pairs, sent with the next pop or ack
        self._taken: deque[bytes] = deque()   # leased in Redis, not handed out by pop yet
        self.claimed_elsewhere = 0           # requests dropped: another worker had claimed their URL
        self._join = client.register_script(_JOIN)
        self._beat = client.register_script(_BEAT)
        self._pending = client.register_script(_PENDING)
        self._leave = client.register_script(_LEAVE)
        self._push = client.register_script(_PUSH)
        self._take = client.register_script(_TAKE)

    # membership -------------------------------------------------------------------------------
    def join(self) -> int:
        """Register this worker (once); start a new round if the frontier is idle. Returns the epoch."""
        if self.epoch is None:
            epoch, recovered, new = self._join(args=[self.prefix, self.worker, self.ttl_ms])
            self.epoch, self.recovered, self.started_round = int(epoch), int(recovered), bool(new)
        return self.epoch

    def beat(self) -> int:
        """Prove this worker alive and requeue dead workers' leases; returns how many were requeued."""
        return int(self._beat(args=[self.prefix, self.worker, self.ttl_ms]))

    def leave(self) -> int:
        """Unregister; requests still leased to this worker go back to the queue (returns how many)."""
        self.ack()
        self._taken.clear()
        return int(self._leave(args=[self.prefix, self.worker]))

    def pending_elsewhere(self) -> int:
        """Requests queued or leased by other live workers: while > 0, the round is not over."""
        return int(self._pending(args=[self.prefix, self.worker]))

    # queue ------------------------------------------------------------------------------------
    def lookup(self, urls: list[str]) -> tuple[list[bool], list[Visit | None]]:
        """For many URLs in one round trip: is each claimed in this round already, and its visit."""
        with self.client.pipeline(transaction=False) as pipe:
            pipe.smismember(self._seen_key(), urls)
            pipe.hmget(self.state_key, urls)
            claimed, raws = pipe.execute()
        return [bool(flag) for flag in claimed], [_visit(raw) for raw in raws]

    def push(self, raw: bytes, claim: str | None = None, done: bytes | None = None) -> None:
        """Queue a request, claiming URL ``claim`` for this round with it: a request whose URL another
        worker claimed first is dropped (counted in ``claimed_elsewhere``). It goes with the next ``send``,
        ``pop`` or ``ack`` (one round trip for many), or at once with ``done``, a lease it replaces, ended
        in the same transaction (retries, redirects)."""
        self._outbox += (claim or "", raw)
        if done is None:
            return
        with self.client.pipeline(transaction=True) as pipe:
            self._send(pipe)
            pipe.lrem(self.lease_key, -1, done)
            self._sent(pipe.execute()[0])

    def pop(self) -> bytes | None:
        """Take the oldest queued request, leased to this worker until ``ack``. Pushes held go first, and
        up to ``TAKE`` requests are leased in one round trip (the rest are handed out by the next pops)."""
        if not self._taken:
            with self.client.pipeline(transaction=False) as pipe:
                if self._outbox:
                    self._send(pipe)
                self._take(keys=[self.queue_key, self.lease_key], args=[TAKE], client=pipe)
                results = pipe.execute()
            if self._outbox:
                self._sent(results[0])
            self._taken.extend(results[-1])
        return self._taken.popleft() if self._taken else None

    def ack(self, *raws: bytes) -> None:
        """The leased requests are finished (parsed, or failed for good). What they yielded is queued and
        the visits recorded since are written first, so a lease never ends before its page's work is safe."""
        with self.client.pipeline(transaction=False) as pipe:
            outbox = bool(self._outbox)
            if outbox:
                self._send(pipe)
            if self._records:
                pipe.hset(self.state_key, mapping=self._records)
            for raw in raws:
                pipe.lrem(self.lease_key, -1, raw)  # from the tail, where the oldest leases are
            results = pipe.execute()
        if outbox:
            self._sent(results[0])
        self._records = {}

    def send(self) -> None:
        """Queue the pushes held so far (one round trip), so other workers can take them now."""
        if self._outbox:
            self._sent(self._send())

    def _send(self, pipe=None):
        """The push script over the outbox, on ``pipe`` (its result comes with the pipeline's) or at once."""
        return self._push(keys=[self._seen_key(), self.queue_key], args=self._outbox, client=pipe)

    def _sent(self, dropped: int) -> None:
        self.claimed_elsewhere += int(dropped)
        self._outbox = []

    def _seen_key(self) -> str:
        return f"{self.prefix}:seen:{self.epoch}"

    @property
    def unsent(self) -> int:
        """Requests and visits held here: pushes and visits not sent yet, requests leased and not handed out."""
        return len(self._outbox) // 2 + len(self._records) + len(self._taken)

    def queued(self) -> int:
        return int(self.client.llen(self.queue_key))

    # what fetches taught ---------------------------------------------------------------------
    def visit(self, url: str) -> Visit | None:
        raw = self._records.get(url)
        return _visit(raw if raw is not None else self.client.hget(self.state_key, url))

    def record(self, urls: list[str], visit: Visit) -> None:
        """Store ``visit`` for ``urls`` (a fetch settles its URL and a redirect's target) with the next ``ack``:
        a lease ends only after its page's visit is written, so a killed worker loses nothing."""
        text = json.dumps(asdict(visit), ensure_ascii=False, separators=(",", ":"))
        self._records.update(dict.fromkeys(urls, text))

    def backlog(self) -> Iterator[tuple[str, Visit]]:
        """Every page fetched before (not listings, sitemaps, feeds): the revisit candidates."""
        for url, raw in self.client.hscan_iter(self.state_key, count=1000):
            visit = _visit(raw)
            if visit.kind not in DISCOVERY_KINDS:
                yield url.decode(), visit


def _visit(raw: bytes | None) -> Visit | None:
    return Visit(**json.loads(raw)) if raw is not None else None
