"""The read side of the ``clusters`` and ``cluster_members`` tables (and dedup's ``containments``): typed rows.

Dedup writes these tables (``corpus/dedup/repository.py``); releases, reports, takedowns, decisions
and ``status`` read them here. A cluster is a story: a canonical document and its duplicates. The
member queries stream in cluster order, so a release or report of a million documents never holds
more than one cluster's rows at a time.
"""

from __future__ import annotations

import hashlib
import itertools
import sqlite3
from dataclasses import dataclass
from typing import Iterable, Iterator


@dataclass(frozen=True)
class Cluster:
    """One row of ``clusters``: its id (stable across runs) and the canonical dedup chose, with why."""

    id: str
    canonical_doc_id: int
    canonical_reason: str


@dataclass
class Member:
    """A cluster member with what a release carries of its document."""

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


@dataclass(frozen=True)
class ReportMember:
    """A cluster member as the report lists it (no text: the report reads texts capped, separately)."""

    cluster: Cluster
    canonical_url: str
    doc_id: int
    url: str
    outlet: str | None
    published: str | None
    script: str | None
    similarity: float
    method: str
    title: str | None
    page_url: str | None      # the page a story was printed on, with its number and name
    page_number: str | None
    page_name: str | None


@dataclass(frozen=True)
class Page:
    """A cluster member as a takedown names it."""

    outlet: str | None
    url: str
    canonical: bool


@dataclass(frozen=True)
class DocumentRef:
    doc_id: int
    url: str
    outlet: str | None
    title: str | None


@dataclass(frozen=True)
class Containment:
    """A page that holds most of a shorter page (flagged by dedup, not merged)."""

    container: DocumentRef
    contained: DocumentRef
    share: float


# Members with their documents in cluster order (a release reads every cluster once, streamed).
RELEASE_MEMBERS_SQL = """
SELECT m.cluster_id, m.doc_id, m.similarity, m.method, c.canonical_doc_id, c.canonical_reason,
       d.url, d.outlet, d.title, d.text, d.published, d.lang, d.script, d.cleaner_version, d.source,
       f.fetched_at
FROM cluster_members m
JOIN clusters c ON c.id = m.cluster_id
JOIN documents d ON d.id = m.doc_id
LEFT JOIN fetches f ON f.id = d.fetch_id
ORDER BY m.cluster_id, m.doc_id
"""

# Cluster members in report order: the canonical first inside each cluster.
REPORT_MEMBERS_SQL = """
SELECT cm.cluster_id, c.canonical_doc_id, cd.url AS canonical_url, c.canonical_reason, cm.doc_id, cm.similarity,
       cm.method, d.url, d.outlet, d.published, d.script, d.title, d.page_url, d.page_number, d.page_name
FROM cluster_members cm
JOIN clusters c ON c.id = cm.cluster_id
JOIN documents cd ON cd.id = c.canonical_doc_id
JOIN documents d ON d.id = cm.doc_id
ORDER BY cm.cluster_id, cm.doc_id = c.canonical_doc_id DESC, cm.similarity DESC, d.published, cm.doc_id
"""


def iter_clusters(db: sqlite3.Connection) -> Iterator[tuple[Cluster, list[Member]]]:
    """Every cluster with its members (doc id order), ordered by cluster id, streamed."""
    rows = db.execute(RELEASE_MEMBERS_SQL)
    for cluster_id, group in itertools.groupby(rows, key=lambda row: row[0]):
        group = list(group)
        cluster = Cluster(cluster_id, group[0][4], group[0][5])
        yield cluster, [Member(doc_id=row[1], url=row[6], outlet=row[7], title=row[8], text=row[9],
                               published=row[10], lang=row[11], script=row[12], cleaner_version=row[13],
                               source=row[14], fetched_at=row[15], similarity=float(row[2]), method=row[3])
                        for row in group]


def iter_report_members(db: sqlite3.Connection) -> Iterator[ReportMember]:
    """Every member in report order: by cluster id, the canonical first, then by similarity and date."""
    for row in db.execute(REPORT_MEMBERS_SQL):
        yield ReportMember(Cluster(row[0], row[1], row[3]), row[2], row[4], row[7], row[8], row[9], row[10],
                           row[5], row[6], row[11], row[12], row[13], row[14])


def iter_containments(db: sqlite3.Connection) -> Iterator[Containment]:
    """Every containment, the strongest first (ties by container id, then contained id)."""
    rows = db.execute(
        """SELECT c.containment, a.id, a.url, a.outlet, a.title, b.id, b.url, b.outlet, b.title
           FROM containments c JOIN documents a ON a.id = c.container_doc_id
           JOIN documents b ON b.id = c.contained_doc_id
           ORDER BY c.containment DESC, a.id, b.id""")
    for row in rows:
        yield Containment(DocumentRef(*row[1:5]), DocumentRef(*row[5:9]), float(row[0]))


