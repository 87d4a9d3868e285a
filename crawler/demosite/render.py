"""HTML of the demo pages, as text; the site encodes it with each outlet's codec.

Metadata comes in the forms real sites use, varied on purpose: JSON-LD ``NewsArticle``,
``article:published_time``, or only a "发布时间" line in the text; with nav menus, share prompts,
editor lines and footers around the story for the cleaner to strip.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape

from crawler.demosite.outlets import Outlet
from crawler.demosite.stories import Block

TZ = "+08:00"
NAV_TARGETS = {"電子報": "/hk/epaper/"}  # menu entries that lead somewhere of their own
PAGER_WINDOW = 5  # page numbers shown either side of the current listing page


@dataclass
class Copy:
    """One outlet's copy of one story, at one URL."""

    story_id: str
    outlet: str
    path: str
    title: str
    blocks: list[Block]
    variant: str
    published: datetime
    script: str
    topic: str
    byline: str | None = None
    dateline: str | None = None
    credit: str | None = None      # "来源：" / "本文转自：" of a republished copy
    editor: str | None = None
    meta: str = "jsonld"           # jsonld | og-time | text-only
    charset: str | None = "utf-8"  # declared in <meta>; None: declared nowhere
    deck: str | None = None
    kicker: str | None = None


def iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S") + TZ


def head(outlet: Outlet, title: str, charset: str | None, extra: str = "", feeds: str = "") -> str:
    meta_charset = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">\n' if charset else ""
    return (f'<!DOCTYPE html>\n<html lang="{outlet.lang}">\n<head>\n{meta_charset}'
            f"<title>{escape(title)}</title>\n"
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<link rel="stylesheet" href="/static/site.css">\n{feeds}{extra}</head>\n')


def nav(outlet: Outlet) -> str:
    items = "".join(f'<li><a href="{NAV_TARGETS.get(label, outlet.home)}">{escape(label)}</a></li>' for label in outlet.nav)
    return (f'<div class="topbar"><a class="logo" href="{outlet.home}">{escape(outlet.title)}</a>'
            f'<ul class="nav">{items}</ul><a href="/">{"返回總站" if outlet.name == "hk" else "返回总站"}</a></div>\n')


def footer(outlet: Outlet, extra_links: str = "") -> str:
    return f'<div class="footer">{extra_links}<p>{outlet.footer}</p></div>\n</body>\n</html>\n'


def blocks_html(blocks: list[Block]) -> str:
    parts = []
    for kind, text in blocks:
        if kind == "h":
            parts.append(f"<h3>{escape(text)}</h3>")
        elif kind == "cap":
            parts.append(f'<figure><img src="/static/photo.gif" alt=""><figcaption>{escape(text)}</figcaption></figure>')
        else:
            parts.append(f"<p>{escape(text)}</p>")
    return "\n".join(parts) + "\n"


def article_meta(copy: Copy, outlet: Outlet, base: str) -> str:
    tags = ['<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{escape(copy.title)}">',
            f'<meta property="og:site_name" content="{escape(outlet.title)}">',
            f'<link rel="canonical" href="{base}{copy.path}">']
    if copy.meta == "jsonld":
        data = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": copy.title,
                "datePublished": iso(copy.published), "dateModified": iso(copy.published),
                "author": {"@type": "Person", "name": copy.byline or outlet.title},
                "publisher": {"@type": "Organization", "name": outlet.title},
                "mainEntityOfPage": f"{base}{copy.path}"}
        tags.append(f'<script type="application/ld+json">{json.dumps(data, ensure_ascii=False)}</script>')
    elif copy.meta == "og-time":
        tags.append(f'<meta property="article:published_time" content="{iso(copy.published)}">')
    return "\n".join(tags) + "\n"


def date_line(copy: Copy, outlet: Outlet) -> str:
    """The visible date, in the outlet's house style."""
    when = copy.published
    if outlet.name == "agg":
        return f"类别:国内 发布时间:{when:%Y-%m-%d %H:%M:%S} 来源:{outlet.title}"
    if outlet.name == "hk":
        return f"發佈時間：{when:%Y年%m月%d日 %H:%M}"
    if outlet.name == "morning":
        return f"发布时间：{when:%Y年%m月%d日 %H:%M}"
    return f"{when:%Y-%m-%d %H:%M:%S}　来源：{copy.credit or outlet.title}"


def link_list(title: str, links: list[tuple[str, str]]) -> str:
    items = "".join(f'<li><a href="{path}">{escape(text)}</a></li>' for path, text in links)
    return f'<div class="box"><h4>{escape(title)}</h4><ul>{items}</ul></div>\n'


