"""Read one consistent state of the store as stories: a canonical document plus its duplicates.

A story is a dedup cluster. Its id is the cluster id, which dedup keeps stable when unrelated
documents arrive and when the canonical member changes, so the same story keeps its id from one
release to the next. Taken-down URLs are dropped here, before anything is written.
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from dataclasses import dataclass, field
from typing import Iterator

from corpus.release.errors import ReleaseError

PROMOTED_REASON = (
    "promoted: the canonical chosen by dedup was taken down; this is the most similar remaining member "
    "(ties: earliest published, then URL)"
)

MEMBERS_SQL = """
SELECT m.cluster_id, m.doc_id, m.similarity, m.method, c.canonical_doc_id, c.canonical_reason,
       d.url, d.outlet, d.title, d.text, d.published, d.lang, d.script, d.cleaner_version, d.source,
       f.fetched_at
FROM cluster_members m
JOIN clusters c ON c.id = m.cluster_id
JOIN documents d ON d.id = m.doc_id
LEFT JOIN fetches f ON f.id = d.fetch_id
ORDER BY m.cluster_id, m.doc_id
"""


@dataclass
class Member:
    doc_id: int
    url: str
    outlet: str | None
    title: str | None
    text: str
    published: str | None
    lang: str | None
    script: str | None
    cleaner_version: str
    source: str
    fetched_at: str | None
    similarity: float
    method: str

    @property
    def text_sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


@dataclass
class Story:
    id: str
    canonical: Member
    canonical_reason: str
    duplicates: list[Member] = field(default_factory=list)

    @property
    def members(self) -> list[Member]:
        return [self.canonical, *self.duplicates]


def taken_down_urls(db: sqlite3.Connection, before: str | None = None) -> set[str]:
    """URLs with a takedown tombstone (recorded at or before ``before`` when given)."""
    if before is None:
        return {row[0] for row in db.execute("SELECT url FROM takedowns")}
    return {row[0] for row in db.execute("SELECT url FROM takedowns WHERE created_at <= ?", (before,))}


def check_deduplicated(db: sqlite3.Connection) -> None:
    """Refuse to release an empty store, or documents that dedup has not placed in a cluster yet."""
    if db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is None:
        raise ReleaseError("the store has no documents yet: crawl and extract (or ingest) first, "
                           "then dedup, then release")
    row = db.execute(
        """SELECT count(*), min(d.url) FROM documents d
           WHERE NOT EXISTS (SELECT 1 FROM cluster_members m WHERE m.doc_id = d.id)
             AND d.url NOT IN (SELECT url FROM takedowns)"""
    ).fetchone()
    if row[0]:
        raise ReleaseError(
            f"{row[0]} document(s) are not in any dedup cluster yet (e.g. {row[1]}): "
            "run `newscorpus dedup` first, then release"
        )


def iter_stories(db: sqlite3.Connection, taken_down: set[str]) -> Iterator[Story]:
    """Stories ordered by id; members whose URL is taken down are left out."""
    rows = db.execute(MEMBERS_SQL)
    for cluster_id, group in itertools.groupby(rows, key=lambda row: row["cluster_id"]):
        group = list(group)
        members = [_member(row) for row in group if row["url"] not in taken_down]
        if not members:
            continue
        canonical_id = group[0]["canonical_doc_id"]
        canonical = next((m for m in members if m.doc_id == canonical_id), None)
        reason = group[0]["canonical_reason"]
        if canonical is None:
            canonical = min(members, key=lambda m: (-m.similarity, m.published is None, m.published or "", m.url))
            reason = PROMOTED_REASON
        duplicates = sorted((m for m in members if m is not canonical), key=lambda m: (m.published or "", m.url))
        yield Story(cluster_id, canonical, reason, duplicates)


def _member(row: sqlite3.Row) -> Member:
    return Member(
        doc_id=row["doc_id"], url=row["url"], outlet=row["outlet"], title=row["title"], text=row["text"],
        published=row["published"], lang=row["lang"], script=row["script"],
        cleaner_version=row["cleaner_version"], source=row["source"], fetched_at=row["fetched_at"],
        similarity=float(row["similarity"]), method=row["method"],
    )


def iter_containments(db: sqlite3.Connection, released_urls: set[str]) -> Iterator[dict]:
    """Pages that hold most of a shorter page (flagged by dedup, not merged), both pages released."""
    rows = db.execute(
        """SELECT container.url, contained.url, c.containment FROM containments c
           JOIN documents container ON container.id = c.container_doc_id
           JOIN documents contained ON contained.id = c.contained_doc_id
           ORDER BY container.url, contained.url"""
    )
    for container, contained, share in rows:
        if container in released_urls and contained in released_urls:
            yield {"container_url": container, "contained_url": contained, "containment": float(share)}
