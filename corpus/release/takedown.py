"""Takedown tombstones: a URL that must leave the corpus.

Recording one is enough for every later release to leave the page out and name it in its
changes (dedup skips it too). Releases already published are immutable and keep it; the result
lists them so the publisher can withdraw them. ``purge`` also destroys the raw copies: the WARC
records are blanked in place (see ``warc_purge``) and the store's title and text are emptied.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from corpus.release.catalog import list_releases
from corpus.release.changes import read_members
from corpus.release.errors import ReleaseError
from corpus.release.warc_purge import blank_records
from corpus.runlock import RunLock, WorkspaceBusy
from corpus.store import utc_now
from corpus.workspace import Workspace

MAX_REASON = 2_000


@dataclass
class Takedown:
    url: str
    documents: int  # documents in the store with this URL
    in_releases: list[str] = field(default_factory=list)  # published releases that contain it
    records_blanked: int = 0
    already_recorded: bool = False


def record_takedown(workspace: Workspace, url: str, reason: str, purge: bool = False) -> Takedown:
    """Record a tombstone for ``url``; with ``purge``, blank its WARC records and stored text.

    Raises:
        ReleaseError: empty URL or reason, a run in progress during a purge, or a WARC record
            that does not match the store.
    """
    url, reason = url.strip(), " ".join(reason.split())
    if not url:
        raise ReleaseError("give the URL to take down")
    if not reason:
        raise ReleaseError("give a reason (--reason), e.g. 'request from the publisher, 2025-06-01'")
    if len(reason) > MAX_REASON:
        raise ReleaseError(f"the reason is longer than {MAX_REASON} characters; summarise it")
    store = workspace.open_store()
    try:
        with store.transaction() as db:
            already = db.execute("SELECT 1 FROM takedowns WHERE url = ?", (url,)).fetchone() is not None
            db.execute(
                """INSERT INTO takedowns (url, reason, created_at, purge) VALUES (?, ?, ?, ?)
                   ON CONFLICT (url) DO UPDATE SET reason = excluded.reason, purge = max(purge, excluded.purge)""",
                (url, reason, utc_now(), int(purge)),
            )
        documents = store.execute("SELECT count(*) FROM documents WHERE url = ?", (url,)).fetchone()[0]
        result = Takedown(url, documents, releases_containing(workspace, url), already_recorded=already)
        if purge:
            result.records_blanked = _purge(workspace, store, url)
    finally:
        store.close()
    return result


def releases_containing(workspace: Workspace, url: str) -> list[str]:
    """Versions of the published releases that carry ``url`` (as canonical page or duplicate)."""
    found = []
    for info in list_releases(workspace.releases_dir):
        try:
            if any(member["url"] == url for member in read_members(info.path)):
                found.append(info.version)
        except ReleaseError:
            found.append(f"{info.version} (unreadable: run `newscorpus verify {info.version}`)")
    return found


def _purge(workspace: Workspace, store, url: str) -> int:
    rows = store.execute(
        """SELECT url, final_url, warc_file, warc_offset FROM fetches
           WHERE (url = ? OR final_url = ? OR id IN (SELECT fetch_id FROM documents WHERE url = ?))
             AND warc_file IS NOT NULL AND warc_offset IS NOT NULL""",
        (url, url, url),
    ).fetchall()
    by_file, uris = defaultdict(list), {url}
    for row in rows:
        by_file[row["warc_file"]].append(row["warc_offset"])
        uris.update(u for u in (row["url"], row["final_url"]) if u)
    blanked = 0
    try:
        # The crawler appends to WARC files: never swap one under a running cycle.
        with RunLock(workspace.home / "run.lock"):
            for name, offsets in sorted(by_file.items()):
                path = workspace.warc_dir / name
                if not path.resolve().is_relative_to(workspace.warc_dir.resolve()):
                    raise ReleaseError(f"the store points at a WARC outside {workspace.warc_dir}: {name}")
                if not path.is_file():
                    raise ReleaseError(f"{path} is missing; the takedown is recorded but nothing was purged")
                blanked += blank_records(path, offsets, uris)
    except WorkspaceBusy:
        raise ReleaseError("a newscorpus run is using this workspace; the takedown is recorded, "
                           "run the same command with --purge again once the run has finished") from None
    with store.transaction() as db:
        db.execute("UPDATE documents SET title = NULL, text = '', text_hash = 'purged' WHERE url = ?", (url,))
        db.execute("UPDATE takedowns SET purged_at = ? WHERE url = ?", (utc_now(), url))
    return blanked
