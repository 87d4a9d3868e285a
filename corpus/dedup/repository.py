"""The dedup stage's SQL: reading documents, persisting fingerprints, writing clusters.

Kept apart from the clustering logic so that logic can be read (and tested) without SQL.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from corpus.dedup.fingerprint import Fingerprint
from corpus.store import has_table, utc_now

SQL_CHUNK = 500  # host parameters per IN (...) list


@dataclass(frozen=True)
class DocRow:
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


def live_documents(db: sqlite3.Connection) -> dict[int, DocRow]:
    """Documents dedup should see: all of them except those taken down (when takedowns exist)."""
    sql = "SELECT id, url, outlet, published, script, text_hash, title FROM documents"
    if has_table(db, "takedowns"):
        sql += " WHERE url NOT IN (SELECT url FROM takedowns)"
    return {row[0]: DocRow(*row) for row in db.execute(sql)}


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
class StoredSignature:
    params_id: int
    text_hash: str
    norm_hash: str
    norm_chars: int
    shingles: int


def stored_signatures(db: sqlite3.Connection) -> dict[int, StoredSignature]:
    rows = db.execute("SELECT doc_id, params_id, text_hash, norm_hash, norm_chars, shingles FROM dedup_signatures")
    return {row[0]: StoredSignature(*row[1:]) for row in rows}


def signature_matrix(db: sqlite3.Connection, params: int, num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """(doc ids, ``(n, num_perm)`` uint32 signatures) of every stored signature made with ``params``."""
    rows = db.execute(
        "SELECT doc_id, hashvalues FROM dedup_signatures WHERE params_id = ? AND shingles > 0 ORDER BY doc_id",
        (params,),
    ).fetchall()
    ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    matrix = np.frombuffer(b"".join(row[1] for row in rows), dtype="<u4").reshape(len(rows), num_perm)
    return ids, matrix


def save_fingerprints(db: sqlite3.Connection, fingerprints: list[Fingerprint], text_hashes: dict[int, str],
                      params: int) -> None:
    now = utc_now()
    db.executemany(
        "INSERT OR REPLACE INTO dedup_signatures (doc_id, params_id, text_hash, norm_hash, norm_chars, shingles,"
        " sentences, hashvalues, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(f.doc_id, params, text_hashes[f.doc_id], f.norm_hash, f.norm_chars, f.shingles, len(f.sentences),
          f.signature.astype("<u4").tobytes(), now) for f in fingerprints],
    )
    ids = [f.doc_id for f in fingerprints]
    for part in chunks(ids):
        db.execute(f"DELETE FROM dedup_sentences WHERE doc_id IN ({','.join('?' * len(part))})", part)
    db.executemany("INSERT OR IGNORE INTO dedup_sentences (hash, doc_id) VALUES (?, ?)",
                   [(h, f.doc_id) for f in fingerprints for h in f.sentences])


def forget(db: sqlite3.Connection, doc_ids: list[int]) -> None:
    """Drop fingerprints of documents that are gone or taken down."""
    for part in chunks(doc_ids):
        marks = ",".join("?" * len(part))
        db.execute(f"DELETE FROM dedup_signatures WHERE doc_id IN ({marks})", part)
        db.execute(f"DELETE FROM dedup_sentences WHERE doc_id IN ({marks})", part)


def sentence_pairs(db: sqlite3.Connection, doc_ids: list[int], max_docs: int, min_share: float,
                   min_shared: int = 2) -> set[tuple[int, int]]:
    """Pairs (one of ``doc_ids``, any other document) sharing at least ``min_shared`` long sentences and
    ``min_share`` of the sentences of the one with fewer; sentences found in more than ``max_docs``
    documents are boilerplate and not counted."""
    pairs = set()
    for part in chunks(doc_ids):
        marks = ",".join("?" * len(part))
        rows = db.execute(
            f"""WITH mine AS (SELECT hash, doc_id FROM dedup_sentences WHERE doc_id IN ({marks})),
                     specific AS (SELECT hash FROM dedup_sentences WHERE hash IN (SELECT hash FROM mine)
                                  GROUP BY hash HAVING count(*) BETWEEN 2 AND ?),
                     shared AS (SELECT a.doc_id AS x, b.doc_id AS y, count(*) AS n FROM mine a
                                JOIN specific USING (hash)
                                JOIN dedup_sentences b ON b.hash = a.hash AND b.doc_id != a.doc_id
                                GROUP BY a.doc_id, b.doc_id HAVING count(*) >= ?)
                SELECT x, y FROM shared
                JOIN dedup_signatures sx ON sx.doc_id = x JOIN dedup_signatures sy ON sy.doc_id = y
                WHERE n >= ? * min(sx.sentences, sy.sentences)""",
            [*part, max_docs, min_shared, min_share],
        )
        pairs.update((x, y) if x < y else (y, x) for x, y in rows)
    return pairs


def memberships(db: sqlite3.Connection) -> dict[int, str]:
    return dict(db.execute("SELECT doc_id, cluster_id FROM cluster_members").fetchall())


def cluster_ids(db: sqlite3.Connection) -> set[str]:
    return {row[0] for row in db.execute("SELECT id FROM clusters")}


def cluster_created(db: sqlite3.Connection, ids: Iterable[str]) -> dict[str, str]:
    found = {}
    for part in chunks(list(ids)):
        marks = ",".join("?" * len(part))
        found.update(db.execute(f"SELECT id, created_at FROM clusters WHERE id IN ({marks})", part).fetchall())
    return found


def replace_clusters(db: sqlite3.Connection, doc_ids: list[int], old_cluster_ids: set[str],
                     clusters: list[dict]) -> None:
    """Swap the clusters of ``doc_ids`` for ``clusters`` (each: id, canonical, reason, members)."""
    created = cluster_created(db, {c["id"] for c in clusters})
    now = utc_now()
    for part in chunks(doc_ids):
        marks = ",".join("?" * len(part))
        db.execute(f"DELETE FROM cluster_members WHERE doc_id IN ({marks})", part)
        db.execute(f"DELETE FROM containments WHERE container_doc_id IN ({marks}) OR contained_doc_id IN ({marks})",
                   part + part)
    for part in chunks(sorted(old_cluster_ids)):
        marks = ",".join("?" * len(part))
        db.execute(f"DELETE FROM clusters WHERE id IN ({marks})"
                   " AND id NOT IN (SELECT cluster_id FROM cluster_members)", part)
    db.executemany(
        "INSERT INTO clusters (id, canonical_doc_id, canonical_reason, size, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET canonical_doc_id = excluded.canonical_doc_id,"
        " canonical_reason = excluded.canonical_reason, size = excluded.size, updated_at = excluded.updated_at",
        [(c["id"], c["canonical"], c["reason"], len(c["members"]), created.get(c["id"], now), now) for c in clusters],
    )
    db.executemany(
        "INSERT INTO cluster_members (doc_id, cluster_id, similarity, method) VALUES (?, ?, ?, ?)",
        [(doc_id, c["id"], similarity, method) for c in clusters for doc_id, similarity, method in c["members"]],
    )


def save_containments(db: sqlite3.Connection, rows: list[tuple[int, int, float]]) -> None:
    db.executemany("INSERT OR REPLACE INTO containments (container_doc_id, contained_doc_id, containment)"
                   " VALUES (?, ?, ?)", rows)


def start_run(db: sqlite3.Connection, settings: dict) -> int:
    return db.execute("INSERT INTO dedup_runs (started_at, settings) VALUES (?, ?)",
                      (utc_now(), json.dumps(settings, ensure_ascii=False))).lastrowid


def last_settings(db: sqlite3.Connection) -> dict | None:
    """The settings of the latest finished run (None before the first)."""
    row = db.execute("SELECT settings FROM dedup_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1").fetchone()
    return json.loads(row[0]) if row else None


def finish_run(db: sqlite3.Connection, run_id: int, params: int, stats: dict) -> None:
    db.execute("UPDATE dedup_runs SET finished_at = ?, params_id = ?, stats = ? WHERE id = ?",
               (utc_now(), params, json.dumps(stats, ensure_ascii=False), run_id))
