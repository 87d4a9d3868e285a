"""The crawler's side of e-paper editions: a fetched 版面 page's stories, to follow with their place.

The structure itself is read by ``cleaners.epaper`` (HTML only); this module decides cheaply which
pages are worth parsing and hands the spider each story's URL with its fetch hints (edition date,
版次, 版名, area coordinates, the page's PDF and image), which the extract stage stores with the story.
Two families: Founder-style layout pages (an image map over the printed page), and the print-edition
section lists of papers that publish the day's paper as web pages (日報 港聞: no image, no map).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from lxml.etree import ParserError
from lxml.html import HtmlElement, document_fromstring

from cleaners.epaper import Layout, parse_layout, parse_section_list

_SIGNS = ("pagepicmap", "<area", "版：", "版:")
# Where a paper's print edition lives on its web site: /daily/, dailynews, Ming Pao's /pns/ (print news),
# "日報-港聞" slugs, a compact edition date in the path (/cnt/news/20200809/).
_PRINT_SIGNS = ("/daily/", "dailynews", "/pns/", "日報-", "%e6%97%a5%e5%a0%b1-", "/cnt/news/20")
_PRINT_PATH = re.compile(r"/daily/|dailynews|/pns/|日報-|日报-|/(?:19|20)\d{6}/", re.I)
# A page headed "日報-港聞" (晴報's lists live at /sras001, their stories at /article/<id>/): the same
# 日報-<section> label the other papers put in their URLs, here in the list's own heading.
_PRINT_HEADING = re.compile(r"^(?:日報|日报)\s*[-－–—|｜:：·]\s*\S{1,10}$")
PRINT_STORIES_SHARE = 0.8     # of a section list's stories whose URLs must say print edition


def layout_of(url: str, text: str | None) -> Layout | None:
    """The page's e-paper layout, or None (most pages: checked by a substring test before any parsing)."""
    if not text:
        return None
    head = text[:400_000]
    lowered = head.lower()
    founder = any(sign in lowered for sign in _SIGNS)
    if not founder and not any(sign in lowered for sign in _PRINT_SIGNS):
        return None
    try:
        tree = document_fromstring(head)
    except (ValueError, ParserError):
        return None
    return (parse_layout(tree, url) if founder else None) or _print_section(tree, url)


def _print_section(tree: HtmlElement, url: str) -> Layout | None:
    """A print edition's section list, when the page or most of its stories sit where print editions do,
    or the page's heading names a print-edition section."""
    layout = parse_section_list(tree, url)
    if layout is None:
        return None
    printed = sum(1 for story in layout.stories if _PRINT_PATH.search(unquote(story.url)))
    if _PRINT_PATH.search(unquote(url)) or printed >= PRINT_STORIES_SHARE * len(layout.stories):
        return layout
    headings = (" ".join(heading.text_content().split()) for heading in tree.iter("h1"))
    return layout if any(_PRINT_HEADING.match(heading) for heading in headings) else None
