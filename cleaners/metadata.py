"""Title, author and machine-readable dates from a parsed page (JSON-LD, meta tags, headings).

Cheap by design: a few XPath lookups on the tree trafilatura parsed, no htmldate; one walk over the
body's elements only when no declared title or heading agrees with the <title>.
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
_TITLE_SEPARATORS = re.compile(r"\s*(?:[_|｜丨–—]|\s[-·]\s|--)\s*")
# Where a headline may end inside a <title> that glues the site's or section's name on: a space or a
# hyphen ("…一块顶十块GPU-EDN 电子技术设计", "…开展调研工作 东区办事处_中山网"). Never a colon: "王文：…".
_HEADLINE_END = re.compile(r"\s+|-")
_NO_TEXT = frozenset({"script", "style", "noscript", "template", "head", "title", "textarea", "select"})
_MAX_ELEMENT_CHARS = 120
_MAX_JSONLD_CHARS = 200_000
_MIN_LEADING_CHARS = 8      # a heading this long that opens the declared title is its headline (section names are shorter)


@dataclass
class PageMetadata:
    title: str | None = None
    author: str | None = None
    dates: dict[str, datetime | None] = field(default_factory=dict)   # jsonld, meta
    page_text: str = ""      # the page's visible text, where date lines outside the article are found
    script_text: str = ""    # its inline scripts' text: a page that renders its date by script has it only there
    title_alternatives: list[str] = field(default_factory=list)   # next-best headlines, for site-boilerplate titles


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


def _agree(a: str, b: str) -> bool:
    a, b = _squash(a), _squash(b)
    return bool(a and b) and (a == b or (min(len(a), len(b)) >= 0.6 * max(len(a), len(b)) and (a in b or b in a)))


# Site and section names: what a news site calls itself or a section ("中時電子報", "ETtoday 新聞雲",
# "即時新聞", "人民网", "財經頻道"). Short, and ending in a word a headline rarely ends in.
_NAME = re.compile(r"^.{0,8}(?:新聞|新闻|電子報|电子报|新聞網|新闻网|新聞雲|新闻云|網|网|報|报|日報|日报|時報|时报|頻道|频道|"
                   r"首頁|首页|中心|news|tv|online|daily)$|^(?:即時|即时|最新|熱門|热门|焦點|焦点|要聞|要闻|滾動|滚动)"
                   r"|^(?:港聞|港闻|國際|国际|財經|财经|社會|社会|體育|体育|娛樂|娱乐|地方|兩岸|两岸|評論|评论|社論|社论|副刊|"
                   r"新聞動態|新闻动态|新聞資訊|新闻资讯)(?:新聞|新闻)?$", re.I)


def name_like(text: str) -> bool:
    """A short text shaped like a site's or a section's name, not a headline."""
    flat = re.sub(r"[\W_]+", "", text).lower()
    return len(flat) <= 10 and _NAME.search(flat) is not None


_GLUED_SUFFIX = re.compile(r"^(.*\S)-([^-\s]{2,12})$")


def _site_suffix(text: str) -> list[str]:
    """A title and the site name glued to it without spaces ("法国全国大罢工再次严重影响交通-新华网"), as two parts."""
    match = _GLUED_SUFFIX.match(text)
    return [match.group(1), match.group(2)] if match and name_like(match.group(2)) else [text]


def _element_texts(tree: HtmlElement) -> set[str]:
    """The whole text of every short element of the page's body (squashed), computed children first so a
    page costs one walk: the headline is one element's text on nearly every news page. Text that is all
    links is left out: it names other pages (a related story sharing the headline's first words)."""
    texts: set[str] = set()
    done: dict[HtmlElement, tuple[str, bool] | None] = {}    # element: (text, all of it inside links)
    body = tree.find(".//body")
    for element in reversed(list((body if body is not None else tree).iter())):
        if not isinstance(element.tag, str) or element.tag in _NO_TEXT:
            done[element] = ("", True)
            continue
        pieces, linked = [element.text or ""], element.tag == "a" or not (element.text or "").strip()
        for child in element:
            child_done = done.pop(child, ("", True))
            if child_done is None:
                pieces = None
                break
            pieces += [child_done[0], child.tail or ""]
            linked = linked and (element.tag == "a" or (child_done[1] and not (child.tail or "").strip()))
        text = None if pieces is None else "".join("".join(pieces).split())
        done[element] = (text, linked) if text is not None and len(text) <= _MAX_ELEMENT_CHARS else None
        if text and 4 <= len(text) <= _MAX_ELEMENT_CHARS and not linked:
            texts.add(text.lower())
    return texts


def _shown_title(title: str, part: str, texts: set[str]) -> str:
    """The headline of a <title> as the page shows it in an element: its longest part as it stands, else
    the whole title when a separator belongs to the headline ("书记市长这一周 | 奋马扬鞭争春色…"), else the
    longest opening of the part, ended by a space or a hyphen, that an element shows ("…GPU-EDN 电子技术设计")."""
    if _squash(part) in texts:
        return part
    if _squash(title) in texts:
        return title
    openings = [part[:m.start()] for m in _HEADLINE_END.finditer(part)
                if len(_squash(part[:m.start()])) >= _MIN_LEADING_CHARS and _squash(part[:m.start()]) in texts]
    return max(openings, key=len) if openings else part


def _titles(tree: HtmlElement, meta: dict[str, str], jsonld: list[dict]) -> list[str]:
    """Headline candidates, best first, chosen by agreement among JSON-LD ``headline``, ``og:title``,
    ``<title>`` and ``<h1>``/``<h2>``, else by agreement of ``<title>`` with the element that shows the
    headline; never a site or section name (the parts of ``<title>`` that are not the headline,
    ``og:site_name``), which some sites put in their ``<h1>`` ("即時新聞", "ETtoday 新聞雲")."""
    title_tag = " ".join((tree.findtext(".//title") or "").split())
    parts = [p for part in _TITLE_SEPARATORS.split(title_tag) if part.strip() for p in _site_suffix(part.strip())]
    declared: list[tuple[str, str]] = []
    whole = [_squash(title_tag)]       # the declared titles as written, suffixes and all
    for name, value in (("jsonld", next((o.get("headline") for o in jsonld if isinstance(o.get("headline"), str)), None)),
                        ("og", meta.get("og:title")), ("twitter", meta.get("twitter:title"))):
        if isinstance(value, str) and value.strip():
            declared.append((name, _site_suffix(max(_TITLE_SEPARATORS.split(" ".join(value.split())), key=len))[0][:300]))
            whole.append(_squash(value))
    headings = [text for h in tree.xpath(".//h1|.//h2")[:8]
                if 4 <= len(text := " ".join(h.text_content().replace("\ufeff", "").split())) <= 120]
    declared = [(name, value) for name, value in declared if not name_like(value)]
    # The <title> part that og:title/JSON-LD (else a heading) repeats is the headline; the others name the site.
    candidates = [p for p in parts if not name_like(p)]
    # Else the longest part, as the page's own headline element shows it.
    own = next((p for group in ([v for _, v in declared], headings) for p in candidates if any(_agree(p, o) for o in group)),
               None) or (_shown_title(title_tag, max(candidates, key=len), _element_texts(tree)) if candidates else None)
    names = {_squash(p) for p in parts if p != own} | {_squash(meta.get(k, "")) for k in ("og:site_name", "application-name")}
    names |= {_squash(h) for h in headings if name_like(h)}
    names.discard("")
    sources = declared + ([("title", own[:300])] if own else [])
    sources += [("heading", h) for h in headings if _squash(h) not in names]

    if not declared and not own:
        # Headings alone are a sidebar's or a blog's widget as often as the headline; when the page's
        # <title> holds only names ("即時新聞 - 自由時報"), its first other heading is the best there is,
        # down to <h6> ("新闻动态--中国地理学会官网" over an <h5> headline), a breadcrumb of names aside.
        if not parts:
            return []
        heading = next((h for _, h in sources), None) or next(
            (text for h in tree.xpath(".//h3|.//h4|.//h5|.//h6") if 4 <= len(text := " ".join(h.text_content().split())) <= 120
             and not all(name_like(p) for p in _TITLE_SEPARATORS.split(text) if p.strip())), None)
        return [heading] if heading else []

    def votes(candidate: str) -> int:
        return len({name for name, value in sources if _agree(candidate, value)})

    # A heading the declared titles start with is the headline they carry, whatever follows it in them
    # (a subhead, the blog's name, separators inside the headline itself: "新竹尖石_美樹營地賞楓 (2) @ 某某的家").
    leading = next((h for h in headings if len(flat := _squash(h)) >= _MIN_LEADING_CHARS and flat not in names
                    and any(w.startswith(flat) for w in whole)), None)
    in_title = {value for name, value in sources if name == "heading" and _squash(value) in _squash(title_tag)}
    ranked: list[str] = []
    # Ties go to headline-length candidates (section names are short), then to headings the <title> repeats.
    for value in sorted((v for _, v in sources), key=lambda v: (-votes(v), len(_squash(v)) < 8, v not in in_title)):
        if _squash(value) not in names and not any(_agree(value, r) for r in ranked):
            ranked.append(value)
    if ranked and votes(ranked[0]) == 1 and ranked[0] not in in_title:
        # No agreement: a declared title before a lone heading (which may be a teaser or a sidebar's).
        ranked.sort(key=lambda v: next(i for i, (_, s) in enumerate(sources) if s == v))
    if leading:
        ranked = [leading] + [r for r in ranked if r != leading]
    return ranked


def page_metadata(tree: HtmlElement) -> PageMetadata:
    """Title, author, and the JSON-LD and meta-tag publication dates of a page."""
    meta = _meta_map(tree)
    jsonld = _jsonld_objects(tree)
    # A name is a title only when the page offers nothing else (a bare page titled "山城晨报 本地新闻").
    titles = _titles(tree, meta, jsonld) or [max(_TITLE_SEPARATORS.split(title), key=len)[:300]
                                             for title in [" ".join((tree.findtext(".//title") or "").split())] if title]
    found = PageMetadata(title=titles[0] if titles else None, title_alternatives=titles[1:3])
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
