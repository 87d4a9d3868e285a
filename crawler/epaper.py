"""The crawler's side of e-paper editions: a fetched 版面 page's stories, to follow with their place.

The structure itself is read by ``cleaners.epaper`` (HTML only); this module decides cheaply which
pages are worth parsing and hands the spider each story's URL with its fetch hints (edition date,
版次, 版名, area coordinates, the page's PDF and image), which the extract stage stores with the story.
"""

from __future__ import annotations

from lxml.etree import ParserError
from lxml.html import document_fromstring

from cleaners.epaper import Layout, parse_layout

_SIGNS = ("pagepicmap", "<area", "版：", "版:")


def layout_of(url: str, text: str | None) -> Layout | None:
    """The page's e-paper layout, or None (most pages: checked by a substring test before any parsing)."""
    if not text:
        return None
    head = text[:400_000]
    lowered = head.lower()
    if not any(sign in lowered for sign in _SIGNS):
        return None
    try:
        tree = document_fromstring(head)
    except (ValueError, ParserError):
        return None
    return parse_layout(tree, url)
