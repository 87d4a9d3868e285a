"""E-paper editions as a structure: a 版面 (layout) page's stories, with page number, name and position.

Founder-style e-papers (``html/YYYY-MM/DD/node_N.htm``; ``pc/layout/YYYYMM/DD/node_NN.html``) show a
page image whose ``<map name="PagePicMap">`` links each story's region (``<area coords href>``) to
its ``content_N`` page, list the story titles beside it, name the page ("第A01版：要聞"), list the
edition's other pages and link the page's PDF. ``parse_layout`` reads all of that from the HTML
alone, so the crawler can follow each story with its place in the edition as fetch hints.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

from lxml.html import HtmlElement

# "第A01版：要聞", "01版：要闻", "第 3 版 : 综 合"
PAGE_LABEL = re.compile(r"第?\s*([A-Za-z]{0,2}\d{1,3})\s*版\s*[:：]\s*([^\s<>|｜/\d]{1,4}(?: [^\s<>|｜/\d]{1,4})?)")
_STORY_HREF = re.compile(r"content_\d+|/content/|article", re.I)
_URL_DATE = re.compile(r"/(20\d\d)-?(\d\d)/(\d\d)/")
_TEXT_DATE = re.compile(r"(20\d\d)\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
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
