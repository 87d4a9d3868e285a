"""Hong Kong print editions published as web pages: a section list read into its stories, each story
page into its story (fixtures: 東方日報 要聞港聞 of 2020-08-09 and one of its stories, tests/fixtures/epaper).

The expected headlines are read off the saved pages (the list's first items, and the anchor the
dataset's INDEX records for the saved story), not taken from the code's output.
"""

from __future__ import annotations

import lzma
from pathlib import Path

from cleaners.epaper import HINT_PREFIX
from cleaners.pipeline import clean_html
from crawler.epaper import layout_of

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "epaper"
INDEX_URL = "https://orientaldaily.on.cc/cnt/news/index.html"      # the saved list page's URL was not recorded
STORY_URL = "https://orientaldaily.on.cc/cnt/news/20200809/00174_001.html"


def _page(name: str) -> str:
    return (FIXTURES / name).read_bytes().decode("utf-8")


def test_a_section_list_is_read_into_its_stories_with_section_and_edition():
    layout = layout_of(INDEX_URL, _page("hk_orientaldaily_2020-08-09_index.html"))
    assert layout is not None
    assert (layout.page_name, layout.edition_date, layout.page_number) == ("要聞港聞", "2020-08-09", None)
    titles = [story.title for story in layout.stories]
    assert titles[:3] == ["街市重開 鼠患不改", "市民防疫三寶闖街市 商戶呻人流少生意減", "沙田街市檔販確診 鼠群洶湧而出"]
    assert layout.stories[0].url == STORY_URL
    assert len(set(titles)) == len(titles) >= 20          # one entry per story, headlines not teasers
    assert all(story.url.startswith("https://orientaldaily.on.cc/cnt/news/20200809/") for story in layout.stories)
    hints = layout.stories[0].hints(layout, 1)
    assert hints[HINT_PREFIX + "page_name"] == "要聞港聞" and hints[HINT_PREFIX + "layout"] == INDEX_URL
    assert hints[HINT_PREFIX + "edition"] == "2020-08-09" and hints[HINT_PREFIX + "story"] == "1"


def test_a_story_page_is_one_story_and_no_list():
    html = _page("hk_orientaldaily_2020-08-09_story.html")
    assert layout_of(STORY_URL, html) is None          # its sidebar links other stories; it is one of them
    cleaned = clean_html(html, STORY_URL, "orientaldaily")
    assert len(cleaned.documents) == 1 and cleaned.document["title"] == "街市重開 鼠患不改"
    text = cleaned.document["text"]
    assert "大鼠戊肝和新冠肺炎夾擊" in text
    # The paper prints each subheaded section in a box of its own: sections of the story, not appended stories.
    assert "九龍城區議員任國棟到紅磡街市後稱" in text and "appended-stories" not in cleaned.document["extra"]["rules"]
    assert cleaned.document["published"].startswith("2020-08-09")


def test_a_story_followed_from_its_section_list_keeps_its_place():
    layout = layout_of(INDEX_URL, _page("hk_orientaldaily_2020-08-09_index.html"))
    cleaned = clean_html(_page("hk_orientaldaily_2020-08-09_story.html"), STORY_URL, "orientaldaily",
                         hints=layout.stories[0].hints(layout, 1))
    document = cleaned.document
    assert document["page_name"] == "要聞港聞" and document["page_url"] == INDEX_URL and document["story_index"] == 1
    assert document["extra"]["epaper"]["edition"] == "2020-08-09"


SKYPOST_URL = "https://skypost.ulifestyle.com.hk/sras001"


def _skypost_index() -> str:
    return lzma.decompress((FIXTURES / "hk_skypost_2019-04-24_index.html.xz").read_bytes()).decode("utf-8")


def test_a_list_headed_as_a_print_section_is_followed_though_its_urls_say_nothing():
    """晴報's 港聞 list (/sras001, stories at /article/<id>/) is headed "日報-港聞"; count and first
    headline are those the dataset's own parser test asserts (SkyPostParserTest)."""
    layout = layout_of(SKYPOST_URL, _skypost_index())
    assert layout is not None and layout.page_name == "港聞"
    assert (len(layout.stories), layout.stories[0].title) == (22, "垃圾徵費欠細節 各界憂執行混亂")
    assert layout.stories[0].url.startswith("https://skypost.ulifestyle.com.hk/article/2333915/")


def test_the_same_list_without_the_print_heading_is_not_taken_for_a_print_edition():
    html = _skypost_index().replace('<span class="chi-title">日報-港聞</span>', '<span class="chi-title">港聞</span>')
    assert "日報-港聞" not in html
    assert layout_of(SKYPOST_URL, html) is None
