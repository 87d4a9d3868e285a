"""Titles are headlines: chosen among JSON-LD, og:title, <title> and headings, never a site or section name.

The first pages are shaped like the misses the issue names (an <h1> holding "即時新聞", "中時電子報" or
"ETtoday 新聞雲" while og:title or <title> held the headline); the later ones are real pages trimmed to
their head and headline area (tests/fixtures/titles/SOURCE.md), misses of the held-out title set. The
headline each test expects is written in its input or read off the page, never taken from the code's output.
"""

from __future__ import annotations

import lzma
from pathlib import Path

import pytest

from cleaners.pipeline import clean_html

HEADLINE = "北市公車明年漲價 市民反應不一"
BODY = "<p>" + "台北市政府今天宣布，明年起公車票價調整，市民反應不一，議員要求說明。" * 4 + "</p>"
EPAPER = Path(__file__).resolve().parent / "fixtures" / "epaper"
TITLED = Path(__file__).resolve().parent / "fixtures" / "titles"   # real pages trimmed to head + headline area


def _title(head: str, headings: str) -> str | None:
    html = f"<html><head><meta charset='utf-8'>{head}</head><body>{headings}{BODY}</body></html>"
    document = clean_html(html, "https://news.example.tw/a/1.html").document
    assert document is not None
    return document["title"]


@pytest.mark.parametrize("head,headings", [
    (f"<title>{HEADLINE} - 中時新聞網</title><meta property='og:title' content='{HEADLINE} - 中時新聞網'>", "<h1>即時新聞</h1>"),
    (f"<title>{HEADLINE} | ETtoday新聞雲</title><meta property='og:site_name' content='ETtoday新聞雲'>",
     f"<h1>ETtoday 新聞雲</h1><h2>{HEADLINE}</h2>"),
    (f"<title>{HEADLINE} - 中時電子報</title>", "<h1>中時電子報</h1>"),
    (f"<title>中時電子報</title><meta property='og:title' content='{HEADLINE}'>", "<h1>中時電子報</h1>"),
    (f"<script type='application/ld+json'>{{\"headline\": \"{HEADLINE}\"}}</script><title>自由時報電子報</title>",
     "<h1>即時新聞</h1>"),
    ("<title>即時新聞 - 自由時報</title>", f"<h1>即時新聞</h1><h2>{HEADLINE}</h2>"),
    (f"<title>{HEADLINE}-新华网</title>", ""),           # the site's name glued on without spaces
    (f"<title>{HEADLINE} 丨 山城晨报</title>", ""),       # the separators outlets use besides _ | - – —
    (f"<title>{HEADLINE} · 山城晨报</title>", ""),
])
def test_a_site_or_section_heading_never_beats_the_headline(head, headings):
    assert _title(head, headings) == HEADLINE


def test_a_heading_that_opens_the_declared_title_is_the_headline_without_what_follows_it():
    # A blog: the <title> is the post's title, the blog's name and the platform's ("… @ 某某的家 :: 痞客邦 ::").
    head = "<title>新竹尖石_美樹營地賞楓 (2) @ 史蒂文的家_藍天 :: 痞客邦 PIXNET ::</title>" \
           "<meta property='og:site_name' content='史蒂文的家_藍天'>"
    headings = "<h1>痞客邦 PIXNET</h1><h1>史蒂文的家_藍天</h1><h2>新竹尖石_美樹營地賞楓 (2)</h2>"
    assert _title(head, headings) == "新竹尖石_美樹營地賞楓 (2)"


def test_a_real_story_page_whose_og_title_adds_the_subhead_is_titled_by_its_headline():
    # 晴報: og:title "垃圾徵費欠細節 各界憂執行混亂 擬明年底推 料住宅管理費升1成 - 晴報 - 港聞 - 要聞";
    # the paper's own index links the story as "垃圾徵費欠細節 各界憂執行混亂".
    raw = lzma.decompress((EPAPER / "hk_skypost_2019-04-24_story.html.xz").read_bytes())
    document = clean_html(raw, "https://skypost.ulifestyle.com.hk/article/2333915/").document
    assert document is not None and document["title"] == "垃圾徵費欠細節 各界憂執行混亂"


@pytest.mark.parametrize("page,headline", [
    # <title> "…一块顶十块GPU-EDN 电子技术设计": the site's name, spaces inside it, glued on by a hyphen.
    ("ednchina_glued_hyphen_site.html", "阿里发布最强AI芯片：性能“吊打”同行，一块顶十块GPU"),
    # <title> "中华人民共和国监察法-纪检": a section name no list knows, glued on by a hyphen.
    ("sxmu_glued_hyphen_section.html", "中华人民共和国监察法"),
    # <title> "…开展调研工作 东区办事处_中山网": the section after a space, the site after "_".
    ("zsnews_space_section.html", "顺德区大良街道党工委委员潘卓辉一行到众创金融街开展调研工作"),
    # <title> "【不忘初心 牢记使命】…技能大赛 湖南省中医药研究院附属医院": the site's name after a space.
    ("zyyfy_space_site.html", "【不忘初心 牢记使命】我院医技药剂党支部举办2019年中药、药学理论知识与专业技能大赛"),
])
def test_the_title_part_the_page_shows_as_an_element_is_the_headline_without_the_name_glued_to_it(page, headline):
    # No og:title, no JSON-LD, no <h1>: only the page's own headline element says where the name begins.
    document = clean_html((TITLED / page).read_bytes(), "https://news.example.cn/a/1.html").document
    assert document is not None and document["title"] == headline


def test_a_title_of_names_only_gives_way_to_the_first_lower_heading_that_is_not_a_breadcrumb():
    # 中国地理学会: <title> "新闻动态--中国地理学会官网", breadcrumb <h3> "首页 - 新闻动态", headline in an <h5>.
    document = clean_html((TITLED / "gsc_names_only_title_h5.html").read_bytes(), "https://www.gsc.org.cn/a.html").document
    assert document is not None and document["title"] == "2019年中国人文地理学术年会在重庆•西南大学成功举行！"


def test_a_separator_inside_the_headline_the_page_shows_stays_in_the_title():
    # 扬子晚报: <title> and the page's headline <div> both read "书记市长这一周 | 奋马扬鞭争春色，“虎”力全开向未来";
    # no site name follows the bar, so nothing is cut at it.
    document = clean_html((TITLED / "yangtse_column_bar_in_headline.html").read_bytes(), "https://news.example.cn/a/1.html").document
    assert document is not None and document["title"] == "书记市长这一周 | 奋马扬鞭争春色，“虎”力全开向未来"


def test_a_link_that_shows_the_headlines_first_words_does_not_cut_the_title():
    # A related story's link "北市公車明年漲價" is not where this page's headline ends: link text names another page.
    assert _title(f"<title>{HEADLINE}</title>", "<ul><li><a href='/a/2.html'>北市公車明年漲價</a></li></ul>") == HEADLINE
