"""A pre-rendered response: body bytes with the validators that conditional GET needs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

STRUCTURE_DATE = datetime(2025, 11, 20, 8, 0)  # Last-Modified of pages that carry no dated story


@dataclass
class Page:
    status: int
    body: bytes
    content_type: str
    last_modified: datetime | None = None  # UTC
    etag: str | None = None
    location: str | None = None
    delay: float = 0.0


def to_utc(local: datetime) -> datetime:
    return (local - timedelta(hours=8)).replace(tzinfo=timezone.utc)


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=8).hexdigest() + '"'


def html_page(text: str, codec: str, header_charset: str | None, modified: datetime) -> Page:
    body = text.encode(codec, "xmlcharrefreplace")
    content_type = f"text/html; charset={header_charset}" if header_charset else "text/html"
    return Page(200, body, content_type, to_utc(modified), etag_of(body))


def xml_page(text: str, content_type: str, modified: datetime) -> Page:
    body = text.encode("utf-8")
    return Page(200, body, content_type, to_utc(modified), etag_of(body))
