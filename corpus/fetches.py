"""The ``fetches`` and ``urls`` tables' gateway: one typed ``Fetch`` row, the URL state it moves, and reads.

The crawl's fetch log (``crawler/fetchlog.py``, batched) and the WARC importer (``corpus/warcimport.py``)
write the same rows through ``write_fetch``, so a fetch indexed from another machine's WARC file is
stored exactly as the crawl would have stored it. Only this module holds SQL on these two tables
(besides aggregates the dedup stage keeps in ``corpus/dedup/``); the callers pass and get dataclasses.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass, field

# Kinds that are re-read on every crawl: they are how new articles are found.
DISCOVERY_KINDS = ("listing", "sitemap", "feed")


def is_settled(status: int | None) -> bool:
    """A response that says what the URL is: success, not-modified, a final redirect or a client error.

    Server errors, timeouts and throttling (408, 429) are not: the URL is tried again next crawl.
    """
    return status is not None and status < 500 and status not in (408, 429)


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
    hints: dict | None = None          # what a listing said of the page (kept on the URL if it has none)
    extra_urls: list[str] = field(default_factory=list)  # also settled by this fetch (redirect target)
    outlet: str | None = None          # who published the page, when not the site (crawler/outlets.py)


@dataclass(frozen=True)
class Visit:
    """What earlier crawls learned of a URL (a ``urls`` row): enough to skip it, revisit it or give up on it."""

    site: str
    kind: str
    hops: int                   # link hops from a start page, sitemap or feed when it was found
    last_status: int | None
    last_fetched_at: str | None
    failures: int               # crawls in a row whose fetch failed
    etag: str | None
    last_modified: str | None

    @property
    def settled(self) -> bool:
        """The last answer said what the URL is (see ``is_settled``)."""
        return is_settled(self.last_status)

    def due(self, revisit_after: float | None, now: dt.datetime) -> bool:
        """Is a settled page old enough to be checked again?"""
        if revisit_after is None or self.last_fetched_at is None:
            return False
        return dt.datetime.fromisoformat(self.last_fetched_at) + dt.timedelta(seconds=revisit_after) <= now

    def validators(self) -> dict[str, str]:
        """Conditional-GET headers for a revisit (``If-None-Match``, ``If-Modified-Since``)."""
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass(frozen=True)
class PendingFetch:
    """A fetch the extract stage has still to clean: a successful HTML page kept in WARC."""

    fetch_id: int
    url: str                    # where the page ended up (its final URL)
    requested_url: str
    outlet: str | None
    warc_file: str
    warc_offset: int
    fetched_at: str | None
    hints: dict
    encoding: str | None
    encoding_evidence: dict


@dataclass(frozen=True)
class OutletFetches:
    """One outlet's fetch attempts in a crawl run, as health judges them."""

    attempts: int
    errors: int                 # no answer or a server error
    top_error: str | None       # the commonest of those


# -- writing ---------------------------------------------------------------------------------------

_INSERT_FETCH = """
INSERT INTO fetches (run_id, url, final_url, site, kind, status, fetched_at, content_type, content_length,
                     content_hash, encoding, encoding_evidence, etag, last_modified, warc_file, warc_offset,
                     warc_length, error)
VALUES (:run_id, :url, :final_url, :site, :kind, :status, :fetched_at, :content_type, :content_length,
        :content_hash, :encoding, :encoding_evidence, :etag, :last_modified, :warc_file, :warc_offset,
        :warc_length, :error)
"""
_UPSERT_STATE = """
INSERT INTO urls (url, site, kind, discovered_at, discovered_via, hints, last_fetch_id, last_status, last_fetched_at,
                  etag, last_modified, next_visit_at, failures, last_error)
VALUES (:url, :site, :kind, :fetched_at, :via, :hints, :fetch_id, :status, :fetched_at, :etag, :last_modified,
        :next_visit_at, :failed, :error)
ON CONFLICT (url) DO UPDATE SET
    kind = excluded.kind,
    hints = COALESCE(urls.hints, excluded.hints),
    last_fetch_id = excluded.last_fetch_id,
    last_status = excluded.last_status,
    last_fetched_at = excluded.last_fetched_at,
    etag = COALESCE(excluded.etag, urls.etag),
    last_modified = COALESCE(excluded.last_modified, urls.last_modified),
    next_visit_at = CASE WHEN :failed THEN urls.next_visit_at ELSE excluded.next_visit_at END,
    failures = CASE WHEN :failed THEN urls.failures + :first_failure ELSE 0 END,
    last_error = excluded.last_error
"""
# An imported archive moves a URL's state forward in time only: an old file indexed late does not undo a newer fetch.
_FORWARD_ONLY = "WHERE urls.last_fetched_at IS NULL OR urls.last_fetched_at <= excluded.last_fetched_at"
_UPSERT_DISCOVERED = """
INSERT INTO urls (url, site, kind, discovered_at, discovered_via, hints, hops)
VALUES (:url, :site, :kind, :at, :via, :hints, :hops)
ON CONFLICT (url) DO UPDATE SET
    kind = CASE WHEN urls.last_status IS NULL THEN excluded.kind ELSE urls.kind END,
    hops = CASE WHEN urls.hops IS NULL OR excluded.hops < urls.hops THEN excluded.hops ELSE urls.hops END,
    hints = CASE WHEN excluded.hints IS NULL THEN urls.hints
                 ELSE json_patch(COALESCE(urls.hints, '{}'), excluded.hints) END
"""
_ROW_FIELDS = ("url", "final_url", "site", "status", "fetched_at", "content_type", "content_length", "content_hash",
               "encoding", "etag", "last_modified", "warc_file", "warc_offset", "warc_length", "error")


