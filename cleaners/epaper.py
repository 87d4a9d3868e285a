"""E-paper editions as a structure: a 版面 (layout) page's stories, with page number, name and position.

Founder-style e-papers (``html/YYYY-MM/DD/node_N.htm``; ``pc/layout/YYYYMM/DD/node_NN.html``) show a
page image whose ``<map name="PagePicMap">`` links each story's region (``<area coords href>``) to
its ``content_N`` page, list the story titles beside it, name the page ("第A01版：要聞"), list the
edition's other pages and link the page's PDF. ``parse_layout`` reads all of that from the HTML
alone, so the crawler can follow each story with its place in the edition as fetch hints.

Hong Kong papers publish their print edition as web pages instead: a section list (日報 港聞, 要聞港聞)
linking the day's story pages, no page image and no map. ``parse_section_list`` reads such a page
into the same ``Layout``: the section as 版名, the edition's date, and its stories in page order.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

from lxml.html import HtmlElement

# "第A01版：要聞", "01版：要闻", "第 3 版 : 综 合"
PAGE_LABEL = re.compile(r"第?\s*([A-Za-z]{0,2}\d{1,3})\s*版\s*[:：]\s*([^\s<>|｜/\d]{1,4}(?: [^\s<>|｜/\d]{1,4})?)")
_STORY_HREF = re.compile(r"content_\d+|/content/|article", re.I)
_URL_DATE = re.compile(r"/(20\d\d)-?(\d\d)/?(\d\d)(?:/|_)")
_TEXT_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_NUMBER = re.compile(r"\d+")
STORY_SHAPE_SHARE = 0.5   # of a map's story links shaped like the page's own URL: the page is one of them
HINT_PREFIX = "epaper:"   # fetch hints the crawler passes to the extract stage


@dataclass
class StoryLink:
    """One story of a layout page: where it is printed and where its text lives."""

    url: str                                          # the story page, without Founder's ?div= selector
    title: str | None = None
    coords: list[str] = field(default_factory=list)   # one "x,y,x,y,..." per area of the story
    link: str | None = None                           # the URL as the page links it (what a crawler follows)

    def hints(self, layout: "Layout", index: int) -> dict[str, str]:
        """The story's place in the edition (``index``: 1-based on its page), as flat string hints for its fetch."""
        values = {"edition": layout.edition_date, "page": layout.page_number, "page_name": layout.page_name,
                  "layout": layout.url, "story": str(index), "page_pdf": layout.pdf, "page_image": layout.image,
                  "coords": ";".join(self.coords) or None, "title": self.title}
        return {HINT_PREFIX + key: value for key, value in values.items() if value}


@dataclass
class PageLink:
    url: str
    page_number: str
    page_name: str


@dataclass
class Layout:
    url: str
    edition_date: str | None
    page_number: str | None
    page_name: str | None
    image: str | None
    pdf: str | None
    stories: list[StoryLink]
    pages: list[PageLink]


def _clean_url(base: str, href: str) -> str:
    """Absolute, without fragment, and without Founder's ``?div=`` region selector (one story, several areas)."""
    parts = urlsplit(urljoin(base, href.strip()))
    query = "&".join(p for p in parts.query.split("&") if p and not p.startswith("div="))
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


def _absolute(base: str, href: str) -> str:
    return urljoin(base, href.strip()).split("#", 1)[0]


def _flat(element: HtmlElement) -> str:
    return " ".join(element.text_content().split())


def page_label(text: str) -> tuple[str, str] | None:
    """(page number, page name) of the first "第A01版：要聞" label in a text."""
    if "版" not in text:
        return None   # most pages: no regex run at all
    match = PAGE_LABEL.search(text)
    if not match:
        return None
    name = re.split(r"[上下]一版|版面导航|版面導航", match.group(2).replace(" ", ""))[0]
    return match.group(1).upper(), name or match.group(2)


def edition_date(url: str, text: str = "") -> str | None:
    """The edition's date, YYYY-MM-DD, from the URL's path or else the page's "2023年02月10日"."""
    match = _URL_DATE.search(urlsplit(url).path) or _TEXT_DATE.search(text)
    return f"{match.group(1)}-{int(match.group(2)):02d}-{int(match.group(3)):02d}" if match else None


