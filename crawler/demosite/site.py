"""Build every page of the demo site in memory: articles, listings, e-paper, feeds, faults.

``build_site(scale, base)`` returns a ``Site``: a dict from path to a ready-to-send ``Page`` plus the
ground truth. The same scale gives byte-identical bodies for the same base URL.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field, replace
from typing import Callable

from crawler.demosite import feeds, render
from crawler.demosite.copies import article_encoding, make_copies
from crawler.demosite.edits import outlet_copy, to_traditional
from crawler.demosite.faults import FAULTS, REDIRECT_TARGET_STORY, SLOW_SECONDS, oversized_page, tiny_png
from crawler.demosite.outlets import OUTLETS, Outlet
from crawler.demosite.pages import STRUCTURE_DATE, Page, etag_of, html_page, to_utc, xml_page
from crawler.demosite.render import Copy
from crawler.demosite.stories import build_stories, related_pool

LISTING_PAGE_SIZE = 15
FEED_SIZE = 50
EPAPER_STORIES_PER_NODE = 2
FOUNDER_STORIES_PER_NODE = 3
FOUNDER_SECTIONS = ("要闻", "重庆", "区县", "财经", "文体")
EPAPER_SECTIONS = ("要聞", "港聞", "大灣區", "中國", "財經", "副刊", "體育", "國際")
PHOTOGRAPHERS = ("記者 黃志強", "記者 梁家輝", "記者 陳曉東", "新華社")
SNAPSHOT_CRAWLER_HOST = "spider.kuaikan.example"  # named in the aggregator's footer, as td.fyun.cc in seed 004


@dataclass
class Site:
    base: str
    scale: int
    pages: dict[str, Page] = field(default_factory=dict)
    ground_truth: list[dict] = field(default_factory=list)
    # Articles keep a renderer so ``edit_article`` can rebuild them with new text.
    articles: dict[str, tuple[Copy, Callable[[Copy], Page]]] = field(default_factory=dict)


class SiteBuilder:
    def __init__(self, scale: int, base: str):
        self.site = Site(base=base, scale=scale)
        self.rng = random.Random(f"newscorpus-demosite-copies-{scale}")
        self.stories = build_stories(scale)
        self.topics = {story.id: story.topic for story in self.stories}
        self.copies = make_copies(self.stories, self.rng)
        self.by_outlet = {name: sorted((c for c in self.copies if c.outlet == name),
                                       key=lambda c: (c.published, c.path), reverse=True) for name in OUTLETS}
        self.wire_paths = {c.story_id: c.path for c in self.by_outlet["wire"]}

    def build(self) -> Site:
        for name in OUTLETS:
            self.articles(OUTLETS[name])
        self.epaper()
        self.founder_epaper()
        for name in OUTLETS:
            self.listings(OUTLETS[name])
        self.feeds_and_sitemaps()
        self.structure()
        self.faults()
        self.site.pages["/ground-truth.json"] = xml_page(
            json.dumps(self.site.ground_truth, ensure_ascii=False, indent=1), "application/json", STRUCTURE_DATE)
        return self.site

    def add(self, path: str, page: Page) -> None:
        self.site.pages[path] = page

    def truth(self, copy: Copy, path: str, kind: str, **printed) -> None:
        """One (page, story) row; ``printed`` says where an e-paper story sits: ``document_url`` (the
        story's document, ``PAGE#story-N`` on a page of several), ``page_url``, ``story_index``,
        ``page_number``, ``page_name``."""
        url = self.site.base + path
        self.site.ground_truth.append({
            "story": copy.story_id, "url": url, "outlet": copy.outlet, "script": copy.script,
            "variant": copy.variant, "topic": self.topics[copy.story_id], "kind": kind,
            "published": render.iso(copy.published), "document_url": url, **printed})

    def articles(self, outlet: Outlet) -> None:
        copies = self.by_outlet[outlet.name]
        for position, copy in enumerate(copies):
            neighbours = [copies[(position + step) % len(copies)] for step in range(1, 6) if len(copies) > step]
            hot = [(c.path, c.title) for c in neighbours]
            renderer = self.article_renderer(outlet, hot, neighbours)
            self.site.articles[copy.path] = (copy, renderer)
            self.add(copy.path, renderer(copy))
            self.truth(copy, copy.path, "article")

    def article_renderer(self, outlet: Outlet, hot: list[tuple[str, str]], neighbours: list[Copy]) -> Callable[[Copy], Page]:
        base, related, wire_paths = self.site.base, self._related(neighbours), self.wire_paths

        def render_copy(copy: Copy) -> Page:
            tail = ""
            if outlet.name == "agg":
                original = base + wire_paths.get(copy.story_id, copy.path)
                tail = render.snapshot_tail(copy, related, original, SNAPSHOT_CRAWLER_HOST)
            text = render.article_page(copy, outlet, base, hot, tail)
            return html_page(text, *article_encoding(copy, outlet), copy.published)
        return render_copy

    def _related(self, neighbours: list[Copy]) -> list[dict]:
        """Related links: the aggregator's own neighbours, then two lines from seed 004's list."""
        pool = related_pool()
        entries = [{"title": c.title, "path": c.path, "date": f"{c.published:%Y-%m-%d %H:%M:%S}",
                    "snippet": "..." + "".join(t for k, t in c.blocks if k == "p")[10:90]} for c in neighbours[:4]]
        start = self.rng.randrange(len(pool))
        return entries + [pool[(start + i) % len(pool)] for i in range(2)]

    def epaper(self) -> None:
        """Print editions: each hk-own story on its day's pages, two to a page, with a contents page."""
        outlet = OUTLETS["hk"]
        editions: dict[str, list[Copy]] = {}
        for story in sorted((s for s in self.stories if s.home == "hk"), key=lambda s: (s.published, s.id)):
            title, blocks, variant = outlet_copy(story, "hk", self.rng)
            if not any(kind == "cap" for kind, _ in blocks):
                caption = f"{title.split(' ')[0]}。{self.rng.choice(PHOTOGRAPHERS)}攝"
                blocks = blocks[:2] + [("cap", caption)] + blocks[2:]
            copy = Copy(story_id=story.id, outlet="hk", path="", title=title, blocks=blocks,
                        variant=variant.replace("original", "epaper"), published=story.published, script="zh-Hant",
                        topic=to_traditional(story.topic), byline=story.byline, deck=story.deck, kicker=story.kicker)
            editions.setdefault(f"{story.published:%Y-%m/%d}", []).append(copy)
        self._wire_on_epaper(editions)
        archive = []
        for day_path, copies in sorted(editions.items()):
            day = copies[0].published
            nodes = [copies[i:i + EPAPER_STORIES_PER_NODE] for i in range(0, len(copies), EPAPER_STORIES_PER_NODE)]
            if len(nodes) == 1:
                nodes.append([])  # an advertisement page: every edition has several pages
            sections = [(EPAPER_SECTIONS[n % len(EPAPER_SECTIONS)] if stories else "廣告", stories)
                        for n, stories in enumerate(nodes)]
            for number, (section, stories) in enumerate(sections, 1):
                path = f"/hk/epaper/{day_path}/node_{number}.htm"
                self.add(path, html_page(render.epaper_node(outlet, day, number, len(nodes), section, stories),
                                         outlet.codec, "big5", day))
                for index, copy in enumerate(stories, 1):
                    story_url = self.site.base + path + (f"#story-{index}" if len(stories) > 1 else "")
                    self.truth(copy, path, "epaper", document_url=story_url, page_url=self.site.base + path,
                               story_index=index, page_number=f"A{number:02d}", page_name=section)
            self.add(f"/hk/epaper/{day_path}/index.htm",
                     html_page(render.epaper_toc(outlet, day, sections), outlet.codec, "big5", day))
            archive.append((f"/hk/epaper/{day_path}/index.htm", f"{day:%Y年%m月%d日}"))
        links = "".join(f'<li><a href="{path}">{label}</a></li>' for path, label in reversed(archive))
        self.add("/hk/epaper/", html_page(render.simple_page(outlet, "電子報 往期回顧", f"<ul>{links}</ul>\n", "big5"),
                                          outlet.codec, "big5", STRUCTURE_DATE))

    def _wire_on_epaper(self, editions: dict[str, list[Copy]]) -> None:
        """Each edition prints one wire story of its day or the day before (in its own rng: the rest
        of the site stays as it was)."""
        rng = random.Random(f"newscorpus-demosite-epaper-wire-{self.site.scale}")
        wire = sorted((s for s in self.stories if s.home == "wire" and not s.id.startswith("seed")),
                      key=lambda s: (s.published, s.id))
        used: set[str] = set()
        for copies in editions.values():
            day = copies[0].published.date()
            story = next((s for s in wire if s.id not in used and 0 <= (day - s.published.date()).days <= 1), None)
            if story is None:
                continue
            used.add(story.id)
            title, blocks, _ = outlet_copy(story, "hk", rng)
            copies.append(Copy(story_id=story.id, outlet="hk", path="", title=title, blocks=blocks, variant="epaper-wire",
                               published=copies[0].published, script="zh-Hant", topic=to_traditional(story.topic),
                               byline=None))

    def founder_epaper(self) -> None:
        """The morning paper's 数字报 in the Founder layout: 版面 pages whose image map links each
        story's region to its own ``content_N.htm`` page."""
        outlet, base = OUTLETS["morning"], "/morning/epaper/html"
        days: dict[str, list[Copy]] = {}
        for copy in sorted(self.by_outlet["morning"], key=lambda c: (c.published, c.path)):
            days.setdefault(f"{copy.published:%Y-%m/%d}", []).append(copy)
        archive, number = [], 5000
        for day_path, copies in sorted(days.items()):
            day = copies[0].published
            nodes = [copies[i:i + FOUNDER_STORIES_PER_NODE] for i in range(0, len(copies), FOUNDER_STORIES_PER_NODE)]
            sections = [FOUNDER_SECTIONS[n % len(FOUNDER_SECTIONS)] for n in range(len(nodes))]
            for page, stories in enumerate(nodes, 1):
                layout_path = f"{base}/{day_path}/node_{page}.htm"
                linked = []
                for slot, copy in enumerate(stories):
                    number += 1
                    path = f"{base}/{day_path}/content_{number}.htm"
                    top = 10 + slot * 180
                    coords = f"10,{top},390,{top},390,{top + 170},10,{top + 170}"
                    linked.append((f"content_{number}.htm", copy.title, coords))
                    self.add(path, html_page(render.founder_content(outlet, day, page, sections[page - 1], copy),
                                             outlet.codec, outlet.charset, copy.published))
                    # Founder pages link a story with its region selector, "?div=-1": the URL crawlers meet.
                    self.truth(copy, path + "?div=-1", "epaper-story", page_url=self.site.base + layout_path,
                               story_index=slot + 1,
                               page_number=f"{page:02d}", page_name=sections[page - 1], coords=coords)
                pdf = f"/morning/epaper/images/{day_path}/{page:02d}/SCCB{day:%Y%m%d}{page:02d}.pdf"
                self.add(layout_path, html_page(render.founder_layout(outlet, day, page, sections, linked, pdf),
                                                outlet.codec, outlet.charset, day))
            archive.append((f"{base}/{day_path}/node_1.htm", f"{day:%Y年%m月%d日}"))
        links = "".join(f'<li><a href="{path}">{label}</a></li>' for path, label in reversed(archive))
        self.add("/morning/epaper/", html_page(render.simple_page(outlet, "数字报 往期", f"<ul>{links}</ul>\n", "gbk"),
                                               outlet.codec, "gbk", STRUCTURE_DATE))

    def listings(self, outlet: Outlet) -> None:
        copies = self.by_outlet[outlet.name]
        pages = max(1, -(-len(copies) // LISTING_PAGE_SIZE))
        feed_type, feed_path = (("application/atom+xml", "atom.xml") if outlet.name == "agg"
                                else ("application/rss+xml", "rss.xml"))
        discovery = (f'<link rel="alternate" type="{feed_type}" title="{outlet.title}" '
                     f'href="{self.site.base}{outlet.home}{feed_path}">\n')
        header = None if outlet.name == "morning" else outlet.charset
        for page in range(1, pages + 1):
            chunk = copies[(page - 1) * LISTING_PAGE_SIZE: page * LISTING_PAGE_SIZE]
            items = [(c.path, c.title, c.published) for c in chunk]
            extra = EXTRA_LINKS.get(outlet.name, []) if page == 1 else []
            text = render.listing_page(outlet, "最新" if page == 1 else f"第{page}页", items,
                                       page, pages, "gb2312" if outlet.name == "morning" else outlet.charset,
                                       discovery if page == 1 else "", extra)
            path = outlet.home if page == 1 else f"{outlet.home}list_{page}.html"
            newest = chunk[0].published if chunk else STRUCTURE_DATE
            self.add(path, html_page(text, outlet.codec, header, newest))

    def feeds_and_sitemaps(self) -> None:
        base, sitemaps = self.site.base, []
        for name, outlet in OUTLETS.items():
            copies = self.by_outlet[name]
            entries = [feeds.Entry(base + c.path, c.title, c.published, c.byline or outlet.title,
                                   "".join(t for k, t in c.blocks if k == "p")[:120]) for c in copies]
            newest = copies[0].published if copies else STRUCTURE_DATE
            if name == "wire":
                self.add("/wire/sitemap-news.xml", xml_page(feeds.news_sitemap(entries, outlet.title),
                                                            "application/xml", newest))
                sitemaps.append(("/wire/sitemap-news.xml", newest))
            else:
                self.add(f"/{name}/sitemap.xml", xml_page(feeds.urlset(entries), "application/xml", newest))
                sitemaps.append((f"/{name}/sitemap.xml", newest))
            if name == "agg":
                self.add("/agg/atom.xml", xml_page(feeds.atom(outlet.title, base + outlet.home, base + "/agg/atom.xml",
                                                              entries[:FEED_SIZE]), "application/atom+xml", newest))
            else:
                self.add(f"/{name}/rss.xml", xml_page(feeds.rss(outlet.title, base + outlet.home, entries[:FEED_SIZE]),
                                                      "application/rss+xml", newest))
        self.add("/sitemap_index.xml", xml_page(feeds.sitemap_index(base, sitemaps), "application/xml", STRUCTURE_DATE))
        self.add("/robots.txt", xml_page(feeds.robots(base), "text/plain; charset=utf-8", STRUCTURE_DATE))

    def structure(self) -> None:
        links = "".join(f'<li><a href="{o.home}">{o.title}</a></li>' for o in OUTLETS.values())
        body = f"<p>newscorpus 演示新闻站：四家媒体。</p>\n<ul>{links}</ul>\n"
        self.add("/", html_page(render.simple_page(None, "newscorpus 演示新闻站", body), "utf-8", "utf-8", STRUCTURE_DATE))
        self.add("/static/site.css", Page(200, b"body{font-family:sans-serif}\n", "text/css", to_utc(STRUCTURE_DATE),
                                          etag_of(b"css")))
        gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
        self.add("/static/photo.gif", Page(200, gif, "image/gif", to_utc(STRUCTURE_DATE), etag_of(gif)))
        for number in (1, 2, 3):
            text = render.simple_page(None, f"内部稿件 {number}（未审）",
                                      f"<p>编辑部内部稿件，未经审核，请勿抓取。</p><a href=\"/private/drafts/{number % 3 + 1}.html\">下一篇</a>\n")
            self.add(f"/private/drafts/{number}.html", html_page(text, "utf-8", "utf-8", STRUCTURE_DATE))

    def faults(self) -> None:
        base = self.site.base
        self.add(FAULTS["server_error"], Page(500, b"<html><body><h1>500 Internal Server Error</h1></body></html>\n",
                                              "text/html"))
        target = next(c.path for c in self.by_outlet["agg"] if c.story_id == REDIRECT_TARGET_STORY)
        self.add(FAULTS["redirect"], Page(301, b"", "text/html", location=base + target))
        slow = render.simple_page(OUTLETS["hk"], "即時新聞（載入中）", "<p>即時新聞稍後更新。</p>\n", "big5")
        self.add(FAULTS["slow"], replace(html_page(slow, "big5hkscs", "big5", STRUCTURE_DATE), delay=SLOW_SECONDS))
        png = tiny_png()
        self.add(FAULTS["binary"], Page(200, png, "text/html", to_utc(STRUCTURE_DATE), etag_of(png)))
        self.add(FAULTS["oversized"], oversized_page())


# Links that only listing page 1 carries: how a crawler meets the faults and the e-paper.
EXTRA_LINKS = {
    "wire": [(FAULTS["not_found"], "【专题】已删除的稿件"), (FAULTS["private"], "内部稿件（编辑部）")],
    "morning": [(FAULTS["server_error"], "数字报 今日版面"), ("/morning/epaper/", "数字报 往期"),
                (FAULTS["private"], "内部稿件")],
    "hk": [("/hk/epaper/", "電子報"), (FAULTS["slow"], "即時新聞"), (FAULTS["binary"], "圖片集")],
    "agg": [(FAULTS["redirect"], "旧版：共赴“山海之约”"), (FAULTS["oversized"], "全部资讯归档"),
            (FAULTS["calendar_trap"], "资讯日历")],
}


def build_site(scale: int, base: str) -> Site:
    return SiteBuilder(scale, base).build()
