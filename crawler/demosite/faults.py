"""The demo site's faults: the pages a careful crawler must survive.

Each path in ``FAULTS`` is linked from page 1 of an outlet listing (``site.EXTRA_LINKS``), so a
crawler meets it without being told.
"""

from __future__ import annotations

import struct
import zlib

from crawler.demosite import render
from crawler.demosite.outlets import OUTLETS
from crawler.demosite.pages import STRUCTURE_DATE, Page, etag_of, html_page, to_utc

# Fault pages, each linked from a crawlable page (see the package docstring for what each does).
FAULTS = {
    "not_found": "/wire/2024-05/31/c_1139999999.htm",
    "server_error": "/morning/html/2025-05/20/content_500.htm",
    "redirect": "/agg/old/news_7004.html",
    "slow": "/hk/realtime/slow.html",
    "binary": "/hk/photo/gallery.html",
    "oversized": "/agg/archive/all.html",
    "charset_declares_gb2312_is_utf8": "/morning/html/2025-05/23/content_7001.htm",
    "charset_declares_utf8_is_gbk": "/morning/html/2024-05/26/content_7004.htm",
    "calendar_trap": "/agg/calendar/2024-05.html",
    "private": "/private/drafts/1.html",
}
REDIRECT_TARGET_STORY = "seed004"  # FAULTS["redirect"] answers 301 to the aggregator's copy of it
SLOW_SECONDS = 1.5
OVERSIZED_BYTES = 12 * 1024 * 1024


def tiny_png() -> bytes:
    """A valid 64x64 grey PNG: binary bytes that a server mislabels as text/html."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(range(64)) for _ in range(64))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def oversized_page() -> Page:
    row = "<p>资讯归档：本页收录全部历史资讯条目，内容持续更新。</p>\n".encode("utf-8")
    body = '<!DOCTYPE html><html><head><meta charset="utf-8"><title>全部资讯归档</title></head><body>\n'.encode()
    body += row * (OVERSIZED_BYTES // len(row) + 1) + b"</body></html>\n"
    return Page(200, body, "text/html; charset=utf-8", to_utc(STRUCTURE_DATE), etag_of(body))


def calendar_page(year: int, month: int) -> Page:
    """The calendar trap: every month links to the next one, forever."""
    next_year, next_month = (year + 1, 1) if month == 12 else (year, month + 1)
    prev_year, prev_month = (year - 1, 12) if month == 1 else (year, month - 1)
    days = "".join(f"<td>{d}</td>" for d in range(1, 29))
    text = render.simple_page(OUTLETS["agg"], f"资讯日历 {year}年{month}月",
                              f'<table class="calendar"><tr>{days}</tr></table>\n'
                              f'<a href="/agg/calendar/{prev_year:04d}-{prev_month:02d}.html">上个月</a> '
                              f'<a href="/agg/calendar/{next_year:04d}-{next_month:02d}.html">下个月</a>\n')
    return html_page(text, "utf-8", "utf-8", STRUCTURE_DATE)
