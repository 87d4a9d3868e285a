"""The dedup stage's SQL: reading documents, persisting fingerprints, writing clusters.

Kept apart from the clustering logic so that logic can be read (and tested) without SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from corpus.dedup.fingerprint import Fingerprint
from corpus.store import has_table, utc_now

SQL_CHUNK = 500  # host parameters per IN (...) list


class DocRow(NamedTuple):
    """What clustering needs of a document besides its fingerprint."""

    doc_id: int
    url: str
    outlet: str | None
    published: str | None
    script: str | None
    text_hash: str
    title: str | None


def chunks(items: list, size: int = SQL_CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _live(db: sqlite3.Connection) -> str:
    """The documents dedup should see: all of them except those taken down (when takedowns exist)."""
    return "SELECT * FROM documents" + (" WHERE url NOT IN (SELECT url FROM takedowns)"
                                        if has_table(db, "takedowns") else "")


def live_ids(db: sqlite3.Connection) -> set[int]:
    return {row[0] for row in db.execute(f"SELECT id FROM ({_live(db)})")}


def dirty_documents(db: sqlite3.Connection, params: int, live: set[int]) -> list[int]:
    """``live`` documents without a fingerprint of their current text made with ``params``."""
    return [row[0] for row in db.execute(
        "SELECT d.id FROM documents d LEFT JOIN dedup_signatures s ON s.doc_id = d.id"
        " WHERE s.doc_id IS NULL OR s.params_id != ? OR s.text_hash != d.text_hash ORDER BY d.id", (params,))
        if row[0] in live]


def gone_documents(db: sqlite3.Connection) -> list[int]:
    """Fingerprinted documents that are gone or taken down."""
    return [row[0] for row in db.execute(
        f"SELECT doc_id FROM dedup_signatures WHERE doc_id NOT IN (SELECT id FROM ({_live(db)}))")]


def text_hashes(db: sqlite3.Connection, doc_ids: list[int]) -> dict[int, str]:
    found = {}
    for part in chunks(doc_ids):
        marks = ",".join("?" * len(part))
        found.update(db.execute(f"SELECT id, text_hash FROM documents WHERE id IN ({marks})", part).fetchall())
    return found


def duplicate_groups(db: sqlite3.Connection) -> list[list[int]]:
    """Fingerprinted documents sharing one normalised text (of a character or more), lowest id first."""
    groups: dict[str, list[int]] = {}
    for norm_hash, doc in db.execute(
            "SELECT norm_hash, doc_id FROM dedup_signatures WHERE norm_chars > 0 AND norm_hash IN"
            " (SELECT norm_hash FROM dedup_signatures WHERE norm_chars > 0 GROUP BY norm_hash HAVING count(*) > 1)"
            " ORDER BY doc_id"):
        groups.setdefault(norm_hash, []).append(doc)
    return list(groups.values())


def shingled_ids(db: sqlite3.Connection) -> np.ndarray:
    """Sorted ids of the fingerprinted documents with at least one shingle."""
    rows = db.execute("SELECT doc_id FROM dedup_signatures WHERE shingles > 0").fetchall()
    return np.sort(np.array([row[0] for row in rows], dtype=np.int64))


def unclustered(db: sqlite3.Connection) -> list[int]:
    """Documents in no cluster yet."""
    return [row[0] for row in db.execute(
        "SELECT id FROM documents WHERE id NOT IN (SELECT doc_id FROM cluster_members)")]


def clusters_of(db: sqlite3.Connection, doc_ids: list[int]) -> dict[int, str]:
    found = {}
    for part in chunks(doc_ids):
        marks = ",".join("?" * len(part))
        found.update(db.execute(f"SELECT doc_id, cluster_id FROM cluster_members WHERE doc_id IN ({marks})",
                                part).fetchall())
    return found


def cluster_members(db: sqlite3.Connection, cluster_ids: list[str]) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for part in chunks(cluster_ids):
        marks = ",".join("?" * len(part))
        for cid, doc in db.execute(f"SELECT cluster_id, doc_id FROM cluster_members WHERE cluster_id IN ({marks})", part):
            found.setdefault(cid, []).append(doc)
    return found


def members_of(db: sqlite3.Connection, cluster_id: str) -> list[int]:
    return [row[0] for row in db.execute("SELECT doc_id FROM cluster_members WHERE cluster_id = ?", (cluster_id,))]


def cluster_exists(db: sqlite3.Connection, cluster_id: str) -> bool:
    return db.execute("SELECT 1 FROM clusters WHERE id = ?", (cluster_id,)).fetchone() is not None


def document_rows(db: sqlite3.Connection, doc_ids: set[int], total: int) -> dict[int, DocRow]:
    """``DocRow``s of ``doc_ids`` (read in one scan when they are most of the ``total`` documents)."""
    sql = "SELECT id, url, outlet, published, script, text_hash, title FROM documents"
    if len(doc_ids) > total // 2:
        return {row[0]: DocRow._make(row) for row in db.execute(sql) if row[0] in doc_ids}
    found = {}
    for part in chunks(sorted(doc_ids)):
        marks = ",".join("?" * len(part))
        found.update((row[0], DocRow._make(row)) for row in db.execute(f"{sql} WHERE id IN ({marks})", part))
    return found


def texts(db: sqlite3.Connection, doc_ids: Iterable[int]) -> dict[int, str]:
    found = {}
    for part in chunks(list(doc_ids)):
        marks = ",".join("?" * len(part))
        found.update(db.execute(f"SELECT id, text FROM documents WHERE id IN ({marks})", part).fetchall())
    return found


def params_id(db: sqlite3.Connection, params: dict) -> int:
    """The ``dedup_params`` row for these signature parameters (created on first use)."""
    keys = ("library", "scheme", "seed", "num_perm", "shingle_size", "shingle_hash", "normalizer")
    row = db.execute(
        "SELECT id FROM dedup_params WHERE " + " AND ".join(f"{key} = ?" for key in keys),
        [params[key] for key in keys],
    ).fetchone()
    if row:
        return row[0]
    cursor = db.execute(
        "INSERT INTO dedup_params (library, library_version, scheme, seed, num_perm, shingle_size, shingle_hash,"
        " normalizer, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [params[key] for key in ("library", "library_version", *keys[1:])] + [utc_now()],
    )
    return cursor.lastrowid


@dataclass(frozen=True)
class ClusterRow:
    """A cluster as written: its id, canonical and why, members (doc, similarity, method) and reasons."""

    id: str
    canonical: int
    reason: str
    members: list[tuple[int, float, str]]
    reasons: dict[int, str]


class StoredSignature(NamedTuple):
    params_id: int
    text_hash: str
    norm_hash: str
    norm_chars: int
    shingles: int


def stored_signatures(db: sqlite3.Connection, doc_ids: list[int] | None = None) -> dict[int, StoredSignature]:
    """Every stored signature's facts (or those of ``doc_ids``)."""
    sql = "SELECT doc_id, params_id, text_hash, norm_hash, norm_chars, shingles FROM dedup_signatures"
    if doc_ids is None:
        return {row[0]: StoredSignature._make(row[1:]) for row in db.execute(sql)}
    found = {}
    for part in chunks(doc_ids):
        marks = ",".join("?" * len(part))
        found.update((row[0], StoredSignature._make(row[1:])) for row in db.execute(f"{sql} WHERE doc_id IN ({marks})", part))
    return found


