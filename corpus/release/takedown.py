"""Takedown tombstones: a URL that must leave the corpus.

Recording one is enough for every later release to leave the page out and name it in its
changes (dedup skips it too). Releases already published are immutable and keep it; the result
lists them so the publisher can withdraw them. ``purge`` also destroys the raw copies: the WARC
records are blanked in place (see ``warc_purge``) and the store's title and text are emptied.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from corpus import clusters, documents, fetches
from corpus.clusters import Page
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
    story: str | None = None  # the dedup cluster the page belongs to, if any
    remaining: list[Page] = field(default_factory=list)  # the story's other pages, which keep it in the corpus


@dataclass
class StoryTakedown:
    story: str
    pages: list[Page]
    in_releases: list[str] = field(default_factory=list)
    records_blanked: int = 0


def record_takedown(workspace: Workspace, url: str, reason: str, purge: bool = False) -> Takedown:
    """Record a tombstone for ``url``; with ``purge``, blank its WARC records and stored text.

    The result names the story (dedup cluster) the page belongs to and the story's other pages that
    are not taken down: the next release keeps the story through them (``record_story_takedown``
    takes it down whole).

    Raises:
        ReleaseError: empty URL or reason, a run in progress during a purge, or a WARC record
            that does not match the store.
    """
    url, reason = url.strip(), _checked_reason(reason)
    if not url:
        raise ReleaseError("give the URL to take down")
    store = workspace.open_store()
    try:
        with store.transaction() as db:
            already = _tombstone(db, url, reason, purge, story=None)
            story = clusters.cluster_of(db, url)
            remaining = [page for page in clusters.pages(db, story) if page.url != url
                         and not _taken_down(db, page.url)] if story else []
        result = Takedown(url, int(documents.has_document(store.conn, url)), releases_containing(workspace, {url}),
                          already_recorded=already,
                          story=story, remaining=remaining)
        if purge:
            result.records_blanked = _purge(workspace, store, url)
    finally:
        store.close()
    return result


def record_story_takedown(workspace: Workspace, url_or_id: str, reason: str, purge: bool = False) -> StoryTakedown:
    """Take a whole story down: a tombstone for every page of the dedup cluster ``url_or_id`` names.

    ``url_or_id`` is a cluster id (the ``id`` of a released story) or the URL of any of its pages.

    Raises:
        ReleaseError: as ``record_takedown``, or no cluster matches.
    """
    key, reason = url_or_id.strip(), _checked_reason(reason)
    store = workspace.open_store()
    try:
        with store.transaction() as db:
            story = key if clusters.pages(db, key) else clusters.cluster_of(db, key)
            if story is None:
                raise ReleaseError(f"no story has the id or a page with the URL {key!r}: give a story id (the `id` "
                                   "column of a release) or the URL of one of its pages as stored "
                                   "(`newscorpus export documents` lists them)")
            pages = clusters.pages(db, story)
            for page in pages:
                _tombstone(db, page.url, reason, purge, story=story)
        result = StoryTakedown(story, pages, releases_containing(workspace, {page.url for page in pages}))
        if purge:
            result.records_blanked = sum(_purge(workspace, store, page.url) for page in pages)
    finally:
        store.close()
    return result


def _checked_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise ReleaseError("give a reason (--reason), e.g. 'request from the publisher, 2025-06-01'")
    if len(reason) > MAX_REASON:
        raise ReleaseError(f"the reason is longer than {MAX_REASON} characters; summarise it")
    return reason


def _tombstone(db, url: str, reason: str, purge: bool, story: str | None) -> bool:
    """Insert or update the tombstone of ``url``; return whether one was there already."""
    already = _taken_down(db, url)
    db.execute(
        """INSERT INTO takedowns (url, reason, created_at, purge, cluster_id) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (url) DO UPDATE SET reason = excluded.reason, purge = max(purge, excluded.purge),
                                           cluster_id = coalesce(excluded.cluster_id, cluster_id)""",
        (url, reason, utc_now(), int(purge), story),
    )
    return already


def _taken_down(db, url: str) -> bool:
    return db.execute("SELECT 1 FROM takedowns WHERE url = ?", (url,)).fetchone() is not None


def releases_containing(workspace: Workspace, urls: set[str]) -> list[str]:
    """Versions of the published releases that carry any of ``urls`` (as canonical page or duplicate)."""
    found = []
    for info in list_releases(workspace.releases_dir):
        try:
            if any(member["url"] in urls for member in read_members(info.path)):
                found.append(info.version)
        except ReleaseError:
            found.append(f"{info.version} (unreadable: run `newscorpus verify {info.version}`)")
    return found


def _purge(workspace: Workspace, store, url: str) -> int:
    by_file, uris = defaultdict(list), {url}
    for record in fetches.warc_records_of(store.conn, url):
        by_file[record.warc_file].append(record.warc_offset)
        uris.update(u for u in (record.url, record.final_url) if u)
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
        documents.purge_text(db, url)
        db.execute("UPDATE takedowns SET purged_at = ? WHERE url = ?", (utc_now(), url))
    return blanked
