"""The ``documents`` and ``rejects`` tables' gateway: typed ``Document`` and ``Reject`` rows, writes by URL, reads.

Shared by the extract stage, ``newscorpus ingest``, site boilerplate, health, takedowns and
``newscorpus export documents``. A URL has at most one document and at most one reject; a document,
once written, is updated in place (dedup points at its id) and is never replaced by a later reject of
the same URL. The cleaners hand over plain dicts (``cleaners/`` imports nothing of ours);
``Document.from_cleaned`` and ``Reject.from_cleaned`` are where they become rows.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from corpus.store import utc_now


@dataclass
class Document:
    """One row of ``documents`` (see 0001_core.sql, 0022_stories.sql); ``extra`` as a dict."""

    url: str
    text: str
    cleaner_version: str
    text_hash: str
    id: int | None = None
    outlet: str | None = None
    fetch_id: int | None = None
    title: str | None = None
    published: str | None = None
    date_source: str | None = None
    author: str | None = None
    lang: str | None = None
    script: str | None = None
    encoding: str | None = None
    source: str = "crawl"
    extra: dict = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None
    # Where a story was printed: None for a document that is its own page (cleaners.pipeline sets them).
    page_url: str | None = None
    story_index: int | None = None
    page_number: str | None = None
    page_name: str | None = None

    @classmethod
    def from_cleaned(cls, cleaned: dict, fetch_id: int | None, source: str = "crawl") -> Document:
        """The row for a document the cleaners produced (their dict's keys are our column names)."""
        values = {name: cleaned[name] for name in _CLEANED_DOCUMENT if name in cleaned}
        return cls(**values, fetch_id=fetch_id, source=source, extra=cleaned.get("extra") or {})

    def as_dict(self) -> dict:
        """The row as one JSON-ready object, columns in table order (``export documents`` prints this)."""
        return {name: getattr(self, name) for name in DOCUMENT_FIELDS}


@dataclass
class Reject:
    """One row of ``rejects``: a page the cleaners refused, with their reason."""

    url: str
    reason: str
    cleaner_version: str
    outlet: str | None = None
    detail: str | None = None
    fetch_id: int | None = None

    @classmethod
    def from_cleaned(cls, cleaned: dict, fetch_id: int | None) -> Reject:
        return cls(url=cleaned["url"], reason=cleaned["reason"], outlet=cleaned.get("outlet"),
                   detail=cleaned.get("detail"), cleaner_version=cleaned["cleaner_version"], fetch_id=fetch_id)


DOCUMENT_FIELDS = ("id", "url", "outlet", "fetch_id", "title", "text", "published", "date_source", "author", "lang",
                   "script", "encoding", "cleaner_version", "text_hash", "source", "extra", "created_at", "updated_at",
                   "page_url", "story_index", "page_number", "page_name")
_CLEANED_DOCUMENT = tuple(name for name in DOCUMENT_FIELDS
                          if name not in ("id", "fetch_id", "source", "extra", "created_at", "updated_at"))

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
RETURNING id
"""
_UPSERT_REJECT = """
INSERT INTO rejects (url, outlet, fetch_id, reason, detail, cleaner_version, created_at)
VALUES (:url, :outlet, :fetch_id, :reason, :detail, :cleaner_version, :now)
ON CONFLICT (url) DO UPDATE SET
    outlet = excluded.outlet, fetch_id = excluded.fetch_id, reason = excluded.reason, detail = excluded.detail,
    cleaner_version = excluded.cleaner_version, created_at = excluded.created_at
"""


def _dumps(value: dict) -> str:
    return json.dumps(value, ensure_ascii=False)


def _loads(raw: str | None) -> dict:
    return json.loads(raw) if raw else {}


# -- writing ---------------------------------------------------------------------------------------

def write_document(db: sqlite3.Connection, document: Document) -> int:
    """Insert or update the document of its URL and return its id; the URL's reject, if any, goes."""
    row = {**vars(document), "now": utc_now(), "extra": _dumps(document.extra or {})}
    doc_id = db.execute(_UPSERT_DOCUMENT, row).fetchone()[0]
    db.execute("DELETE FROM rejects WHERE url = ?", (document.url,))
    return doc_id


def write_reject(db: sqlite3.Connection, reject: Reject) -> bool:
    """Record a reject, unless the URL already has a document (kept: dedup refers to it). True if written."""
    if has_document(db, reject.url):
        return False
    db.execute(_UPSERT_REJECT, {**vars(reject), "now": utc_now()})
    return True


def move_document(db: sqlite3.Connection, old_url: str, new_url: str) -> bool:
    """Give the document of ``old_url`` the URL ``new_url`` (keeping its id), unless that URL has one."""
    if has_document(db, new_url):
        return False
    return db.execute("UPDATE documents SET url = ? WHERE url = ?", (new_url, old_url)).rowcount > 0


def update_text(db: sqlite3.Connection, doc_id: int, text: str, text_hash: str, extra: dict) -> None:
    """A document's text rewritten in place (site boilerplate swept), with what was done noted in ``extra``."""
    db.execute("UPDATE documents SET text = ?, text_hash = ?, extra = ?, updated_at = ? WHERE id = ?",
               (text, text_hash, _dumps(extra), utc_now(), doc_id))


def update_title(db: sqlite3.Connection, doc_id: int, title: str, extra: dict) -> None:
    db.execute("UPDATE documents SET title = ?, extra = ? WHERE id = ?", (title, _dumps(extra), doc_id))


def purge_text(db: sqlite3.Connection, url: str) -> None:
    """Blank a taken-down document's title and text; the row stays (dedup and releases refer to its id)."""
    db.execute("UPDATE documents SET title = NULL, text = '', text_hash = 'purged' WHERE url = ?", (url,))


# -- reading ---------------------------------------------------------------------------------------

def has_document(db: sqlite3.Connection, url: str) -> bool:
    return db.execute("SELECT 1 FROM documents WHERE url = ?", (url,)).fetchone() is not None


def has_any_document(db: sqlite3.Connection) -> bool:
    return db.execute("SELECT 1 FROM documents LIMIT 1").fetchone() is not None


def iter_documents(db: sqlite3.Connection, outlet: str | None = None) -> Iterator[Document]:
    """Every current document in id order, streamed."""
    sql = f"SELECT {', '.join(DOCUMENT_FIELDS)} FROM documents"
    params: tuple = ()
    if outlet is not None:
        sql += " WHERE outlet = ?"
        params = (outlet,)
    for row in db.execute(sql + " ORDER BY id", params):
        yield _document(row)


def _document(row) -> Document:
    values = dict(zip(DOCUMENT_FIELDS, row))
    values["extra"] = _loads(values["extra"])
    return Document(**values)


def ids_by_url(db: sqlite3.Connection, urls: Iterable[str]) -> dict[str, int]:
    """Document ids of those URLs that have a document (looked up in chunks: SQLite caps parameters)."""
    urls = list(urls)
    found: dict[str, int] = {}
    for start in range(0, len(urls), 500):
        part = urls[start: start + 500]
        found.update(db.execute(f"SELECT url, id FROM documents WHERE url IN ({','.join('?' * len(part))})", part))
    return found


def outlets_by_url(db: sqlite3.Connection) -> dict[str, str | None]:
    return dict(db.execute("SELECT url, outlet FROM documents"))


@dataclass(frozen=True)
class CrawledText:
    """What the site-boilerplate sweep needs of a crawled document."""

    id: int
    text: str
    title: str | None
    extra: dict


def crawled_texts(db: sqlite3.Connection, outlet: str, only: set[int] | None = None) -> list[CrawledText]:
    """The outlet's crawled documents, or only those among ``only`` (e.g. the ones written this run)."""
    sql = "SELECT id, text, title, extra FROM documents WHERE outlet = ? AND source = 'crawl'"
    if only is None:
        rows = db.execute(sql, (outlet,)).fetchall()
    else:
        ids, rows = sorted(only), []
        for start in range(0, len(ids), 500):
            chunk = ids[start: start + 500]
            rows += db.execute(f"{sql} AND id IN ({','.join('?' * len(chunk))})", (outlet, *chunk)).fetchall()
    return [CrawledText(doc_id, text, title, _loads(extra)) for doc_id, text, title, extra in rows]


def texts_by_id(db: sqlite3.Connection, doc_ids: list[int], chars: int) -> Iterator[tuple[int, str, str | None, bool]]:
    """(id, the first ``chars`` characters of the text, script, whether it was cut) of these documents."""
    for start in range(0, len(doc_ids), 500):
        part = doc_ids[start: start + 500]
        marks = ",".join("?" * len(part))
        yield from db.execute(f"SELECT id, substr(text, 1, ?), script, length(text) > ? FROM documents "
                              f"WHERE id IN ({marks})", (chars, chars, *part))


# -- counts (status, report) -----------------------------------------------------------------------

def count_documents(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM documents").fetchone()[0]


def count_rejects(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM rejects").fetchone()[0]


def documents_by_source(db: sqlite3.Connection) -> dict[str, int]:
    """Documents per source (crawl, ingest), most first."""
    return dict(db.execute("SELECT source, count(*) FROM documents GROUP BY source ORDER BY 2 DESC"))


def documents_by_outlet(db: sqlite3.Connection) -> dict[str | None, int]:
    """Documents per outlet (None: documents without one)."""
    return dict(db.execute("SELECT outlet, count(*) FROM documents GROUP BY outlet"))


def rejects_by_reason(db: sqlite3.Connection) -> dict[str, int]:
    return dict(db.execute("SELECT reason, count(*) FROM rejects GROUP BY reason ORDER BY 2 DESC, 1"))


def rejects_by_reason_and_outlet(db: sqlite3.Connection) -> list[tuple[str, str, int]]:
    """(reason, outlet or '', count), most frequent first."""
    return db.execute("SELECT reason, coalesce(outlet, ''), count(*) FROM rejects GROUP BY 1, 2 "
                      "ORDER BY 3 DESC, 2").fetchall()


def rejects_by_outlet(db: sqlite3.Connection) -> dict[str, int]:
    return dict(db.execute("SELECT outlet, count(*) FROM rejects WHERE outlet IS NOT NULL GROUP BY outlet"))


# -- one crawl run's pages (health) ----------------------------------------------------------------

def run_article_documents(db: sqlite3.Connection, crawl_run_id: int) -> list[tuple[str, int, str | None]]:
    """(outlet, text length, published) of the documents extracted from the run's article pages."""
    return db.execute("SELECT f.site, length(d.text), d.published FROM documents d JOIN fetches f ON f.id = d.fetch_id "
                      "WHERE f.run_id = ? AND f.kind = 'article'", (crawl_run_id,)).fetchall()


def run_article_rejects(db: sqlite3.Connection, crawl_run_id: int) -> list[tuple[str, str, int]]:
    """(outlet, reason, count) of the rejects among the run's article pages."""
    return db.execute("SELECT f.site, r.reason, count(*) FROM rejects r JOIN fetches f ON f.id = r.fetch_id "
                      "WHERE f.run_id = ? AND f.kind = 'article' GROUP BY f.site, r.reason",
                      (crawl_run_id,)).fetchall()
