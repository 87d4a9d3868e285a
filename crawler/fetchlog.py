"""The crawl's side of the store: fetch rows, the seen-URL state and crawl runs, written in batches.

Every fetch row is queued after its WARC record is flushed, and committed together with the URL
state it changes, in one transaction per batch (``batch`` rows or ``interval`` seconds, whichever
first). A SIGKILL therefore loses at most the last uncommitted batch, whose URLs the next crawl
fetches again; nothing committed is ever fetched twice. No Scrapy here: the store is plain SQLite.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from corpus.store import Store, utc_now
from crawler.frontier import DISCOVERY_KINDS, Visit, is_settled

_INSERT_FETCH = """
INSERT INTO fetches (run_id, url, final_url, site, kind, status, fetched_at, content_type, content_length,
                     content_hash, encoding, encoding_evidence, etag, last_modified, warc_file, warc_offset,
                     warc_length, error)
VALUES (:run_id, :url, :final_url, :site, :kind, :status, :fetched_at, :content_type, :content_length,
        :content_hash, :encoding, :encoding_evidence, :etag, :last_modified, :warc_file, :warc_offset,
        :warc_length, :error)
"""
_UPSERT_STATE = """
INSERT INTO urls (url, site, kind, discovered_at, discovered_via, last_fetch_id, last_status, last_fetched_at,
                  etag, last_modified, next_visit_at, failures, last_error)
VALUES (:url, :site, COALESCE(:kind, 'other'), :fetched_at, :via, :fetch_id, :status, :fetched_at,
        :etag, :last_modified, :next_visit_at, :failed, :error)
ON CONFLICT (url) DO UPDATE SET
    kind = COALESCE(excluded.kind, urls.kind),
    last_fetch_id = excluded.last_fetch_id,
    last_status = excluded.last_status,
    last_fetched_at = excluded.last_fetched_at,
    etag = COALESCE(excluded.etag, urls.etag),
    last_modified = COALESCE(excluded.last_modified, urls.last_modified),
    next_visit_at = CASE WHEN :failed THEN urls.next_visit_at ELSE excluded.next_visit_at END,
    failures = CASE WHEN :failed THEN urls.failures + :first_failure ELSE 0 END,
    last_error = excluded.last_error
"""
_UPSERT_DISCOVERED = """
INSERT INTO urls (url, site, kind, discovered_at, discovered_via, hints, hops)
VALUES (:url, :site, :kind, :at, :via, :hints, :hops)
ON CONFLICT (url) DO UPDATE SET
    kind = CASE WHEN urls.last_status IS NULL THEN excluded.kind ELSE urls.kind END,
    hops = CASE WHEN urls.hops IS NULL OR excluded.hops < urls.hops THEN excluded.hops ELSE urls.hops END,
    hints = CASE WHEN excluded.hints IS NULL THEN urls.hints
                 ELSE json_patch(COALESCE(urls.hints, '{}'), excluded.hints) END
"""
@dataclass
class Fetch:
    """One HTTP exchange (or failed attempt) as it goes into ``fetches``; see 0001_core.sql."""

    url: str
    site: str                          # the site config that asked for it (the URL state's key)
    kind: str | None
    fetched_at: str
    final_url: str | None = None
    status: int | None = None
    content_type: str | None = None
    content_length: int | None = None
    content_hash: str | None = None
    encoding: str | None = None
    encoding_evidence: dict | None = None
    etag: str | None = None
    last_modified: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    error: str | None = None
    final: bool = True                 # False for a redirect hop: the URL's state waits for the end
    revisit_after: float | None = None  # seconds until a settled page is due again; None = never
    via: str | None = None
    extra_urls: list[str] = field(default_factory=list)  # also settled by this fetch (redirect target)
    outlet: str | None = None          # who published the page, when not the site (crawler/outlets.py)


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
                if not _alive(pid):
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
        marks = ",".join("?" * len(sites))
        rows = self.store.execute(
            f"SELECT url, site, kind, COALESCE(hops, 0), last_status, last_fetched_at, failures, etag, "
            f"last_modified FROM urls WHERE site IN ({marks})", tuple(sites))
        return {row[0]: Visit(*row[1:]) for row in rows}

    # queued writes --------------------------------------------------------------------------
    def discovered(self, url: str, site: str, kind: str, via: str, hops: int = 0, hints: dict | None = None) -> None:
        self._queue.append(("discovered", {"url": url, "site": site, "kind": kind, "via": via, "at": utc_now(),
                                           "hops": hops,
                                           "hints": json.dumps(hints, ensure_ascii=False) if hints else None}))

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
                    db.execute(_UPSERT_DISCOVERED, item)
                else:
                    self._write_fetch(db, item)

    def _write_fetch(self, db, fetch: Fetch) -> None:
        row = {name: getattr(fetch, name) for name in (
            "url", "final_url", "site", "kind", "status", "fetched_at", "content_type", "content_length",
            "content_hash", "encoding", "etag", "last_modified", "warc_file", "warc_offset", "warc_length", "error")}
        row["run_id"] = self.run_id
        row["site"] = fetch.outlet or fetch.site
        row["kind"] = row["kind"] or "other"
        row["encoding_evidence"] = (json.dumps(fetch.encoding_evidence, ensure_ascii=False)
                                    if fetch.encoding_evidence else None)
        fetch_id = db.execute(_INSERT_FETCH, row).lastrowid
        if not fetch.final:
            return
        failed = not is_settled(fetch.status)
        next_visit = None
        if not failed and fetch.kind not in DISCOVERY_KINDS and fetch.revisit_after is not None:
            moment = datetime.fromisoformat(fetch.fetched_at) + timedelta(seconds=fetch.revisit_after)
            next_visit = moment.astimezone(timezone.utc).isoformat(timespec="seconds")
        state = {"site": fetch.site, "kind": fetch.kind, "fetched_at": fetch.fetched_at, "via": fetch.via,
                 "fetch_id": fetch_id, "status": fetch.status, "etag": fetch.etag,
                 "last_modified": fetch.last_modified, "next_visit_at": next_visit, "failed": int(failed),
                 "error": fetch.error}
        for url in (fetch.url, *fetch.extra_urls):
            first_failure = int(failed and url not in self._failed_this_run)
            if failed:
                self._failed_this_run.add(url)
            db.execute(_UPSERT_STATE, {**state, "url": url, "first_failure": first_failure})


def run_fetch_urls(db, run_id: int, sites: set[str]) -> list[tuple[int, str]]:
    """(fetch id, the URL that answered) of a crawl run's rows filed under these sites."""
    marks = ",".join("?" * len(sites))
    return db.execute(f"SELECT id, COALESCE(final_url, url) FROM fetches WHERE run_id = ? AND site IN ({marks})",
                      (run_id, *sorted(sites))).fetchall()


def rename_fetches(db, renamed: list[tuple[str, int]]) -> None:
    """File fetch rows under another outlet: (outlet, fetch id) pairs."""
    db.executemany("UPDATE fetches SET site = ? WHERE id = ?", renamed)


def add_run_sites(db, run_id: int, names: set[str]) -> None:
    """List more sites (outlets) with a crawl run, for site health to measure."""
    listed = db.execute("SELECT sites FROM crawl_runs WHERE id = ?", (run_id,)).fetchone()[0]
    sites = sorted(set(json.loads(listed or "[]")) | names)
    db.execute("UPDATE crawl_runs SET sites = ? WHERE id = ?", (json.dumps(sites, ensure_ascii=False), run_id))


def _alive(pid: object) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return pid != os.getpid()
