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

from corpus.clusters import iter_export_members
from corpus.csvcells import defuse_row

MEMBER_FIELDS = ("doc_id", "url", "outlet", "published", "script", "similarity", "method",
                 "page_url", "story_index", "page_number", "page_name")
CSV_FIELDS = ("cluster_id", "canonical_doc_id", "canonical_url", "canonical_reason", "size", *MEMBER_FIELDS)


def iter_clusters(db: sqlite3.Connection, include_singletons: bool = False) -> Iterator[dict]:
    """Cluster records ordered by cluster id; singletons only when asked."""
    current = None
    for member in iter_export_members(db, include_singletons):
        if current is None or current["cluster_id"] != member.cluster.id:
            if current is not None:
                yield current
            current = {"cluster_id": member.cluster.id,
                       "canonical": {"doc_id": member.cluster.canonical_doc_id, "url": member.canonical_url},
                       "canonical_reason": member.cluster.canonical_reason, "size": member.size, "members": []}
        current["members"].append({field: getattr(member, field) for field in MEMBER_FIELDS})
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