def article_page(copy: Copy, outlet: Outlet, base: str, hot: list[tuple[str, str]], tail: str = "") -> str:
    """A news article page; ``tail`` is outlet-specific matter after the story (snapshot footer...)."""
    trad = copy.script == "zh-Hant"
    credit = f'<p class="credit">{escape(copy.credit)}</p>\n' if copy.credit and outlet.name != "wire" else ""
    dateline = f'<p class="dateline">{escape(copy.dateline)}</p>\n' if copy.dateline else ""
    byline = f'<p class="byline">{escape(copy.byline)}</p>\n' if copy.byline else ""
    editor = f'<p class="editor">{escape(copy.editor)}</p>\n' if copy.editor else ""
    share = ("分享到：微信 微博 Facebook 列印本頁　發表評論" if trad else "分享到：微信 微博 QQ空间　我要评论（0）")
    qr = "掃碼閱讀手機版" if trad else "扫码阅读手机版"
    crumb = f'<div class="crumb">{"當前位置" if trad else "当前位置"}：<a href="{outlet.home}">{escape(outlet.title)}</a> &gt; {escape(copy.topic)}</div>\n'
    return (head(outlet, f"{copy.title}_{outlet.title}", copy.charset, article_meta(copy, outlet, base))
            + "<body>\n" + nav(outlet) + crumb
            + f'<div class="article">\n<h1>{escape(copy.title)}</h1>\n'
            + f'<div class="info">{escape(date_line(copy, outlet))}</div>\n'
            + credit + dateline + byline
            + f'<div id="content" class="content">\n{blocks_html(copy.blocks)}</div>\n'
            + editor + tail
            + f'</div>\n<div class="share">{share}</div>\n<div class="qrcode">{qr}</div>\n'
            + link_list("熱點新聞" if trad else "热点推荐", hot)
            + footer(outlet))


def snapshot_tail(copy: Copy, related: list[dict], original_url: str, host: str) -> str:
    """The aggregator's footer, worded like seed 004, and its related-links list with dates."""
    snapshot_time = copy.published + timedelta(hours=1, minutes=36, seconds=6)  # seed 004: 10:09:00 -> 11:45:06
    lines = [f"以上内容为资讯信息快照,由{host}爬虫进行采集并收录,本站未对信息做任何修改,信息内容不代表本站立场。",
             f"快照生成时间:{snapshot_time:%Y-%m-%d %H:%M:%S}",
             "本站信息快照查询为非营利公共服务,如有侵权请联系我们进行删除。"]
    out = "".join(f'<p class="snapshot">{escape(line)}</p>\n' for line in lines)
    out += f'<p class="snapshot">信息原文地址:<a href="{original_url}">{escape(original_url)}</a></p>\n'
    items = []
    for entry in related:
        title = (f'<a href="{entry["path"]}">{escape(entry["title"])}</a>' if entry.get("path")
                 else escape(entry["title"]))
        items.append(f'<li><div class="t">{title}</div><div class="s">{escape(entry["snippet"])}</div>'
                     f'<div class="d">{escape(entry["date"])}</div></li>')
    out += '<div class="related"><ul>' + "".join(items) + "</ul></div>\n<p>更多关于国内的资讯:</p>\n"
    return out


def listing_page(outlet: Outlet, heading: str, items: list[tuple[str, str, datetime]], page: int,
                 pages: int, charset: str | None, feeds: str, extra_links: list[tuple[str, str]]) -> str:
    """A paginated listing: newest first, with 上一页/下一页 links and a box of other links."""
    def list_path(n: int) -> str:
        return outlet.home if n == 1 else f"{outlet.home}list_{n}.html"

    rows = "".join(f'<li><a href="{path}">{escape(title)}</a><span class="date">{when:%Y-%m-%d}</span></li>\n'
                   for path, title, when in items)
    pager = []
    if page > 1:
        pager.append(f'<a href="{list_path(page - 1)}">{"上一頁" if outlet.name == "hk" else "上一页"}</a>')
    window = range(max(1, page - PAGER_WINDOW), min(pages, page + PAGER_WINDOW) + 1)
    pager += [f'<a href="{list_path(n)}">{n}</a>' if n != page else f"<b>{n}</b>" for n in window]
    if page < pages:
        pager.append(f'<a href="{list_path(page + 1)}">{outlet.next_label}</a>')
    box = link_list("更多" if outlet.name != "hk" else "更多內容", extra_links) if extra_links else ""
    return (head(outlet, f"{heading}_{outlet.title}", charset, feeds=feeds) + "<body>\n" + nav(outlet)
            + f'<h2>{escape(heading)}</h2>\n<ul class="list">\n{rows}</ul>\n'
            + f'<div class="pager">{" ".join(pager)}</div>\n' + box + footer(outlet))


