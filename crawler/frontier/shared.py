"""The frontier's Redis state: a queue with per-worker leases, crawl epochs, claimed URLs, revisit state.

No Scrapy here: requests are opaque bytes and URLs are strings, so it is tested against a real
redis-server alone. Keys, under one prefix (``newscorpus`` by default)::

    {p}:queue            list    requests waiting (LPUSH in, popped from the right: first in, first out)
    {p}:leases:{worker}  list    requests a worker has taken and not yet finished
    {p}:workers          set     workers that joined; {p}:alive:{worker} expires when one stops beating
    {p}:epoch            int     the crawl round; {p}:seen:{epoch} holds the URLs claimed in it
    {p}:state            hash    URL -> revisit state (JSON) of every URL fetched, kept across rounds

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
from dataclasses import asdict, dataclass

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
if redis.call('SCARD', p .. ':workers') == 0 and redis.call('LLEN', p .. ':queue') == 0 then
  redis.call('DEL', p .. ':seen:' .. epoch)
  epoch = redis.call('INCR', p .. ':epoch')
end
redis.call('SADD', p .. ':workers', worker)
redis.call('SET', p .. ':alive:' .. worker, 1, 'PX', ttl)
return {epoch, moved}
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
_LEAVE = """
local p, worker = ARGV[1], ARGV[2]
local moved = 0
while redis.call('LMOVE', p .. ':leases:' .. worker, p .. ':queue', 'RIGHT', 'RIGHT') do moved = moved + 1 end
redis.call('SREM', p .. ':workers', worker)
redis.call('DEL', p .. ':alive:' .. worker)
return moved
"""


@dataclass(frozen=True)
class UrlState:
    """What the frontier knows of a fetched URL (the shared twin of the store's ``urls`` row)."""

    kind: str
    status: int | None          # None: the last attempt failed without a response
    fetched_at: str             # ISO 8601, UTC
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0           # consecutive crawls whose attempts all failed

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: bytes | str) -> "UrlState":
        return cls(**json.loads(text))


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
        >>> if frontier.claim("http://example.org/a"):
        ...     frontier.push(b"request bytes")
        >>> raw = frontier.pop()          # leased to this worker
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
        self.queue_key = f"{prefix}:queue"
        self.lease_key = f"{prefix}:leases:{worker}"
        self.state_key = f"{prefix}:state"
        self._join = client.register_script(_JOIN)
        self._beat = client.register_script(_BEAT)
        self._pending = client.register_script(_PENDING)
        self._leave = client.register_script(_LEAVE)

    # membership -------------------------------------------------------------------------------
    def join(self) -> int:
        """Register this worker; start a new round if the frontier is idle. Returns the epoch."""
        epoch, recovered = self._join(args=[self.prefix, self.worker, self.ttl_ms])
        self.epoch = int(epoch)
        self.recovered = int(recovered)
        return self.epoch

    def beat(self) -> int:
        """Prove this worker alive and requeue dead workers' leases; returns how many were requeued."""
        return int(self._beat(args=[self.prefix, self.worker, self.ttl_ms]))

    def leave(self) -> int:
        """Unregister; requests still leased to this worker go back to the queue (returns how many)."""
        return int(self._leave(args=[self.prefix, self.worker]))

    def pending_elsewhere(self) -> int:
        """Requests queued or leased by other live workers: while > 0, the round is not over."""
        return int(self._pending(args=[self.prefix, self.worker]))

    # queue ------------------------------------------------------------------------------------
    def claim(self, url: str) -> bool:
        """True for the first worker to claim ``url`` in this round, False for every later one."""
        return bool(self.client.sadd(f"{self.prefix}:seen:{self.epoch}", url))

    def push(self, raw: bytes, done: bytes | None = None) -> None:
        """Queue a request; with ``done``, finish that lease in the same transaction (retries, redirects)."""
        with self.client.pipeline(transaction=True) as pipe:
            pipe.lpush(self.queue_key, raw)
            if done is not None:
                pipe.lrem(self.lease_key, -1, done)
            pipe.execute()

    def pop(self) -> bytes | None:
        """Take the oldest queued request, leased to this worker until ``ack``."""
        return self.client.lmove(self.queue_key, self.lease_key, "RIGHT", "LEFT")

    def ack(self, *raws: bytes) -> None:
        """The leased requests are finished (parsed, or failed for good)."""
        with self.client.pipeline(transaction=False) as pipe:
            for raw in raws:
                pipe.lrem(self.lease_key, -1, raw)  # from the tail, where the oldest leases are
            pipe.execute()

    def queued(self) -> int:
        return int(self.client.llen(self.queue_key))

    # revisit state ----------------------------------------------------------------------------
    def state(self, url: str) -> UrlState | None:
        raw = self.client.hget(self.state_key, url)
        return UrlState.from_json(raw) if raw is not None else None

    def record(self, urls: list[str], state: UrlState) -> None:
        """Store ``state`` for ``urls`` (a fetch settles its URL and the redirect chain's first URL)."""
        self.client.hset(self.state_key, mapping={url: state.to_json() for url in urls})
