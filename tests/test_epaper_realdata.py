"""Real e-paper pages (../shared/realdata/epaper): each layout page's stories, 版次, 版名 and PDF; each
Hong Kong section list's stories, and each Hong Kong story page as one story.

Optional: skipped only when ../shared is absent (the project stands alone without it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaners.epaper import parse_section_list
from cleaners.pipeline import clean_html, parse_html
from crawler.epaper import layout_of

EPAPER = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "epaper"
pytestmark = pytest.mark.skipif(not EPAPER.is_dir(), reason="../shared/realdata/epaper is not present")


def _index() -> dict[str, dict]:
    return {row["file"]: row for row in map(json.loads, (EPAPER / "INDEX.jsonl").read_text("utf-8").splitlines())}


@pytest.mark.parametrize("name,stories,page,pdf", [
    ("kjrb_html_2023-02-10_node_2.htm", 5, ("01", "今日要闻"), True),    # 7 areas, 5 stories (div=0 picture regions)
    ("rmrb_pc-layout_2024-12-25_node_01.html", 7, ("01", "要闻"), True),
])
def test_real_layout_pages_list_their_stories_with_their_place(name, stories, page, pdf):
    row = _index()[name]
    layout = layout_of(row["url"], (EPAPER / name).read_bytes().decode("utf-8-sig"))
    assert layout is not None
    print(name, [(story.title, story.url) for story in layout.stories])   # the stories of each layout page
    assert len(layout.stories) == stories and all(story.title and story.coords for story in layout.stories)
    assert (layout.page_number, layout.page_name) == page and layout.edition_date == row["date"]
    assert bool(layout.pdf and layout.pdf.endswith(".pdf")) == pdf
    assert len(layout.pages) >= 8 and all("content_" in story.url and "div=" not in story.url for story in layout.stories)


def _hk_layout(name: str, url: str | None):
    tree = parse_html((EPAPER / name).read_bytes().decode("utf-8-sig"))
    return parse_section_list(tree, url or "https://example.hk/list.html")


# Counts and first headlines asserted by the dataset's own parser tests (INDEX.jsonl "groundtruth").
KNOWN = {"hk_singtao_daily_2018-08-02_index.html": (13, "美擬加碼徵25%關稅 中方：必然反制"),
         "hk_skypost_2019-04-24_index.html": (22, "垃圾徵費欠細節 各界憂執行混亂")}


def test_hong_kong_section_lists_are_read_into_their_stories():
    for name, row in _index().items():
        if row["cms"] != "hk-daily-web" or row["page_type"] != "index":
            continue
        layout = _hk_layout(name, row["url"])
        assert layout is not None, name
        print(name, layout.page_name, layout.edition_date, [(story.title, story.url) for story in layout.stories])
        titles = {story.url: story.title for story in layout.stories}
        assert len(titles) >= 5 and all(titles.values())
        if name in KNOWN:
            assert (len(layout.stories), layout.stories[0].title) == KNOWN[name]
        for link in row.get("links_to_saved", []):       # the saved story is in the list, under its anchor's headline
            assert link["anchor"] in titles.values(), (name, link["anchor"])


def test_hong_kong_story_pages_are_one_story_each_and_no_list():
    for name, row in _index().items():
        if row["cms"] != "hk-daily-web" or row["page_type"] != "story":
            continue
        url = row["url"] or "https://example.hk/story.html"
        assert _hk_layout(name, url) is None, name
        assert layout_of(url, (EPAPER / name).read_bytes().decode("utf-8-sig")) is None, name
        cleaned = clean_html((EPAPER / name).read_bytes(), url)
        assert cleaned.document is not None and len(cleaned.documents) == 1 and cleaned.document["title"], name


def test_a_saved_story_is_titled_as_its_section_list_links_it():
    for name, row in _index().items():
        for link in row.get("links_to_saved", []):
            story = _index()[link["saved_as"]]
            document = clean_html((EPAPER / link["saved_as"]).read_bytes(), story["url"] or "https://example.hk/s.html").document
            assert document is not None and document["title"] == link["anchor"].strip(), link


# Founder story pages keep their page's map and title list; each is one of the map's stories, not a layout.
# 河南商报's URL is not stored (INDEX "url": null); its own links place it at newpaper.dahe.cn.
FOUNDER_STORIES = {"xzrb_pc-content_2022-02-13_content_128707_story.html": None,
                   "hnsb_html_2022-02-12_content_547409_story.htm":
                       "http://newpaper.dahe.cn/hnsb/html/2022-02/12/content_547409.htm"}


def test_founder_story_pages_are_not_layouts():
    rows = _index()
    assert {name for name, row in rows.items() if row["cms"].startswith("founder") and row["page_type"] == "story"} \
        == set(FOUNDER_STORIES)
    for name, url in FOUNDER_STORIES.items():
        assert layout_of(url or rows[name]["url"], (EPAPER / name).read_bytes().decode("utf-8-sig")) is None, name
