"""What a crawl worker takes from the shared queue is data, never code.

Anyone who can write to the Redis database (another tenant, a compromised host on the network)
must not be able to run code in the crawlers: queued requests are JSON, and an entry that is not
a request we queued is dropped and counted, and the crawl goes on.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import redis
from crawl_support import crawl, rows
from redis_support import redis_server

from crawler.demosite import DemoSite


class _Touch:
    """Unpickling this creates a file: the proof that a pickle from Redis ran."""

    def __init__(self, path: Path):
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))


def test_a_planted_queue_entry_is_dropped_and_never_run(tmp_path):
    proof = tmp_path / "pickle-ran"
    (tmp_path / "redis").mkdir()
    with redis_server(tmp_path / "redis") as url, DemoSite(scale=1, port=0) as site:
        client = redis.Redis.from_url(url)
        try:
            client.lpush("newscorpus:queue", pickle.dumps(_Touch(proof)), b"{not json", b'{"url": 1}')
        finally:
            client.close()
        crawl(tmp_path / "home", "--start-url", site.url + "/", "--frontier", url)

    assert not proof.exists()
    (stats,), = rows(tmp_path / "home", "SELECT stats FROM crawl_runs ORDER BY id DESC LIMIT 1")
    assert json.loads(stats).get("newscorpus/dropped/bad-queue-entry") == 3
    fetched = {url for (url,) in rows(tmp_path / "home", "SELECT url FROM fetches WHERE kind = 'article' "
                                                        "AND status = 200")}
    assert len(fetched) >= 8
