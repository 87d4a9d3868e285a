"""Clusters as records: the stable export contract of ``newscorpus export clusters``.

Each record: ``cluster_id``, ``canonical`` {doc_id, url}, ``canonical_reason``, ``size`` and
``members`` [{doc_id, url, outlet, published, script, similarity, method, page_url, story_index,
page_number, page_name}], canonical first; the last four say where a story of a multi-story or
e-paper page was printed (null for a document that is its own page).
"""

from __future__ import annotations

import csv
import json
import sqlite3
from collections.abc import Iterator
from typing import TextIO

from corpus.csvcells import defuse_row

MEMBER_FIELDS = ("doc_id", "url", "outlet", "published", "script", "similarity", "method",
                 "page_url", "story_index", "page_number", "page_name")
CSV_FIELDS = ("cluster_id", "canonical_doc_id", "canonical_url", "canonical_reason", "size", *MEMBER_FIELDS)


def iter_clusters(db: sqlite3.Connection, include_singletons: bool = False) -> Iterator[dict]:
    """Cluster records ordered by cluster id; singletons only when asked."""
    rows = db.execute(
        f"""SELECT c.id, c.canonical_doc_id, c.canonical_reason, c.size, cd.url,
                   d.id, d.url, d.outlet, d.published, d.script, m.similarity, m.method,
                   d.page_url, d.story_index, d.page_number, d.page_name
            FROM clusters c
            JOIN documents cd ON cd.id = c.canonical_doc_id
            JOIN cluster_members m ON m.cluster_id = c.id
            JOIN documents d ON d.id = m.doc_id
            {"" if include_singletons else "WHERE c.size > 1"}
            ORDER BY c.id, m.doc_id != c.canonical_doc_id, m.similarity DESC, m.doc_id"""
    )
    current = None
    for cid, canonical_id, reason, size, canonical_url, *member in rows:
        if current is None or current["cluster_id"] != cid:
            if current is not None:
                yield current
            current = {"cluster_id": cid, "canonical": {"doc_id": canonical_id, "url": canonical_url},
                       "canonical_reason": reason, "size": size, "members": []}
        current["members"].append(dict(zip(MEMBER_FIELDS, member)))
    if current is not None:
        yield current


def write_jsonl(records: Iterator[dict], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def write_csv(records: Iterator[dict], out: TextIO) -> int:
    """One row per member, the cluster's fields repeated (what spreadsheets and pandas want)."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    count = 0
    for record in records:
        head = [record["cluster_id"], record["canonical"]["doc_id"], record["canonical"]["url"],
                record["canonical_reason"], record["size"]]
        for member in record["members"]:
            writer.writerow(defuse_row(head + [member[field] for field in MEMBER_FIELDS]))
        count += 1
    return count