def _rows_in_chunks(cursor: sqlite3.Cursor, size: int = 20_000) -> Iterator[list]:
    while rows := cursor.fetchmany(size):
        yield rows


def signature_matrix(db: sqlite3.Connection, params: int, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """(doc ids, ``(n, num_perm)`` uint32 signatures) of every stored signature made with ``params``,
    read in chunks into one preallocated array."""
    count = db.execute("SELECT count(*) FROM dedup_signatures WHERE params_id = ? AND shingles > 0",
                       (params,)).fetchone()[0]
    ids = np.empty(count, dtype=np.int64)
    matrix = np.empty((count, num_perm), dtype=np.uint32)
    filled = 0
    cursor = db.execute("SELECT doc_id, hashvalues FROM dedup_signatures WHERE params_id = ? AND shingles > 0"
                        " ORDER BY doc_id", (params,))
    for rows in _rows_in_chunks(cursor):
        stop = min(filled + len(rows), count)  # rows written since the count are not in this run
        rows = rows[: stop - filled]
        ids[filled:stop] = [row[0] for row in rows]
        matrix[filled:stop] = np.frombuffer(b"".join(row[1] for row in rows), dtype="<u4").reshape(len(rows), num_perm)
        filled = stop
    return ids[:filled], matrix[:filled]


def sentence_hashes(db: sqlite3.Connection, params: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """(doc ids, their sorted sentence hashes) for every document with at least one long sentence."""
    ids: list[int] = []
    hashes: list[np.ndarray] = []
    cursor = db.execute("SELECT doc_id, sentence_hashes FROM dedup_signatures WHERE params_id = ? AND sentences > 0"
                        " ORDER BY doc_id", (params,))
    for rows in _rows_in_chunks(cursor):
        ids.extend(row[0] for row in rows)
        hashes.extend(np.frombuffer(row[1], dtype="<i8") for row in rows)
    return np.array(ids, dtype=np.int64), hashes


def save_fingerprints(db: sqlite3.Connection, fingerprints: list[Fingerprint], text_hashes: dict[int, str],
                      params: int, run_id: int) -> None:
    now = utc_now()
    db.executemany(
        "INSERT OR REPLACE INTO dedup_signatures (doc_id, params_id, text_hash, norm_hash, norm_chars, shingles,"
        " sentences, hashvalues, sentence_hashes, computed_at, run_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(f.doc_id, params, text_hashes[f.doc_id], f.norm_hash, f.norm_chars, f.shingles, len(f.sentences),
          f.signature.astype("<u4").tobytes(), f.sentences.astype("<i8").tobytes(), now, run_id)
         for f in fingerprints],
    )


