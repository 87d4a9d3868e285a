"""The shared frontier's Redis pieces against a real redis-server: leases, rounds, claims, host slots, errors."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import redis
from conftest import ROOT, run_cli
from redis_support import free_port, redis_server

from corpus.runlock import RunLock, WorkspaceBusy
from crawler.frontier import Visit
from crawler.redis_frontier.politeness import HostSlots
from crawler.redis_frontier.shared import SharedFrontier


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def client(redis_url):
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    yield client
    client.close()


def worker(client, name: str, lease: float = 15.0) -> SharedFrontier:
    return SharedFrontier(client, "t", name, lease_seconds=lease)


def test_a_dead_workers_leases_go_back_to_the_queue(client):
    a, b = worker(client, "a", lease=0.2), worker(client, "b")
    a.join()
    for raw in (b"r1", b"r2", b"r3"):
        a.push(raw)
    taken = [a.pop(), a.pop()]
    assert taken == [b"r1", b"r2"]             # oldest first; the round trip leased r3 to a too
    b.join()
    assert b.pending_elsewhere() == 3          # all leased by a (alive)
    time.sleep(0.3)                            # a stops beating: its lease expires
    assert b.beat() == 3
    assert sorted([b.pop(), b.pop(), b.pop()]) == [b"r1", b"r2", b"r3"]
    assert b.pop() is None
    assert client.llen("t:leases:a") == 0 and client.smembers("t:workers") == {b"b"}


def test_ack_ends_a_lease_and_leave_requeues_the_rest(client):
    a, b = worker(client, "a"), worker(client, "b")
    a.join(), b.join()
    a.push(b"x"), a.push(b"y")
    x, y = a.pop(), a.pop()
    a.ack(x)
    assert client.lrange("t:leases:a", 0, -1) == [y]
    assert b.pending_elsewhere() == 1
    assert a.leave() == 1
    assert b.pop() == y


def test_a_retry_is_queued_and_its_parent_lease_ended_together(client):
    a = worker(client, "a")
    a.join()
    a.push(b"first")
    parent = a.pop()
    a.push(b"retry", done=parent)
    assert client.llen("t:leases:a") == 0
    assert a.pop() == b"retry"


def test_rounds_start_on_an_idle_frontier_and_resume_a_killed_one(client):
    a, b = worker(client, "a", lease=0.2), worker(client, "b")
    assert a.join() == 1 and a.started_round
    assert b.join() == 1 and not b.started_round   # joins the running round
    a.push(b"from a", claim="http://x/1"), b.push(b"from b", claim="http://x/1")
    assert a.pop() == b"from a"
    assert b.pop() is None and b.claimed_elsewhere == 1   # claimed once per round across workers
    a.ack(b"from a"), a.leave(), b.leave()
    c = worker(client, "c", lease=0.2)
    assert c.join() == 2 and c.started_round   # idle frontier: a new round, claims start afresh
    assert not client.exists("t:seen:1")
    c.push(b"pending", claim="http://x/1"), c.push(b"taken")
    assert c.pop() == b"pending" and c.claimed_elsewhere == 0
    time.sleep(0.3)                            # c is killed (never leaves): the round must resume
    d = worker(client, "d")
    assert d.join() == 2 and not d.started_round
    assert d.recovered == 2                    # both leased to c by its one round trip
    assert d.lookup(["http://x/1"])[0] == [True]
    assert sorted([d.pop(), d.pop()]) == [b"pending", b"taken"]


def test_a_claim_is_queued_with_its_request_or_not_at_all(client):
    a, b = worker(client, "a"), worker(client, "b")
    a.join(), b.join()
    a.push(b"held", claim="http://x/held")       # not sent yet: a worker killed now leaves no claim behind
    assert b.lookup(["http://x/held"])[0] == [False] and client.llen("t:queue") == 0
    a.ack()                                       # an ack sends what was pushed before it
    assert b.lookup(["http://x/held"])[0] == [True] and b.pop() == b"held"


def test_what_fetches_taught_is_shared_and_offered_back(client):
    a, b = worker(client, "a"), worker(client, "b")
    a.join(), b.join()
    article = Visit(site="wire", kind="article", hops=2, last_status=200, last_fetched_at="2026-01-02T03:04:05+00:00",
                    failures=0, etag='"e1"', last_modified="Fri, 02 Jan 2026 03:04:05 GMT")
    listing = Visit(site="wire", kind="listing", hops=0, last_status=200, last_fetched_at="2026-01-02T03:04:05+00:00",
                    failures=0, etag=None, last_modified=None)
    a.record(["http://x/a", "http://x/b"], article)
    a.record(["http://x/"], listing)
    assert a.visit("http://x/b") == article and b.visit("http://x/b") is None   # written with a's next ack
    a.push(b"a", claim="http://x/a")
    a.ack()
    assert b.visit("http://x/b") == article
    # A page's links in one round trip: claimed in this round or not, and what fetches taught.
    assert b.lookup(["http://x/a", "http://x/b", "http://x/new"]) == ([True, False, False], [article, article, None])
    assert sorted(b.backlog()) == [("http://x/a", article), ("http://x/b", article)]  # listings are re-read anyway


def test_host_slots_space_requests_and_cap_concurrency_across_workers(client):
    one, two = HostSlots(client, "t", "one", hold_seconds=60), HostSlots(client, "t", "two", hold_seconds=60)
    waits = [one.acquire("h", "w1", 3, 10.0), two.acquire("h", "w2", 3, 10.0), one.acquire("h", "w3", 3, 10.0)]
    assert waits[0] == pytest.approx(0, abs=1)
    assert waits[1] == pytest.approx(10, abs=1)     # the second worker waits for the first's delay
    assert waits[2] == pytest.approx(20, abs=1)
    assert two.acquire("h", "w4", 3, 10.0) is None  # three in flight on this host: the cap holds
    one.release("h", "w1")
    assert two.acquire("h", "w4", 3, 10.0) == pytest.approx(30, abs=1)
    assert one.acquire("other", "w5", 3, 10.0) == pytest.approx(0, abs=1)


def test_workers_waiting_for_a_host_share_its_slots(client):
    one, two = HostSlots(client, "t", "one", hold_seconds=60), HostSlots(client, "t", "two", hold_seconds=60)
    for token in "abcd":
        assert one.acquire("h", token, 4, 0) == 0          # alone, one worker may take the whole cap
    assert two.acquire("h", "e", 4, 0) is None              # full: two now waits for the host
    one.release("h", "a")
    assert one.acquire("h", "a2", 4, 0) is None             # one holds more than half while two waits
    assert two.acquire("h", "e", 4, 0) == 0                 # so the freed slot goes to two
    one.release("h", "b")
    assert two.acquire("h", "f", 4, 0) == 0                 # two reaches its share of 2 ...
    one.release("h", "c")
    assert one.acquire("h", "c2", 4, 0) == 0                # ... and one keeps its share of 2
    assert one.acquire("h", "g", 4, 0) is None
    assert one.acquire("h", "g", 4, 0, released=["d"]) == 0  # a slot freed in the same round trip


def test_host_slots_of_a_killed_worker_expire(client):
    slots = HostSlots(client, "t", "w", hold_seconds=0.2)
    assert slots.acquire("h", "dead", 1, 0) == 0
    assert slots.acquire("h", "w", 1, 0) is None
    time.sleep(0.3)
    assert slots.acquire("h", "w", 1, 0) == 0


def test_frontier_workers_share_the_workspace_lock_and_exclude_other_writers(workspace):
    run_cli("init", home=workspace)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_SHARED, str(workspace.lock_path)], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with RunLock(workspace.lock_path, shared=True):  # a second worker joins
            pass
        with pytest.raises(WorkspaceBusy, match="crawl workers sharing a frontier"):
            RunLock(workspace.lock_path).__enter__()
        refused = run_cli("dedup", home=workspace, check=False)
        assert refused.returncode == 75, refused.stderr
    finally:
        holder.communicate("")


HOLD_SHARED = """
import sys
from pathlib import Path
from corpus.runlock import RunLock
with RunLock(Path(sys.argv[1]), shared=True):
    print("held", flush=True)
    sys.stdin.read()