def epaper_node(outlet: Outlet, day: datetime, node: int, nodes: int, section: str, stories: list[Copy]) -> str:
    """One printed page of the e-paper: several stories with their captions, and page navigation."""
    parts = []
    for copy in stories:
        kicker = f'<p class="kicker">{escape(copy.kicker)}</p>' if copy.kicker else ""
        deck = f'<h3 class="deck">{escape(copy.deck)}</h3>' if copy.deck else ""
        byline = f'<p class="byline">{escape(copy.byline)}</p>' if copy.byline else ""
        parts.append(f'<div class="story" id="{copy.story_id}">{kicker}<h2>{escape(copy.title)}</h2>{deck}{byline}\n'
                     f"{blocks_html(copy.blocks)}</div>\n")
    prev_link = f'<a href="node_{node - 1}.htm">上一版</a>' if node > 1 else ""
    next_link = f'<a href="node_{node + 1}.htm">下一版</a>' if node < nodes else ""
    title = f"{outlet.title}電子版 {day:%Y年%m月%d日} 第A{node:02d}版：{section}"
    return (head(outlet, title, outlet.charset) + "<body>\n" + nav(outlet)
            + f'<div class="epaper-head">{escape(title)}</div>\n'
            + f'<div class="pagenav">{prev_link} <a href="index.htm">本期目錄</a> {next_link} '
            + '<a href="/hk/epaper/">往期回顧</a></div>\n'
            + '<div class="layout"><img src="/static/photo.gif" alt="版面圖"></div>\n'
            + "".join(parts) + footer(outlet))


def epaper_toc(outlet: Outlet, day: datetime, sections: list[tuple[str, list[Copy]]]) -> str:
    rows = []
    for number, (section, stories) in enumerate(sections, 1):
        titles = "".join(f"<li>{escape(c.title)}</li>" for c in stories)
        rows.append(f'<li><a href="node_{number}.htm">第A{number:02d}版：{escape(section)}</a><ul>{titles}</ul></li>')
    title = f"{outlet.title}電子版 {day:%Y年%m月%d日} 目錄"
    return (head(outlet, title, outlet.charset) + "<body>\n" + nav(outlet)
            + f'<h2>{escape(title)}</h2>\n<ul class="toc">{"".join(rows)}</ul>\n' + footer(outlet))


def simple_page(outlet: Outlet | None, title: str, body: str, charset: str | None = "utf-8") -> str:
    """Index, e-paper archive, private drafts, slow page...: a title and some HTML."""
    if outlet is None:
        return (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="{charset}">\n'
                f"<title>{escape(title)}</title>\n</head>\n<body>\n<h1>{escape(title)}</h1>\n{body}</body>\n</html>\n")
    return head(outlet, title, charset) + "<body>\n" + nav(outlet) + f"<h2>{escape(title)}</h2>\n{body}" + footer(outlet)


def founder_layout(outlet: Outlet, day: datetime, number: int, sections: list[str],
                   stories: list[tuple[str, str, str]], pdf: str) -> str:
    """A Founder-style 版面 page: the page image, a PagePicMap whose areas link each story's region
    to its ``content_N.htm`` page, the story titles beside it, the edition's pages and the PDF."""
    areas = "".join(f'<area shape="polygon" coords="{coords}" href="{href}?div=-1">' for href, _, coords in stories)
    titles = "".join(f'<li><a href="{href}?div=-1"><div style="display:inline">{escape(title)}</div></a></li>'
                     for href, title, _ in stories)
    pages = "".join(f'<div class="bmname"><a id="pageLink" href="node_{n}.htm">第{n:02d}版：{escape(name)}</a></div>'
                    for n, name in enumerate(sections, 1))
    label = f"第{number:02d}版：{sections[number - 1]}"
    return (head(outlet, f"{outlet.title}数字报", outlet.charset) + "<body>\n" + nav(outlet)
            + f'<div class="date">{day:%Y年%m月%d日}</div>\n<div class="banci">{escape(label)}</div>\n'
            + f'<div class="pdf"><a href="{pdf}">PDF版</a></div>\n'
            + f'<map name="PagePicMap">{areas}</map><img src="/static/photo.gif" usemap="#PagePicMap" alt="">\n'
            + f'<div class="title"><ul>{titles}</ul></div>\n<div class="bmml">{pages}</div>\n' + footer(outlet))


def founder_content(outlet: Outlet, day: datetime, number: int, section: str, copy: Copy) -> str:
    """A Founder-style story page (``content_N.htm``): one story, with the page it was printed on."""
    byline = f'<p class="byline">{escape(copy.byline)}</p>' if copy.byline else ""
    return (head(outlet, f"{outlet.title}数字报-{copy.title}", outlet.charset) + "<body>\n" + nav(outlet)
            + f'<div class="banci"><a href="node_{number}.htm">第{number:02d}版：{escape(section)}</a> '
            + f'{day:%Y年%m月%d日}</div>\n<div class="article">\n<h1>{escape(copy.title)}</h1>{byline}\n'
            + f'<div id="ozoom">{blocks_html(copy.blocks)}</div>\n</div>\n' + footer(outlet))
