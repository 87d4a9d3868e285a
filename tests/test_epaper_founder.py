"""Founder story pages keep their page's image map and title list beside the article; they are stories,
not 版面 pages, so the crawler must not follow their map as the stories of a print page."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.epaper import layout_of

FIXTURES = Path(__file__).parent / "fixtures" / "epaper"
XZRB = "http://epaper.chinatibetnews.com/xzrb/202202/13/"     # the page's own <!--enpproperty <url>-->
# 河南商报's URL is not stored with the page; its links (./content_547409.htm, node_219.htm) and its
# templates (newpaper.dahe.cn/hnsb/tplimg/) place it here.
HNSB = "http://newpaper.dahe.cn/hnsb/html/2022-02/12/"


def _page(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8-sig")


@pytest.mark.parametrize("url,name", [
    (XZRB + "content_128707.html", "xzrb_pc-content_2022-02-13_content_128707_story.html"),   # map of 7 areas
    (HNSB + "content_547409.htm", "hnsb_html_2022-02-12_content_547409_story.htm"),          # map of 1 area
])
def test_a_founder_story_page_with_its_pages_map_is_no_layout(url, name):
    html = _page(name)
    assert "PagePicMap" in html          # the map that used to make it a layout page
    assert layout_of(url, html) is None


def test_the_same_map_at_the_layout_url_is_still_the_page_of_its_stories():
    """The map itself still reads as the page's stories where the page is the layout (node_N): the rule
    is the page's own URL among its stories, not the map's presence."""
    layout = layout_of(XZRB + "node_01.html", _page("xzrb_pc-content_2022-02-13_content_128707_story.html"))
    assert layout is not None
    assert [story.url.rsplit("/", 1)[1] for story in layout.stories] == [f"content_{n}.html" for n in range(128704, 128711)]
    assert all(story.coords for story in layout.stories)