def forget(db: sqlite3.Connection, doc_ids: list[int]) -> None:
    """Drop fingerprints and reasons of documents that are gone or taken down."""
    for part in chunks(doc_ids):
        marks = ",".join("?" * len(part))
        db.execute(f"DELETE FROM dedup_signatures WHERE doc_id IN ({marks})", part)
        db.execute(f"DELETE FROM dedup_member_reasons WHERE doc_id IN ({marks})", part)
        db.execute(f"DELETE FROM dedup_links WHERE doc_a IN ({marks}) OR doc_b IN ({marks})", part + part)


def memberships(db: sqlite3.Connection) -> dict[int, str]:
    return dict(db.execute("SELECT doc_id, cluster_id FROM cluster_members").fetchall())


def cluster_created(db: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    found = {}
    for part in chunks(list(ids)):
        marks = ",".join("?" * len(part))
        found.update(db.execute(f"SELECT id, created_at FROM clusters WHERE id IN ({marks})", part).fetchall())
    return found


def replace_clusters(db: sqlite3.Connection, doc_ids: list[int], old_cluster_ids: set[str],
                     clusters: list[ClusterRow]) -> None:
    """Swap the clusters of ``doc_ids`` (with their reasons, containments and links) for ``clusters``."""
    created = cluster_created(db, {c.id for c in clusters})
    now = utc_now()
    for part in chunks(doc_ids):
        marks = ",".join("?" * len(part))
        db.execute(f"DELETE FROM cluster_members WHERE doc_id IN ({marks})", part)
        db.execute(f"DELETE FROM containments WHERE container_doc_id IN ({marks}) OR contained_doc_id IN ({marks})",
                   part + part)
        db.execute(f"DELETE FROM dedup_member_reasons WHERE doc_id IN ({marks})", part)
        db.execute(f"DELETE FROM dedup_links WHERE doc_a IN ({marks}) OR doc_b IN ({marks})", part + part)
    for part in chunks(sorted(old_cluster_ids)):
        marks = ",".join("?" * len(part))
        db.execute(f"DELETE FROM clusters WHERE id IN ({marks})"
                   " AND id NOT IN (SELECT cluster_id FROM cluster_members)", part)
    db.executemany(
        "INSERT INTO clusters (id, canonical_doc_id, canonical_reason, size, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET canonical_doc_id = excluded.canonical_doc_id,"
        " canonical_reason = excluded.canonical_reason, size = excluded.size, updated_at = excluded.updated_at",
        [(c.id, c.canonical, c.reason, len(c.members), created.get(c.id, now), now) for c in clusters],
    )
    db.executemany(
        "INSERT INTO cluster_members (doc_id, cluster_id, similarity, method) VALUES (?, ?, ?, ?)",
        [(doc_id, c.id, similarity, method) for c in clusters for doc_id, similarity, method in c.members],
    )
    db.executemany("INSERT INTO dedup_member_reasons (doc_id, reason) VALUES (?, ?)",
                   [(doc_id, c.reasons.get(doc_id, c.reason if doc_id == c.canonical else ""))
                    for c in clusters for doc_id, _, _ in c.members])


def save_links(db: sqlite3.Connection, rows: list[tuple[int, int, str, float, str]]) -> None:
    """``(doc_a, doc_b, kind, similarity, reason)`` rows, doc_a < doc_b."""
    db.executemany("INSERT OR REPLACE INTO dedup_links (doc_a, doc_b, kind, similarity, reason) VALUES (?, ?, ?, ?, ?)",
                   rows)


def save_containments(db: sqlite3.Connection, rows: list[tuple[int, int, float]]) -> None:
    db.executemany("INSERT OR REPLACE INTO containments (container_doc_id, contained_doc_id, containment)"
                   " VALUES (?, ?, ?)", rows)


def start_run(db: sqlite3.Connection, settings: dict) -> int:
    return db.execute("INSERT INTO dedup_runs (started_at, settings) VALUES (?, ?)",
                      (utc_now(), json.dumps(settings, ensure_ascii=False))).lastrowid


@dataclass(frozen=True)
class LastRun:
    """The latest finished run: its id, settings and summary."""

    id: int
    settings: dict
    stats: dict


def last_run(db: sqlite3.Connection) -> LastRun | None:
    """The latest finished run (None before the first)."""
    row = db.execute("SELECT id, settings, stats FROM dedup_runs WHERE finished_at IS NOT NULL"
                     " ORDER BY id DESC LIMIT 1").fetchone()
    return LastRun(row[0], json.loads(row[1]), json.loads(row[2] or "{}")) if row else None


def fingerprinted_after(db: sqlite3.Connection, run_id: int) -> list[int]:
    """Documents fingerprinted by runs after ``run_id`` (this one, or runs killed before they finished)."""
    return [row[0] for row in db.execute("SELECT doc_id FROM dedup_signatures WHERE run_id > ?", (run_id,))]


def fingerprint_rows(db: sqlite3.Connection, doc_ids: np.ndarray, num_perm: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """``(len(doc_ids), num_perm)`` uint32 signatures and the sorted sentence hashes of ``doc_ids``."""
    found: dict[int, tuple[bytes, bytes]] = {}
    for part in chunks(doc_ids.tolist()):
        marks = ",".join("?" * len(part))
        found.update((row[0], row[1:]) for row in db.execute(
            f"SELECT doc_id, hashvalues, sentence_hashes FROM dedup_signatures WHERE doc_id IN ({marks})", part))
    rows = [found[doc] for doc in doc_ids.tolist()]
    matrix = np.frombuffer(b"".join(row[0] for row in rows), dtype="<u4").reshape(len(rows), num_perm)
    return matrix, [np.frombuffer(row[1], dtype="<i8") for row in rows]


def finish_run(db: sqlite3.Connection, run_id: int, params: int, stats: dict) -> None:
    db.execute("UPDATE dedup_runs SET finished_at = ?, params_id = ?, stats = ? WHERE id = ?",
               (utc_now(), params, json.dumps(stats, ensure_ascii=False), run_id))
