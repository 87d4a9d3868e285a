"""The crawl's side of the store: fetch rows, the seen-URL state and crawl runs, written in batches.

Every fetch row is queued after its WARC record is flushed, and committed together with the URL
state it changes, in one transaction per batch (``batch`` rows or ``interval`` seconds, whichever
first). A SIGKILL therefore loses at most the last uncommitted batch, whose URLs the next crawl
fetches again; nothing committed is ever fetched twice. No Scrapy here: the rows and their SQL are
``corpus.fetches``'s (the store layer), which the WARC importer shares.
"""

from __future__ import annotations

import json
import os
import time

from corpus import fetches
from corpus.fetches import Fetch, Visit
from corpus.runlock import other_process_alive
from corpus.store import Store, utc_now


class FetchLog:
    """Batches fetch rows and URL state into transactions.

    Args:
        store: an open, migrated Store.
        batch: commit after this many queued fetches.
        interval: ...or when the oldest queued row is this many seconds old (checked on ``tick``).
    """

    def __init__(self, store: Store, batch: int = 200, interval: float = 1.0):
        self.store = store
        self.batch = batch
        self.interval = interval
        self.run_id: int | None = None
        self._queue: list[tuple[str, object]] = []
        self._pending_fetches = 0
        self._oldest = 0.0
        self._failed_this_run: set[str] = set()  # retried attempts count as one failure per crawl

    # crawl runs -----------------------------------------------------------------------------
    def begin_run(self, sites: list, configs: dict[str, dict]) -> int:
        """Record a new crawl run (and the site configs); close runs left 'running' by dead processes."""
        now = utc_now()
        with self.store.transaction() as db:
            for run_id, stats in db.execute("SELECT id, stats FROM crawl_runs WHERE status = 'running'").fetchall():
                pid = (json.loads(stats) if stats else {}).get("pid")
                if not other_process_alive(pid):
                    db.execute("UPDATE crawl_runs SET status = 'failed', finished_at = ?, stats = ? WHERE id = ?",
                               (now, json.dumps({"pid": pid, "finish_reason": "killed"}), run_id))
            for name, config in configs.items():
                db.execute("INSERT INTO sites (name, config, updated_at) VALUES (?, ?, ?) ON CONFLICT (name) DO "
                           "UPDATE SET config = excluded.config, updated_at = excluded.updated_at",
                           (name, json.dumps(config, ensure_ascii=False, default=str), now))
            cursor = db.execute("INSERT INTO crawl_runs (started_at, status, sites, stats) VALUES (?, 'running', ?, ?)",
                                (now, json.dumps(sites, ensure_ascii=False), json.dumps({"pid": os.getpid()})))
        self.run_id = cursor.lastrowid
        return self.run_id

    def finish_run(self, status: str, stats: dict) -> None:
        self.flush()
        with self.store.transaction() as db:
            db.execute("UPDATE crawl_runs SET finished_at = ?, status = ?, stats = ? WHERE id = ?",
                       (utc_now(), status, json.dumps(stats, ensure_ascii=False, default=str), self.run_id))

    # seen-URL state -------------------------------------------------------------------------
    def visits(self, sites: list[str]) -> dict[str, Visit]:
        """What the store knows of every URL of these sites, by URL."""
        return fetches.visits(self.store.conn, sites)

    # queued writes --------------------------------------------------------------------------
    def discovered(self, url: str, site: str, kind: str, via: str, hops: int = 0, hints: dict | None = None) -> None:
        self._queue.append(("discovered", {"url": url, "site": site, "kind": kind, "via": via, "at": utc_now(),
                                           "hops": hops, "hints": hints}))

    def fetched(self, fetch: Fetch) -> None:
        if not self._pending_fetches:
            self._oldest = time.monotonic()
        self._queue.append(("fetch", fetch))
        self._pending_fetches += 1
        if self._pending_fetches >= self.batch:
            self.flush()

    def tick(self) -> None:
        """Commit if the oldest queued fetch waited ``interval`` seconds (call it periodically)."""
        if self._queue and (not self._pending_fetches or time.monotonic() - self._oldest >= self.interval):
            self.flush()

    def flush(self) -> None:
        if not self._queue:
            return
        queue, self._queue = self._queue, []
        self._pending_fetches = 0
        with self.store.transaction() as db:
            for op, item in queue:
                if op == "discovered":
                    fetches.write_discovered(db, **item)
                else:
                    fetches.write_fetch(db, item, self._failed_this_run, run_id=self.run_id)


def add_run_sites(db, run_id: int, names: set[str]) -> None:
    """List more sites (outlets) with a crawl run, for site health to measure."""
    listed = db.execute("SELECT sites FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()[0]
    sites = sorted(set(json.loads(listed or "[]")) | names)
    db.execute("UPDATE crawl_runs SET sites = ? WHERE id = ?", (json.dumps(sites, ensure_ascii=False), run_id))