def _json(value: dict | None) -> str | None:
    return json.dumps(value, ensure_ascii=False) if value else None


def write_fetch(db: sqlite3.Connection, fetch: Fetch, failed_urls: set[str], run_id: int | None = None,
                forward_only: bool = False) -> int:
    """Insert the fetch row and, for a final fetch, move its URLs' state; returns the fetch id.

    Args:
        db: a connection inside a transaction.
        fetch: the row.
        failed_urls: URLs whose failure this crawl already counted (retries count once); updated.
        run_id: the crawl run (None for an imported fetch).
        forward_only: leave a URL whose state is newer than this fetch as it is (an imported archive).
    """
    kind = fetch.kind or "other"
    row = {name: getattr(fetch, name) for name in _ROW_FIELDS}
    row.update(run_id=run_id, kind=kind, site=fetch.outlet or fetch.site,
               encoding_evidence=_json(fetch.encoding_evidence))
    fetch_id = db.execute(_INSERT_FETCH, row).lastrowid
    if not fetch.final:
        return fetch_id
    failed = not is_settled(fetch.status)
    next_visit = None
    if not failed and kind not in DISCOVERY_KINDS and fetch.revisit_after is not None:
        moment = dt.datetime.fromisoformat(fetch.fetched_at) + dt.timedelta(seconds=fetch.revisit_after)
        next_visit = moment.astimezone(dt.timezone.utc).isoformat(timespec="seconds")
    state = {"site": fetch.site, "kind": kind, "fetched_at": fetch.fetched_at, "via": fetch.via,
             "hints": _json(fetch.hints), "fetch_id": fetch_id, "status": fetch.status, "etag": fetch.etag,
             "last_modified": fetch.last_modified, "next_visit_at": next_visit, "failed": int(failed),
             "error": fetch.error}
    sql = _UPSERT_STATE + _FORWARD_ONLY if forward_only else _UPSERT_STATE
    for url in (fetch.url, *fetch.extra_urls):
        first_failure = int(failed and url not in failed_urls)
        if failed:
            failed_urls.add(url)
        db.execute(sql, {**state, "url": url, "first_failure": first_failure})
    return fetch_id


def run_fetch_urls(db: sqlite3.Connection, run_id: int, sites: set[str]) -> list[tuple[int, str]]:
    """(fetch id, the URL that answered) of a crawl run's rows filed under these sites."""
    marks = ",".join("?" * len(sites))
    return db.execute(f"SELECT id, COALESCE(final_url, url) FROM fetches WHERE run_id = ? AND site IN ({marks})",
                      (run_id, *sorted(sites))).fetchall()


def rename_fetches(db: sqlite3.Connection, renamed: list[tuple[str, int]]) -> None:
    """File fetch rows under another outlet: (outlet, fetch id) pairs (an ad hoc crawl's late naming)."""
    db.executemany("UPDATE fetches SET site = ? WHERE id = ?", renamed)


def write_discovered(db: sqlite3.Connection, url: str, site: str, kind: str, via: str, at: str, hops: int = 0,
                     hints: dict | None = None) -> None:
    """Record a URL found on a page (keeps its fewest hops; merges its hints)."""
    db.execute(_UPSERT_DISCOVERED, {"url": url, "site": site, "kind": kind, "via": via, "at": at, "hops": hops,
                                    "hints": _json(hints)})


# -- reading ---------------------------------------------------------------------------------------

def visits(db: sqlite3.Connection, sites: list[str]) -> dict[str, Visit]:
    """What the store knows of every URL of these sites, by URL."""
    marks = ",".join("?" * len(sites))
    rows = db.execute(f"SELECT url, site, kind, COALESCE(hops, 0), last_status, last_fetched_at, failures, etag, "
                      f"last_modified FROM urls WHERE site IN ({marks})", tuple(sites))
    return {row[0]: Visit(*row[1:]) for row in rows}


def is_indexed(db: sqlite3.Connection, fetch: Fetch) -> bool:
    """Whether the fetch log already holds this fetch (by WARC location, or a failure the crawl logged itself)."""
    if db.execute("SELECT 1 FROM fetches WHERE warc_file = ? AND warc_offset = ?",
                  (fetch.warc_file, fetch.warc_offset)).fetchone():
        return True
    if fetch.status is None:
        return db.execute("SELECT 1 FROM fetches WHERE url = ? AND fetched_at = ? AND error IS ? AND warc_file IS NULL",
                          (fetch.url, fetch.fetched_at, fetch.error)).fetchone() is not None
    return False


