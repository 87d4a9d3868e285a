"""The Parquet files of a release: their schemas, rows and one deterministic way to write them.

Same rows + same settings + same pyarrow version = same bytes: rows come in a fixed order, the
writer settings are fixed, and nothing time-dependent goes inside a data file.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.release.dates import parse_moment
from corpus.release.settings import ReleaseSettings
from corpus.release.snapshot import Member, Story

TIMESTAMP = pa.timestamp("us", tz="UTC")
OFFSET = pa.int16()  # the source's UTC offset in minutes (see corpus.release.dates)

PROVENANCE_TYPE = pa.struct([
    ("url", pa.string()),
    ("outlet", pa.string()),
    ("published", TIMESTAMP),
    ("published_offset_minutes", OFFSET),
    ("script", pa.string()),
    ("similarity", pa.float64()),
    ("method", pa.string()),
])

DOCUMENTS_SCHEMA = pa.schema([
    pa.field("id", pa.string(), nullable=False),  # the story id = dedup cluster id, stable across releases
    ("url", pa.string()),
    ("outlet", pa.string()),
    ("title", pa.string()),
    ("text", pa.string()),
    ("published", TIMESTAMP),
    ("published_offset_minutes", OFFSET),
    ("lang", pa.string()),
    ("script", pa.string()),
    ("provenance", pa.list_(PROVENANCE_TYPE)),  # every other page that carried the story
    ("fetched_at", TIMESTAMP),
    ("cleaner_version", pa.string()),
])

CLUSTERS_SCHEMA = pa.schema([
    ("cluster_id", pa.string()),  # = `id` in data/*.parquet
    ("url", pa.string()),
    ("outlet", pa.string()),
    ("published", TIMESTAMP),
    ("published_offset_minutes", OFFSET),
    ("script", pa.string()),
    ("is_canonical", pa.bool_()),
    ("similarity", pa.float64()),
    ("method", pa.string()),
    ("canonical_reason", pa.string()),
    ("text_sha256", pa.string()),
    ("chars", pa.int64()),
])

CONTAINMENTS_SCHEMA = pa.schema([
    ("container_url", pa.string()),
    ("contained_url", pa.string()),
    ("containment", pa.float64()),  # share of the contained page's text found in the container
])

CHANGES_SCHEMA = pa.schema([
    ("change", pa.string()),  # added | removed | updated | merged | taken_down
    ("id", pa.string()),  # the story id concerned (in the newer release, or the older one if gone)
    ("url", pa.string()),
    ("into", pa.string()),  # merged: the story id it became a duplicate of
    ("detail", pa.string()),
])

CHANGE_KINDS = ("added", "updated", "removed", "merged", "taken_down")
# Sharding estimate for everything in a row but its text, title and URL, per page of the story.
ROW_OVERHEAD_BYTES = 64
DICTIONARY_COLUMNS = ["outlet", "lang", "script", "cleaner_version", "method", "canonical_reason", "change"]


def document_row(story: Story) -> dict:
    doc = story.canonical
    fetched = parse_moment(doc.fetched_at)
    return {
        "id": story.id, "url": doc.url, "outlet": doc.outlet, "title": doc.title, "text": doc.text,
        **_published(doc), "lang": doc.lang, "script": doc.script,
        "provenance": [_provenance(member) for member in story.duplicates],
        "fetched_at": fetched and fetched.utc, "cleaner_version": doc.cleaner_version,
    }


def cluster_rows(story: Story) -> list[dict]:
    return [
        {
            "cluster_id": story.id, "url": member.url, "outlet": member.outlet, **_published(member),
            "script": member.script, "is_canonical": member is story.canonical, "similarity": member.similarity,
            "method": member.method, "canonical_reason": story.canonical_reason,
            "text_sha256": member.text_sha256, "chars": len(member.text),
        }
        for member in story.members
    ]


def row_bytes(story: Story) -> int:
    """The size a story adds to a shard, for sharding by size (UTF-8 bytes of its strings)."""
    doc = story.canonical
    strings = len(doc.text.encode("utf-8")) + len((doc.title or "").encode("utf-8")) + len(doc.url)
    return strings + ROW_OVERHEAD_BYTES * len(story.members)


def _provenance(member: Member) -> dict:
    return {"url": member.url, "outlet": member.outlet, **_published(member), "script": member.script,
            "similarity": member.similarity, "method": member.method}


def _published(member: Member) -> dict:
    moment = parse_moment(member.published)
    return {"published": moment and moment.utc, "published_offset_minutes": moment and moment.offset_minutes}


def write_table(rows: list[dict], schema: pa.Schema, path: Path, settings: ReleaseSettings) -> int:
    """Write ``rows`` to ``path`` with the release's fixed writer settings, fsync it; return the row count."""
    table = pa.Table.from_pylist(rows, schema=schema)
    pq.write_table(
        table, str(path),
        row_group_size=settings.row_group_rows,
        compression=settings.compression,
        compression_level=settings.parquet_compression_level,
        use_dictionary=[name for name in DICTIONARY_COLUMNS if name in schema.names],
        write_statistics=True,
        version="2.6",
        data_page_version="1.0",
    )
    fsync_file(path)
    return table.num_rows


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
