"""Helpers for the clean-stage tests: WARC records and `fetches` rows written as the crawler would."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass, field

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from corpus.store import utc_now
from corpus.workspace import Workspace


@dataclass
class Page:
    url: str
    body: bytes
    site: str
    content_type: str = "text/html"
    kind: str = "article"
    status: int = 200
    hints: dict = field(default_factory=dict)
    fetched_at: str = "2024-05-26T06:00:00+00:00"


def write_crawl(workspace: Workspace, pages: list[Page], warc_name: str = "test-00000.warc.gz") -> list[int]:
    """Append the pages to one gzipped WARC file and insert their `fetches` and `urls` rows; return fetch ids."""
    warc_path = workspace.warc_dir / warc_name
    ids = []
    store = workspace.open_store()
    try:
        with open(warc_path, "ab") as stream, store.transaction() as db:
            writer = WARCWriter(stream, gzip=True)
            for page in pages:
                headers = StatusAndHeaders(f"{page.status} OK", [("Content-Type", page.content_type)],
                                           protocol="HTTP/1.1")
                record = writer.create_warc_record(page.url, "response", payload=io.BytesIO(page.body), length=len(page.body),
                                                   http_headers=headers)
                offset = stream.tell()
                writer.write_record(record)
                db.execute("INSERT OR IGNORE INTO urls (url, site, kind, discovered_at, hints) VALUES (?, ?, ?, ?, ?)",
                           (page.url, page.site, page.kind, utc_now(), json.dumps(page.hints, ensure_ascii=False)))
                cursor = db.execute(
                    "INSERT INTO fetches (url, final_url, site, kind, status, fetched_at, content_type, "
                    "content_length, warc_file, warc_offset, warc_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (page.url, page.url, page.site, page.kind, page.status, page.fetched_at, page.content_type,
                     len(page.body), warc_name, offset, stream.tell() - offset))
                ids.append(cursor.lastrowid)
    finally:
        store.close()
    return ids


def article_html(title: str, paragraphs: list[str], charset: str = "utf-8", head: str = "", footer: str = "") -> str:
    """A plain news article page."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!DOCTYPE html><html><head><meta charset=\"{charset}\"><title>{title} - News</title>{head}</head>"
            f"<body><div class=\"nav\"><a href=\"/\">首页</a></div><article><h1>{title}</h1>{body}</article>"
            f"<footer>{footer}</footer></body></html>")
