"""Cheap URL handling for every link of every page: normalise, guess the kind, bound the traps.

This runs once per ``<a href>`` of every fetched page, so it avoids ``canonicalize_url`` and
LinkExtractor (both an order of magnitude slower) and keeps to ``urljoin`` plus a few string tests.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from urllib.parse import urljoin, urlsplit

from cleaners.pages import dated_article_path

_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "#", "about:", "ftp:")
_FEED_HINT = re.compile(r"(?:\brss\b|\batom\b|/feeds?\b|\.rss$|\.atom$|/feed/?$)", re.I)
_SITEMAP_HINT = re.compile(r"sitemap[^/]*\.xml(?:\.gz)?$", re.I)
_DIGITS = re.compile(r"\d+")
_NON_PAGE = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|ico|css|js|pdf|zip|rar|gz|mp[34]|avi|mov|docx?|xlsx?|pptx?|exe|apk)$", re.I)


def absolute(base: str, href: str) -> str | None:
    """The absolute http(s) URL of a link, without fragment; None for links that are not pages."""
    href = href.strip()
    if not href or href.startswith(_SKIP_SCHEMES):
        return None
    try:
        url = urljoin(base, href)
    except ValueError:  # "http://[::1": one broken link must not hide the links after it
        return None
    if not url.startswith(("http://", "https://")):
        return None
    cut = url.find("#")
    if cut >= 0:
        url = url[:cut]
    if "utm_" in url:
        url = _drop_tracking(url)
    return url


def _drop_tracking(url: str) -> str:
    """Without ``utm_*`` parameters: the same page must not count as many."""
    base, _, query = url.partition("?")
    kept = [part for part in query.split("&") if part and not part.lower().startswith("utm_")]
    return f"{base}?{'&'.join(kept)}" if kept else base


def guess_kind(url: str, path: str) -> str | None:
    """article | sitemap | feed from the URL alone; None when only the page itself can tell."""
    if _SITEMAP_HINT.search(path):
        return "sitemap"
    if _FEED_HINT.search(path):
        return "feed"
    if dated_article_path(path):
        return "article"
    return None


def looks_like_file(path: str) -> bool:
    """Images, archives, office files: not news pages, never followed."""
    return bool(_NON_PAGE.search(path))


def shape(path: str) -> str:
    """The URL's path with every number replaced: /cal/2024/05/ and /cal/1999/12/ share a shape."""
    return _DIGITS.sub("0", path)


class TrapGuard:
    """Bounds the pages a site can make us follow through endless variations of one address.

    Args:
        max_query_variants: distinct query strings followed for one path (sort/filter/session traps).
        max_per_pattern: non-article pages followed per URL shape (calendar and pagination traps).
    """

    def __init__(self, max_query_variants: int, max_per_pattern: int):
        self.max_query_variants = max_query_variants
        self.max_per_pattern = max_per_pattern
        self._queries: dict[str, set[str]] = defaultdict(set)
        self._shapes: Counter[str] = Counter()

    def refuse(self, url: str, is_article: bool) -> str | None:
        """The reason to drop this URL (``query-variants``, ``pattern-cap``), or None to follow it."""
        parts = urlsplit(url)
        if parts.query:
            variants = self._queries[parts.path]
            if parts.query not in variants:
                if len(variants) >= self.max_query_variants:
                    return "query-variants"
                variants.add(parts.query)
        if not is_article:
            key = f"{parts.hostname}{shape(parts.path)}?{'&'.join(sorted(k.split('=')[0] for k in parts.query.split('&') if k))}"
            if self._shapes[key] >= self.max_per_pattern:
                return "pattern-cap"
            self._shapes[key] += 1
        return None