def cluster_of(db: sqlite3.Connection, url: str) -> str | None:
    """The cluster the document of ``url`` belongs to, if any."""
    row = db.execute("SELECT m.cluster_id FROM cluster_members m JOIN documents d ON d.id = m.doc_id "
                     "WHERE d.url = ?", (url,)).fetchone()
    return row[0] if row else None


def pages(db: sqlite3.Connection, cluster_id: str) -> list[Page]:
    """The pages of a cluster, canonical first, then by URL."""
    rows = db.execute(
        """SELECT d.outlet, d.url, d.id = c.canonical_doc_id FROM cluster_members m
           JOIN clusters c ON c.id = m.cluster_id JOIN documents d ON d.id = m.doc_id
           WHERE m.cluster_id = ? ORDER BY 3 DESC, d.url""", (cluster_id,))
    return [Page(outlet, url, bool(canonical)) for outlet, url, canonical in rows]


def placements(db: sqlite3.Connection, urls: Iterable[str]) -> dict[str, tuple[str, bool]]:
    """URL -> (its cluster, whether it is the canonical) for those of ``urls`` that are in a cluster."""
    urls = list(urls)
    found: dict[str, tuple[str, bool]] = {}
    for start in range(0, len(urls), 500):
        part = urls[start:start + 500]
        marks = ",".join("?" * len(part))
        for url, cluster_id, is_canonical in db.execute(
                f"SELECT d.url, m.cluster_id, c.canonical_doc_id = d.id FROM documents d "
                f"JOIN cluster_members m ON m.doc_id = d.id JOIN clusters c ON c.id = m.cluster_id "
                f"WHERE d.url IN ({marks})", part):
            found[url] = (cluster_id, bool(is_canonical))
    return found


@dataclass(frozen=True)
class ExportMember:
    """A cluster member as ``newscorpus export clusters`` writes it, with its cluster's fields."""

    cluster: Cluster
    size: int
    canonical_url: str
    doc_id: int
    url: str
    outlet: str | None
    published: str | None
    script: str | None
    similarity: float
    method: str
    page_url: str | None
    story_index: int | None
    page_number: str | None
    page_name: str | None


def iter_export_members(db: sqlite3.Connection, include_singletons: bool = False) -> Iterator[ExportMember]:
    """Members by cluster id, canonical first, then by similarity; clusters of one only when asked."""
    rows = db.execute(
        f"""SELECT c.id, c.canonical_doc_id, c.canonical_reason, c.size, cd.url,
                   d.id, d.url, d.outlet, d.published, d.script, m.similarity, m.method,
                   d.page_url, d.story_index, d.page_number, d.page_name
            FROM clusters c
            JOIN documents cd ON cd.id = c.canonical_doc_id
            JOIN cluster_members m ON m.cluster_id = c.id
            JOIN documents d ON d.id = m.doc_id
            {"" if include_singletons else "WHERE c.size > 1"}
            ORDER BY c.id, m.doc_id != c.canonical_doc_id, m.similarity DESC, m.doc_id""")
    for row in rows:
        yield ExportMember(Cluster(*row[0:3]), *row[3:])


@dataclass(frozen=True)
class DedupTotals:
    """What a dedup run's summary says of the clusters it left."""

    clusters: int
    duplicates: int
    cross_script_clusters: int


def dedup_totals(db: sqlite3.Connection) -> DedupTotals:
    """Clusters, members that are not canonical, and clusters with both Simplified and Traditional members."""
    duplicates = db.execute("SELECT count(*) FROM cluster_members WHERE method != 'canonical'").fetchone()[0]
    cross_script = db.execute(
        """SELECT count(*) FROM (SELECT m.cluster_id FROM cluster_members m JOIN documents d ON d.id = m.doc_id
           WHERE d.script IN ('zh-Hans', 'zh-Hant') GROUP BY m.cluster_id HAVING count(DISTINCT d.script) > 1)"""
    ).fetchone()[0]
    return DedupTotals(count_clusters(db), duplicates, cross_script)


def count_clusters(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM clusters").fetchone()[0]


@dataclass(frozen=True)
class ClusterCounts:
    clusters: int
    with_duplicates: int
    members: int


def cluster_counts(db: sqlite3.Connection) -> ClusterCounts:
    """Clusters, those with more than one member, and members in all (``status``)."""
    return ClusterCounts(*db.execute(
        "SELECT count(*), coalesce(sum(n > 1), 0), coalesce(sum(n), 0) FROM "
        "(SELECT count(*) AS n FROM cluster_members GROUP BY cluster_id)").fetchone())


def undeduplicated(db: sqlite3.Connection) -> tuple[int, str | None]:
    """Documents dedup has not placed in a cluster yet, and the first such URL (taken-down pages are
    skipped by dedup on purpose, so they do not count)."""
    return db.execute("""SELECT count(*), min(d.url) FROM documents d
                         WHERE NOT EXISTS (SELECT 1 FROM cluster_members m WHERE m.doc_id = d.id)
                           AND d.url NOT IN (SELECT url FROM takedowns)""").fetchone()