def parse_layout(tree: HtmlElement, url: str) -> Layout | None:
    """The layout page's structure, or None when the page is no e-paper layout page.

    A layout page has an image map whose areas link to story pages, or (maps drawn by script) two
    or more story links beside a "第N版：" page label.
    """
    stories: dict[str, StoryLink] = {}
    for area in tree.iter("area"):
        href = area.get("href")
        if not href or href.startswith(("javascript:", "#")):
            continue
        link = stories.setdefault(_clean_url(url, href), StoryLink(_clean_url(url, href), link=_absolute(url, href)))
        if coords := (area.get("coords") or "").strip():
            link.coords.append(" ".join(coords.split())[:400])
    pages: dict[str, PageLink] = {}
    titled: dict[str, tuple[str, str]] = {}   # story URL -> (title, the URL as the title list links it)
    for anchor in tree.iter("a"):
        href, text = anchor.get("href"), _flat(anchor)
        if not href or not text:
            continue
        target = _clean_url(url, href)
        label = page_label(text)
        if label and "node" in urlsplit(target).path:
            pages.setdefault(target, PageLink(target, *label))
        elif _STORY_HREF.search(urlsplit(target).path) and 2 <= len(text) <= 120:
            titled.setdefault(target, (text, _absolute(url, href)))
    body_text = _flat(tree.find(".//body") if tree.find(".//body") is not None else tree)
    own = pages.get(_clean_url(url, url))
    label = (own.page_number, own.page_name) if own else page_label(body_text)
    if not stories:
        if label is None or len(titled) < 2:
            return None
        stories = {target: StoryLink(target) for target in titled}
    if _is_one_of(url, stories):
        return None
    for target, link in stories.items():
        # The title list's link wins: the page's other links to the story are written the same way.
        link.title, link.link = titled.get(target, (None, link.link or target))
    image = next((_clean_url(url, img.get("src")) for img in tree.iter("img")
                  if (img.get("usemap") or "").lstrip("#").lower() == "pagepicmap" and img.get("src")), None)
    pdf = next((_clean_url(url, a.get("href")) for a in tree.iter("a")
                if (a.get("href") or "").lower().split("?")[0].endswith(".pdf")), None)
    return Layout(url=url, edition_date=edition_date(url, body_text), page_number=label[0] if label else None,
                  page_name=label[1] if label else None, image=image, pdf=pdf,
                  stories=list(stories.values()), pages=list(pages.values()))


def _is_one_of(url: str, stories: dict[str, StoryLink]) -> bool:
    """Whether the page is one of the stories its map links: Founder's story pages (``content_N``) keep
    their page's map and title list beside the article, so only the page's own URL tells them from the
    layout (``node_N``). Compared numbers aside, so ``content_128707.html`` is shaped like ``content_128704.html``."""
    own = _NUMBER.sub("N", urlsplit(url).path)
    alike = sum(1 for target in stories if _NUMBER.sub("N", urlsplit(target).path) == own)
    return alike > STORY_SHAPE_SHARE * len(stories)


MAIN_LIST_SHARE = 0.6              # the main list holds at least this share of the page's story links
SECTION_LIST_MIN_STORIES = 5        # fewer headline links of one shape: a sidebar, not the edition's section
_HEADLINE_CHARS = (6, 80)
_HAN = re.compile(r"[\u3400-\u9fff]")
_ID_SEGMENT = re.compile(r"\d{4,}")
_TITLE_PARTS = re.compile(r"\s*(?:\||｜|--|-|_|–|—)\s*")
_PAPER_NAME = re.compile(r"報$|报$|網站|网站|網$|网$|\.com|skypost|主頁|主页", re.I)


def _link_shape(url: str) -> str:
    """A story URL's template: host and path up to its first numeric id, plus the query's keys
    (``/article/2333915/垃圾徵費…`` and ``/article/2333916/迪士尼…`` share ``host/article/N``)."""
    parts = urlsplit(url)
    segments = []
    for segment in unquote(parts.path).split("/"):
        if _ID_SEGMENT.search(segment):
            segments.append(re.sub(r"\d+", "N", segment) if "." in segment else "N")
            break
        segments.append(segment)
    keys = "&".join(sorted(pair.split("=")[0] for pair in parts.query.split("&") if pair))
    return parts.netloc + "/".join(segments) + ("?" + keys if keys else "")


def _item(anchor: HtmlElement, story_of: dict[HtmlElement, str]) -> HtmlElement:
    """The list item around a story link: its highest ancestor holding no other story of the list."""
    item, own = anchor, story_of[anchor]
    for ancestor in anchor.iterancestors():
        if any(story_of.get(other, own) != own for other in ancestor.iter("a")):
            break
        item = ancestor
    return item


