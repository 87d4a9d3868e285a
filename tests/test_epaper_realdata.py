"""Real e-paper layout pages (../shared/realdata/epaper): each layout page's stories, 版次, 版名 and PDF.

Optional: skipped only when ../shared is absent (the project stands alone without it).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def test_hong_kong_print_edition_web_pages_are_not_taken_for_layouts():
    for name, row in _index().items():
        if row["cms"] == "hk-daily-web":
            assert layout_of(row["url"] or "https://example.hk/", (EPAPER / name).read_bytes().decode("utf-8-sig")) is None
