"""Tell what a fetched page is (article, listing, sitemap, feed, other) without parsing it fully.

Used by the crawl (on every response) and by ``import-warc`` (on other tools' WARC records, which
carry no page kind). Neither extracts, so these are a handful of regex probes over the decoded text,
in the order of how much they can be trusted: the site's own URL patterns, then what the page says
of itself (``og:type``, JSON-LD ``@type``), then the shape of its text (long paragraphs versus many
links), then a date in the URL.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# A date in the path: /2024/05/31/, /2024-05-31, /20240531, /2024-05/31/ ...
URL_DATE = re.compile(r"(?<!\d)(?:19|20)\d\d([-/_]?)(?:0[1-9]|1[0-2])(?:\1|[-/_])?(?:[012]\d|3[01])(?!\d)")
# The usual shapes of an article address: a long number or a date, then a page name.
_ARTICLE_TAIL = re.compile(r"/(?!(?:index|default|list|archive)\b)(?:[^/]*\d{5,}[^/]*|[^/]+\.s?html?)$", re.I)
_OG_TYPE = re.compile(r"""<meta[^>]+(?:property|name)\s*=\s*["']og:type["'][^>]*>""", re.I)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']*)["']""", re.I)
_LD_TYPE = re.compile(r'"@type"\s*:\s*\[?\s*"((?:News|Reportage|Analysis|Opinion)?Article|BlogPosting|'
                      r'CollectionPage|ItemList|WebSite)"')
_LINK = re.compile(r"<a\s", re.I)
_PARAGRAPH = re.compile(r"<p[^>]*>([^<]{40,})", re.I)
_SITEMAP = re.compile(rb"<(?:\w+:)?(?:urlset|sitemapindex)[\s>]")
_FEED = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")
_HTML = re.compile(rb"<(?:!doctype\s+html|html|head|body|title|div|p)[\s>]", re.I)
ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "opinionnewsarticle",
                 "blogposting"}
# Text shape: an article has this much text in long paragraphs per link on the page.
ARTICLE_CHARS_PER_LINK = 12
ARTICLE_MIN_CHARS = 200


def sniff_xml(body: bytes) -> str | None:
    """``sitemap`` or ``feed`` for XML documents of those kinds, else None."""
    head = body[:2048]
    if _SITEMAP.search(head):
        return "sitemap"
    if _FEED.search(head):
        return "feed"
    return None


def looks_like_html(body: bytes) -> bool:
    """Markup near the start and no NUL bytes: a binary served as text/html fails this."""
    head = body[:4096]
    return b"\x00" not in head and bool(_HTML.search(head))


def classify_html(url: str, text: str, article_patterns=(), listing_patterns=()) -> tuple[str, str]:
    """(article | listing, the signal that decided) for an HTML page."""
    for pattern in article_patterns:
        if re.search(pattern, url):
            return "article", "site-pattern"
    for pattern in listing_patterns:
        if re.search(pattern, url):
            return "listing", "site-pattern"
    head = text[:20000]
    og = _OG_TYPE.search(head)
    if og:
        content = _CONTENT.search(og.group(0))
        if content:
            return ("article" if content.group(1).strip().lower() in ARTICLE_TYPES else "listing"), "og:type"
    ld = _LD_TYPE.search(text)
    if ld:
        return ("article" if ld.group(1).lower() in ARTICLE_TYPES else "listing"), "json-ld"
    chars = sum(len(p) for p in _PARAGRAPH.findall(text))
    links = len(_LINK.findall(text))
    if chars >= ARTICLE_MIN_CHARS and chars >= ARTICLE_CHARS_PER_LINK * links:
        return "article", "text-shape"
    if dated_article_path(urlsplit(url).path):
        return "article", "url-date"
    return "listing", "text-shape"


def dated_article_path(path: str) -> bool:
    """A date in the path, then a page name or a long number: how most news sites address an article."""
    return bool(URL_DATE.search(path) and _ARTICLE_TAIL.search(path))