def parse_section_list(tree: HtmlElement, url: str) -> Layout | None:
    """A print edition's section page read as its stories, or None when the page lists no such stories.

    The stories are the largest group of headline links (6-80 characters, mostly Han) that share a
    URL template; links whose template shares most of the page's own path win ties (the section's
    own list before the site's other columns). Items labelled with another section than most items
    are ("港聞" beside "娛樂" in a mixed card list) are left out, and so are links below the main list
    (a "most read" box). A page whose own URL has its stories' template is one of them, not their list.
    """
    groups: dict[str, dict[str, str]] = {}
    anchors: dict[str, list[HtmlElement]] = {}
    for anchor in tree.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        text = _link_headline(anchor)
        if text is None:
            continue
        target = _clean_url(url, href)
        shape = _link_shape(target)
        stories = groups.setdefault(shape, {})
        if _headline_rank(text) > _headline_rank(stories.get(target, "")):
            stories[target] = text          # of the story's link texts its headline, not "詳細" nor its teaser
        anchors.setdefault(shape, []).append(anchor)
    own_path = unquote(urlsplit(url).path)

    def rank(shape: str) -> tuple[int, int]:
        path = shape.split("/", 1)[1] if "/" in shape else ""
        shared = len(_common_prefix(path, own_path.lstrip("/")).rstrip("/").split("/")) if path else 0
        return len(groups[shape]), shared

    best = max(groups, key=rank, default=None)
    if best is None or len(groups[best]) < SECTION_LIST_MIN_STORIES or _link_shape(_clean_url(url, url)) == best:
        return None         # no list; or the page is one of the stories it links (a story page's sidebar)
    stories, section = _same_section(groups[best], anchors[best], url, best)
    stories = _main_list(stories, anchors[best], url)
    if len(stories) < SECTION_LIST_MIN_STORIES:
        return None
    label = section or _section_name(tree)
    body = tree.find(".//body")
    text = " ".join((tree.findtext(".//title") or "").split()) + " " + _flat(body if body is not None else tree)[:3000]
    edition = edition_date(url, text) or _common_date(list(stories))
    return Layout(url=url, edition_date=edition, page_number=None, page_name=label, image=None, pdf=None,
                  stories=[StoryLink(target, title=title, link=target) for target, title in stories.items()], pages=[])


def _link_headline(anchor: HtmlElement) -> str | None:
    """A link's headline: its text, or its first line when the link wraps headline, date and teaser."""
    text = " ".join(anchor.text_content().replace("\ufeff", "").split())
    if len(text) > _HEADLINE_CHARS[1]:
        text = next((" ".join(piece.split()) for piece in anchor.itertext() if piece.strip()), "").replace("\ufeff", "")
    if _HEADLINE_CHARS[0] <= len(text) <= _HEADLINE_CHARS[1] and len(_HAN.findall(text)) >= 4:
        return text
    return None


def _headline_rank(text: str) -> tuple[bool, int]:
    """Headlines before teasers (a teaser has commas and full stops), then the longer."""
    return not re.search(r"[。，！？]", text), len(text)


def _main_list(stories: dict[str, str], anchors: list[HtmlElement], base: str) -> dict[str, str]:
    """The stories of the page's main list (the smallest element that holds most of them) and the lead
    stories above it; a "most read" box or a carousel further down links the same kind of pages."""
    inside: dict[HtmlElement, set[str]] = {}
    depth: dict[HtmlElement, int] = {}
    first: dict[str, int] = {}
    for position, anchor in enumerate(anchors):
        target = _clean_url(base, anchor.get("href").strip())
        if target not in stories:
            continue
        first.setdefault(target, position)
        for level, ancestor in enumerate(reversed(list(anchor.iterancestors()))):
            inside.setdefault(ancestor, set()).add(target)
            depth[ancestor] = level
    holding = [element for element, targets in inside.items() if len(targets) >= MAIN_LIST_SHARE * len(stories)]
    if not holding:
        return stories
    main = inside[max(holding, key=depth.__getitem__)]
    start = min(first[target] for target in main)
    return {target: title for target, title in stories.items() if target in main or first[target] < start}


def _common_prefix(a: str, b: str) -> str:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return a[:size]


def _same_section(stories: dict[str, str], anchors: list[HtmlElement], base: str,
                  shape: str) -> tuple[dict[str, str], str | None]:
    """The stories without those labelled with a minority section (each item's short link text, "港聞"),
    and the label most items carry."""
    story_of: dict[HtmlElement, str] = {}
    for anchor in (anchors[0].getroottree().getroot().iter("a") if anchors else ()):
        href = (anchor.get("href") or "").strip()
        if href and _link_shape(target := _clean_url(base, href)) == shape:
            story_of[anchor] = target
    labels: dict[str, str] = {}
    for anchor in anchors:
        target = story_of[anchor]
        if target in labels:
            continue
        item = _item(anchor, story_of)
        short = [" ".join(a.text_content().split()) for a in item.iter("a") if a not in story_of]
        labels[target] = next((t for t in short if 2 <= len(t) <= 6 and _HAN.search(t)), "")
    counts = Counter(label for label in labels.values() if label)
    if not counts:
        return stories, None
    label, count = counts.most_common(1)[0]
    if count < 0.5 * len(stories):
        return stories, None
    return {target: title for target, title in stories.items() if labels.get(target, label) == label}, label


def _section_name(tree: HtmlElement) -> str | None:
    """The section the page lists (its 版名): the first part of its <title> that names no paper or site."""
    title = " ".join((tree.findtext(".//title") or "").split())
    parts = [part.strip() for part in _TITLE_PARTS.split(title) if part.strip()]
    return next((part for part in parts if len(part) <= 8 and _HAN.search(part) and not _PAPER_NAME.search(part)), None)


def _common_date(urls: list[str]) -> str | None:
    """The date most of the stories' URLs carry (``/cnt/news/20200809/``, ``/article/20200808/``)."""
    dates = Counter(edition_date(url) for url in urls)
    dates.pop(None, None)
    if not dates:
        return None
    date, count = dates.most_common(1)[0]
    return date if count >= 0.8 * len(urls) else None