"""


# {free}: a port nobody listens on, picked when the test runs (a collected id must not vary between workers).
@pytest.mark.parametrize("url, message, code", [
    ("http://127.0.0.1:6379/0", "must be a Redis URL such as redis://", 2),   # a usage error
    ("redis://127.0.0.1:{free}/0", "cannot reach the frontier at redis://127.0.0.1:", 1),
])
def test_a_bad_frontier_is_a_one_line_error(workspace, url, message, code):
    url = url.format(free=free_port())
    result = run_cli("crawl", "--start-url", "http://127.0.0.1:9/", "--frontier", url, home=workspace, check=False)
    assert result.returncode == code
    assert message in result.stderr and "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("Error:") and len(result.stderr.strip().splitlines()) == 1


def test_without_the_redis_package_the_error_says_what_to_install(workspace, tmp_path):
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "redis.py").write_text("raise ImportError('No module named redis')\n")
    result = run_cli("crawl", "--start-url", "http://127.0.0.1:9/", "--frontier", "redis://127.0.0.1:6379/0",
                     home=workspace, check=False, env={"PYTHONPATH": str(shadow)})
    assert result.returncode == 1
    assert 'pip install -e ".[scale]"' in result.stderr and "Traceback" not in result.stderr


def test_the_redis_frontier_counts_failures_once_per_crawl_and_keeps_validators(client, workspace):
    from corpus.store import utc_now
    from crawler.fetchlog import Fetch, FetchLog
    from crawler.frontier import StoreFrontier
    from crawler.redis_frontier.components import RedisFrontier

    def crawl_once(*statuses):
        log = FetchLog(workspace.open_store())
        log.begin_run(["s"], {})
        frontier = RedisFrontier(worker(client, "w"), StoreFrontier(log))
        frontier.open(["s"])
        for status in statuses:
            frontier.fetched(Fetch(url="http://x/a", site="s", kind="article", fetched_at=utc_now(), status=status,
                                   etag='"v1"' if status == 200 else None))
        log.flush()
        frontier.shared.leave()
        return worker(client, "reader").visit("http://x/a")

    assert crawl_once(200).etag == '"v1"'
    failing = crawl_once(503, 503, 503)                # one crawl's retries are one failure
    assert (failing.failures, failing.last_status, failing.etag) == (1, 503, '"v1"')
    assert not failing.settled
    assert crawl_once(503).failures == 2
    recovered = crawl_once(200)
    assert (recovered.failures, recovered.last_status) == (0, 200)
