"""Title, author and machine-readable dates from a parsed page (JSON-LD, meta tags, headings).

Cheap by design: a few XPath lookups on the tree trafilatura parsed, no htmldate.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from lxml.html import HtmlElement

from cleaners.dates import parse_date

_META_DATE_NAMES = (
    "article:published_time", "og:published_time", "og:release_date", "pubdate", "publishdate", "publish-date",
    "publish_date", "publishtime", "publication_date", "datepublished", "dc.date.issued", "dc.date", "dcterms.issued",
    "sailthru.date", "parsely-pub-date", "weibo:article:create_at", "article.published", "date",
)
_META_AUTHOR_NAMES = ("author", "article:author", "dc.creator", "byl", "sailthru.author", "parsely-author")
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜–—]|\s-\s|--)\s*")
_MAX_JSONLD_CHARS = 200_000


@dataclass
class PageMetadata:
    title: str | None = None
    author: str | None = None
    dates: dict[str, datetime | None] = field(default_factory=dict)   # jsonld, meta
    page_text: str = ""      # the whole page's text, where date lines outside the article are found


def _meta_map(tree: HtmlElement) -> dict[str, str]:
    found: dict[str, str] = {}
    for meta in tree.iterfind(".//meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").strip().lower()
        content = (meta.get("content") or "").strip()
        if key and content and key not in found:
            found[key] = content[:500]
    return found


_BYLINE = re.compile(r"(?:^|[\s（(【\[])(?:记者|記者|作者|文)\s*[:：/／]?\s*([\u4e00-\u9fff]{2,4}?)(?=\s*(?:[／/、\s)）】\]]|报道|報導|摄|攝|$))")


def byline_author(text: str, head_chars: int = 400) -> str | None:
    """The reporter named in a byline near the top ("記者林悅／南市報導", "新华社记者李晓婷")."""
    match = _BYLINE.search(text[:head_chars])
    return match.group(1) if match else None


def _jsonld_objects(tree: HtmlElement) -> list[dict]:
    objects: list[dict] = []
    for script in tree.xpath('.//script[@type="application/ld+json"]'):
        raw = (script.text or "")[:_MAX_JSONLD_CHARS]
        try:
            data = json.loads(raw)
        except ValueError:
            continue
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                objects.append(item)
                stack.extend(v for k, v in item.items() if k == "@graph")
    return objects


def _jsonld_author(value) -> str | None:
    """Person names only: publishers often put their own name (an Organization) as the author."""
    if isinstance(value, list):
        names = [_jsonld_author(v) for v in value]
        return "、".join(n for n in names if n) or None
    if isinstance(value, dict):
        if value.get("@type") == "Organization":
            return None
        value = value.get("name")
    return value.strip()[:200] if isinstance(value, str) and value.strip() else None


def _squash(text: str) -> str:
    return "".join(text.split()).lower()


def _title(tree: HtmlElement, meta: dict[str, str], jsonld: list[dict]) -> str | None:
    """The headline, chosen by agreement among JSON-LD ``headline``, ``og:title``, ``<title>`` and
    ``<h1>``/``<h2>``; never a site or section name (the parts a ``<title>`` carries after its
    headline, ``og:site_name``), which some sites put in their ``<h1>`` ("即時新聞", "ETtoday 新聞雲")."""
    title_tag = " ".join((tree.findtext(".//title") or "").split())
    parts = [p for p in _TITLE_SEPARATORS.split(title_tag) if p.strip()]
    names = {_squash(p) for p in parts[1:]} | {_squash(meta.get("og:site_name", "")), _squash(meta.get("application-name", ""))}
    names.discard("")
    sources: list[tuple[str, str]] = []
    for name, value in (("jsonld", next((o.get("headline") for o in jsonld if isinstance(o.get("headline"), str)), None)),
                        ("og", meta.get("og:title")), ("twitter", meta.get("twitter:title"))):
        if isinstance(value, str) and value.strip():
            sources.append((name, max(_TITLE_SEPARATORS.split(" ".join(value.split())), key=len)[:300]))
    if parts:
        sources.append(("title", max(parts, key=len)[:300]))
    for heading in tree.xpath(".//h1|.//h2")[:8]:
        text = " ".join(heading.text_content().split())
        if 4 <= len(text) <= 120 and _squash(text) not in names:
            sources.append(("heading", text))
    if not sources:
        return None

    def agree(a: str, b: str) -> bool:
        a, b = _squash(a), _squash(b)
        return bool(a and b) and (a == b or (min(len(a), len(b)) >= 0.6 * max(len(a), len(b)) and (a in b or b in a)))

    def votes(candidate: str) -> int:
        return len({name for name, value in sources if agree(candidate, value)})

    # A heading the <title> repeats is the article's own title, without the site suffix.
    in_title = [value for name, value in sources if name == "heading" and _squash(value) in _squash(title_tag)
                and _squash(value) not in names]
    best = max((value for _, value in sources), key=lambda value: (votes(value), value in in_title))
    if votes(best) == 1 and in_title:
        best = in_title[0]
    if votes(best) == 1 and best not in in_title:
        best = next((value for name, value in sources if name != "heading"), None)
    return best


def page_metadata(tree: HtmlElement) -> PageMetadata:
    """Title, author, and the JSON-LD and meta-tag publication dates of a page."""
    meta = _meta_map(tree)
    jsonld = _jsonld_objects(tree)
    found = PageMetadata(title=_title(tree, meta, jsonld))
    jsonld_date = next((o["datePublished"] for o in jsonld if isinstance(o.get("datePublished"), str)), None)
    found.dates["jsonld"] = parse_date(jsonld_date)
    meta_date = next((meta[name] for name in _META_DATE_NAMES if name in meta), None)
    if meta_date is None:
        meta_date = next(iter(tree.xpath(".//time/@datetime")), None)
    found.dates["meta"] = parse_date(meta_date)
    author = next((_jsonld_author(o["author"]) for o in jsonld if o.get("author")), None) or next(
        (meta[name][:200] for name in _META_AUTHOR_NAMES if name in meta and not meta[name].startswith("http")), None)
    # Many sites name themselves as the author; that is the outlet, not a person.
    publisher = meta.get("og:site_name") or ""
    found.author = None if author and (author == publisher or author in (tree.findtext(".//title") or "")) else author
    return found