def warc_files(db: sqlite3.Connection) -> set[str]:
    """The WARC files (as ``fetches.warc_file`` names them) that some fetch row points into."""
    return {name for (name,) in db.execute("SELECT DISTINCT warc_file FROM fetches WHERE warc_file IS NOT NULL")}


# The fetches the extract stage has still to do: HTML pages answered 200, kept in WARC, not yet
# extracted (`newscorpus extract` works through them; `newscorpus status` counts them).
_PENDING_WHERE = """
f.status = 200 AND f.warc_file IS NOT NULL AND f.warc_offset IS NOT NULL
  AND (f.content_type IS NULL OR f.content_type LIKE '%html%')
  AND (f.kind IS NULL OR f.kind NOT IN ('listing', 'sitemap', 'feed'))
  AND f.id NOT IN (SELECT fetch_id FROM extractions)
"""
_PENDING = f"""
SELECT f.id, COALESCE(f.final_url, f.url), f.url, f.site, f.warc_file, f.warc_offset, f.fetched_at, u.hints,
       f.encoding, f.encoding_evidence
FROM fetches f LEFT JOIN urls u ON u.url = f.url
WHERE {_PENDING_WHERE}
ORDER BY f.id
"""


def pending_extraction(db: sqlite3.Connection) -> list[PendingFetch]:
    """The fetches not yet extracted, in fetch order (a URL's latest fetch last)."""
    return [PendingFetch(fetch_id, url, requested, outlet, warc_file, offset, fetched_at, _json_object(hints),
                         encoding, _json_object(evidence))
            for (fetch_id, url, requested, outlet, warc_file, offset, fetched_at, hints, encoding, evidence)
            in db.execute(_PENDING).fetchall()]


def count_pending_extraction(db: sqlite3.Connection) -> int:
    return db.execute(f"SELECT count(*) FROM fetches f WHERE {_PENDING_WHERE}").fetchone()[0]


def _json_object(raw: str | None) -> dict:
    try:
        value = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


# -- one crawl run's fetches (health) --------------------------------------------------------------

_OUTLET_FETCHES = """
SELECT site, count(*), sum(error IS NOT NULL OR status >= 500),
       (SELECT coalesce(error, 'HTTP ' || status) FROM fetches g WHERE g.run_id = f.run_id AND g.site = f.site
        AND (g.error IS NOT NULL OR g.status >= 500) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1)
FROM fetches f WHERE run_id = ? AND site IS NOT NULL GROUP BY site
"""


def outlet_fetches(db: sqlite3.Connection, crawl_run_id: int) -> dict[str, OutletFetches]:
    """Per outlet: the run's fetch attempts, those that got no answer or a server error, and the commonest failure."""
    return {site: OutletFetches(attempts, errors, top) for site, attempts, errors, top
            in db.execute(_OUTLET_FETCHES, (crawl_run_id,))}


def commonest_error(db: sqlite3.Connection, crawl_run_id: int) -> str | None:
    """The run's most frequent fetch error, if any fetch failed without an answer."""
    row = db.execute("SELECT error FROM fetches WHERE run_id = ? AND error IS NOT NULL GROUP BY error "
                     "ORDER BY count(*) DESC LIMIT 1", (crawl_run_id,)).fetchone()
    return row[0] if row else None


def article_pages(db: sqlite3.Connection, crawl_run_id: int) -> dict[str, int]:
    """Per outlet: the run's article pages answered 200."""
    return dict(db.execute("SELECT site, count(*) FROM fetches WHERE run_id = ? AND status = 200 AND kind = 'article' "
                           "GROUP BY site", (crawl_run_id,)).fetchall())


# -- takedowns -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class WarcRecordRef:
    url: str
    final_url: str | None
    warc_file: str
    warc_offset: int


def warc_records_of(db: sqlite3.Connection, url: str) -> list[WarcRecordRef]:
    """The WARC records that hold ``url``: fetched as it, redirected to it, or the fetch of its document."""
    return [WarcRecordRef(*row) for row in db.execute(
        """SELECT url, final_url, warc_file, warc_offset FROM fetches
           WHERE (url = ? OR final_url = ? OR id IN (SELECT fetch_id FROM documents WHERE url = ?))
             AND warc_file IS NOT NULL AND warc_offset IS NOT NULL""", (url, url, url))]


# -- counts (status) -------------------------------------------------------------------------------

@dataclass(frozen=True)
class SiteFetches:
    fetches: int
    last_fetched_at: str | None


def fetches_by_site(db: sqlite3.Connection) -> dict[str, SiteFetches]:
    """Per outlet: fetch rows and the latest fetch time."""
    return {site: SiteFetches(count, last) for site, count, last in db.execute(
        "SELECT site, count(*), max(fetched_at) FROM fetches WHERE site IS NOT NULL GROUP BY site")}


def run_outcomes(db: sqlite3.Connection, crawl_run_id: int) -> tuple[int, int]:
    """(fetches that got an answer, fetches that failed without one) of a crawl run."""
    return db.execute("SELECT count(*) - count(error), count(error) FROM fetches WHERE run_id = ?",
                      (crawl_run_id,)).fetchone()
