"""The store's side of clean documents: write a document or a reject by URL, read them back.

Shared by the extract stage, ``newscorpus ingest`` and ``newscorpus export documents``. A URL has
at most one document and at most one reject; a document, once written, is updated in place (dedup
points at its id) and is never replaced by a later reject of the same URL.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Iterator

from corpus.store import utc_now

DOCUMENT_FIELDS = ("id", "url", "outlet", "fetch_id", "title", "text", "published", "date_source", "author", "lang",
                   "script", "encoding", "cleaner_version", "text_hash", "source", "extra", "created_at", "updated_at",
                   "page_url", "story_index", "page_number", "page_name")
# Where a story was printed: NULL for a document that is its own page (cleaners.pipeline sets them).
STORY_FIELDS = ("page_url", "story_index", "page_number", "page_name")

_UPSERT_DOCUMENT = """
INSERT INTO documents (url, outlet, fetch_id, title, text, published, date_source, author, lang, script, encoding,
                       cleaner_version, text_hash, source, extra, created_at, updated_at,
                       page_url, story_index, page_number, page_name)
VALUES (:url, :outlet, :fetch_id, :title, :text, :published, :date_source, :author, :lang, :script, :encoding,
        :cleaner_version, :text_hash, :source, :extra, :now, :now, :page_url, :story_index, :page_number, :page_name)
ON CONFLICT (url) DO UPDATE SET
    outlet = excluded.outlet, fetch_id = excluded.fetch_id, title = excluded.title, text = excluded.text,
    published = excluded.published, date_source = excluded.date_source, author = excluded.author,
    lang = excluded.lang, script = excluded.script, encoding = excluded.encoding,
    cleaner_version = excluded.cleaner_version, text_hash = excluded.text_hash, source = excluded.source,
    extra = excluded.extra, updated_at = excluded.updated_at, page_url = excluded.page_url,
    story_index = excluded.story_index, page_number = excluded.page_number, page_name = excluded.page_name
"""
_UPSERT_REJECT = """
INSERT INTO rejects (url, outlet, fetch_id, reason, detail, cleaner_version, created_at)
VALUES (:url, :outlet, :fetch_id, :reason, :detail, :cleaner_version, :now)
ON CONFLICT (url) DO UPDATE SET
    outlet = excluded.outlet, fetch_id = excluded.fetch_id, reason = excluded.reason, detail = excluded.detail,
    cleaner_version = excluded.cleaner_version, created_at = excluded.created_at
"""


def write_document(db: sqlite3.Connection, document: dict, fetch_id: int | None, source: str = "crawl") -> None:
    """Insert or update the document of ``document['url']``; its reject, if any, goes."""
    row = {**dict.fromkeys(STORY_FIELDS), **document, "fetch_id": fetch_id, "source": source, "now": utc_now(),
           "extra": json.dumps(document.get("extra") or {}, ensure_ascii=False)}
    db.execute(_UPSERT_DOCUMENT, row)
    db.execute("DELETE FROM rejects WHERE url = ?", (document["url"],))


def write_reject(db: sqlite3.Connection, reject: dict, fetch_id: int | None) -> bool:
    """Record a reject, unless the URL already has a document (kept: dedup refers to it). True if written."""
    if db.execute("SELECT 1 FROM documents WHERE url = ?", (reject["url"],)).fetchone():
        return False
    db.execute(_UPSERT_REJECT, {**reject, "fetch_id": fetch_id, "now": utc_now()})
    return True


def iter_documents(db: sqlite3.Connection, outlet: str | None = None) -> Iterator[dict]:
    """Every current document in id order, ``extra`` parsed."""
    sql = f"SELECT {', '.join(DOCUMENT_FIELDS)} FROM documents"
    params: tuple = ()
    if outlet is not None:
        sql += " WHERE outlet = ?"
        params = (outlet,)
    for row in db.execute(sql + " ORDER BY id", params):
        document = dict(zip(DOCUMENT_FIELDS, row))
        document["extra"] = json.loads(document["extra"]) if document["extra"] else {}
        yield document
