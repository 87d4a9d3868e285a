"""Read one consistent state of the store as stories: a canonical document plus its duplicates.

A story is a dedup cluster. Its id is the cluster id, which dedup keeps stable when unrelated
documents arrive and when the canonical member changes, so the same story keeps its id from one
release to the next. Taken-down URLs are dropped here, before anything is written.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import Iterator

from corpus import clusters, documents
from corpus.clusters import Member
from corpus.release.errors import ReleaseError

PROMOTED_REASON = (
    "promoted: the canonical chosen by dedup was taken down; this is the most similar remaining member "
    "(ties: earliest published, then URL)"
)


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
    if not documents.has_any_document(db):
        raise ReleaseError("the store has no documents yet: crawl and extract (or ingest) first, "
                           "then dedup, then release")
    count, example = clusters.undeduplicated(db)
    if count:
        raise ReleaseError(
            f"{count} document(s) are not in any dedup cluster yet (e.g. {example}): "
            "run `newscorpus dedup` first, then release"
        )


def iter_stories(db: sqlite3.Connection, taken_down: set[str]) -> Iterator[Story]:
    """Stories ordered by id; members whose URL is taken down are left out."""
    for cluster, group in clusters.iter_clusters(db):
        members = [member for member in group if member.url not in taken_down]
        if not members:
            continue
        canonical = next((m for m in members if m.doc_id == cluster.canonical_doc_id), None)
        reason = cluster.canonical_reason
        if canonical is None:
            canonical = min(members, key=lambda m: (-m.similarity, m.published is None, m.published or "", m.url))
            reason = PROMOTED_REASON
        duplicates = sorted((m for m in members if m is not canonical), key=lambda m: (m.published or "", m.url))
        yield Story(cluster.id, canonical, reason, duplicates)


def iter_containments(db: sqlite3.Connection, released_urls: set[str]) -> Iterator[dict]:
    """Pages that hold most of a shorter page (flagged by dedup, not merged), both pages released."""
    found = [pair for pair in clusters.iter_containments(db)
             if pair.container.url in released_urls and pair.contained.url in released_urls]
    for pair in sorted(found, key=lambda pair: (pair.container.url, pair.contained.url)):
        yield {"container_url": pair.container.url, "contained_url": pair.contained.url,
               "containment": pair.share}
