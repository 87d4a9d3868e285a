"""robots.txt, sitemaps (an index, a Google News sitemap, plain ones), RSS 2.0 and Atom feeds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape

from crawler.demosite.render import iso

UTC8 = timedelta(hours=8)


@dataclass
class Entry:
    url: str            # absolute
    title: str
    published: datetime  # local (UTC+8) time
    author: str
    summary: str


def robots(base: str) -> str:
    return ("# Demo news site: polite crawlers stay out of the editors' drafts.\n"
            "User-agent: *\nDisallow: /private/\nAllow: /\n\n"
            f"Sitemap: {base}/sitemap_index.xml\n")


def sitemap_index(base: str, sitemaps: list[tuple[str, datetime]]) -> str:
    rows = "".join(f"  <sitemap><loc>{escape(base + path)}</loc><lastmod>{iso(when)}</lastmod></sitemap>\n"
                   for path, when in sitemaps)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</sitemapindex>\n')


def urlset(entries: list[Entry]) -> str:
    rows = "".join(f"  <url><loc>{escape(e.url)}</loc><lastmod>{iso(e.published)}</lastmod></url>\n"
                   for e in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{rows}</urlset>\n')


def news_sitemap(entries: list[Entry], publication: str) -> str:
    rows = "".join(
        f"  <url>\n    <loc>{escape(e.url)}</loc>\n    <news:news>\n"
        f"      <news:publication><news:name>{escape(publication)}</news:name>"
        f"<news:language>zh-cn</news:language></news:publication>\n"
        f"      <news:publication_date>{iso(e.published)}</news:publication_date>\n"
        f"      <news:title>{escape(e.title)}</news:title>\n    </news:news>\n  </url>\n"
        for e in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
            f"{rows}</urlset>\n")


def rss(title: str, home: str, entries: list[Entry]) -> str:
    items = "".join(
        f"<item>\n  <title>{escape(e.title)}</title>\n  <link>{escape(e.url)}</link>\n"
        f'  <guid isPermaLink="true">{escape(e.url)}</guid>\n'
        f"  <pubDate>{format_datetime((e.published - UTC8).replace(tzinfo=timezone.utc))}</pubDate>\n"
        f"  <author>{escape(e.author)}</author>\n  <description>{escape(e.summary)}</description>\n</item>\n"
        for e in entries)
    newest = max((e.published for e in entries), default=datetime(2024, 1, 1))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0">\n<channel>\n'
            f"<title>{escape(title)}</title>\n<link>{escape(home)}</link>\n<description>{escape(title)}滚动新闻</description>\n"
            f"<language>zh-cn</language>\n<lastBuildDate>{format_datetime((newest - UTC8).replace(tzinfo=timezone.utc))}</lastBuildDate>\n"
            f"{items}</channel>\n</rss>\n")


def atom(title: str, home: str, self_url: str, entries: list[Entry]) -> str:
    newest = max((e.published for e in entries), default=datetime(2024, 1, 1))
    items = "".join(
        f"<entry>\n  <title>{escape(e.title)}</title>\n  <link rel=\"alternate\" href=\"{escape(e.url)}\"/>\n"
        f"  <id>{escape(e.url)}</id>\n  <published>{iso(e.published)}</published>\n"
        f"  <updated>{iso(e.published)}</updated>\n  <author><name>{escape(e.author)}</name></author>\n"
        f"  <summary>{escape(e.summary)}</summary>\n</entry>\n"
        for e in entries)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>{escape(title)}</title>\n<link rel=\"alternate\" href=\"{escape(home)}\"/>\n"
            f"<link rel=\"self\" href=\"{escape(self_url)}\"/>\n<id>{escape(self_url)}</id>\n"
            f"<updated>{iso(newest)}</updated>\n{items}</feed>\n")

