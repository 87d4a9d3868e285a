"""Who published a page, by the page's own word: ``og:site_name``, else JSON-LD ``publisher.name``.

A crawl started from a bare URL has no site file to name its outlets, and one host often serves
several (a newspaper group's papers, an e-paper portal). Publishers say who they are in the page
head for social cards and search engines, so that is the evidence we read. A regex scan of the
head and of the JSON-LD blocks, not a parse: it runs on every fetched page and costs a few
microseconds. The page is hostile: the name is unescaped, its whitespace and control characters
collapsed, and it is capped at ``NAME_MAX_CHARS``.
"""

from __future__ import annotations

import html
import json
import re

# Longer is not a name but a sentence (or an attack on the report's layout).
NAME_MAX_CHARS = 64
# Where the head ends on any sane page; a page with no </head> is scanned this far.
_HEAD_MAX_CHARS = 100_000
# JSON-LD blocks bigger than this are not metadata.
_JSONLD_MAX_CHARS = 100_000
_JSONLD_MAX_BLOCKS = 8

# [^<>] keeps each attempt inside one tag: a page of unclosed tags costs one pass, not one per tag.
_META = re.compile(r"<meta\b[^<>]*>", re.IGNORECASE)
_ATTR = re.compile(r"""([a-zA-Z_:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_JSONLD_OPEN = re.compile(r"""<script\b[^<>]*type\s*=\s*["']?application/ld\+json["']?[^<>]*>""", re.IGNORECASE)
_SCRIPT_CLOSE = re.compile(r"</script", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff]")


def publisher_name(text: str) -> str | None:
    """The name the page gives its publisher, or None when it gives none."""
    return _site_name(text) or _jsonld_publisher(text)


def clean_name(value: object) -> str | None:
    """A scraped name fit to store and show: unescaped, one line, trimmed, capped; None if empty."""
    if not isinstance(value, str):
        return None
    name = " ".join(_CONTROL.sub(" ", html.unescape(value)).split())
    return name[:NAME_MAX_CHARS].rstrip() or None


def _site_name(text: str) -> str | None:
    end = text.find("</head")
    head = text[: end if 0 <= end < _HEAD_MAX_CHARS else _HEAD_MAX_CHARS]
    for tag in _META.finditer(head):
        attrs = {m.group(1).lower(): m.group(2) if m.group(2) is not None else m.group(3) if m.group(3) is not None
                 else m.group(4) for m in _ATTR.finditer(tag.group(0))}
        if (attrs.get("property") or attrs.get("name") or "").lower() == "og:site_name":
            name = clean_name(attrs.get("content"))
            if name:
                return name
    return None


def _jsonld_publisher(text: str) -> str | None:
    if "application/ld+json" not in text:
        return None
    position = 0
    for _ in range(_JSONLD_MAX_BLOCKS):  # one pass over the page, whatever it holds
        opening = _JSONLD_OPEN.search(text, position)
        closing = _SCRIPT_CLOSE.search(text, opening.end()) if opening else None
        if closing is None:
            return None
        body, position = text[opening.end():closing.start()], closing.end()
        if len(body) > _JSONLD_MAX_CHARS:
            continue
        try:
            data = json.loads(body, strict=False)
        except (ValueError, RecursionError):
            continue
        name = _publisher_in(data, depth=0)
        if name:
            return name
    return None


def _publisher_in(data: object, depth: int) -> str | None:
    """``publisher.name`` of the first object that has one (top level, a list, or ``@graph``)."""
    if depth > 3:
        return None
    if isinstance(data, list):
        return next((name for item in data[:50] if (name := _publisher_in(item, depth + 1))), None)
    if not isinstance(data, dict):
        return None
    publisher = data.get("publisher")
    if isinstance(publisher, list) and publisher:
        publisher = publisher[0]
    if isinstance(publisher, dict):
        name = clean_name(publisher.get("name"))
        if name:
            return name
    return _publisher_in(data.get("@graph"), depth + 1)
