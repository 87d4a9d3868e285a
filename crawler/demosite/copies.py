"""Which URL, credit, editor line, metadata form and charset each outlet gives its copy of a story."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from crawler.demosite.edits import outlet_copy, to_traditional
from crawler.demosite.faults import FAULTS
from crawler.demosite.outlets import EDITORS, OUTLETS, Outlet
from crawler.demosite.render import Copy
from crawler.demosite.stories import Story

# Seed 004 went out 25 May 15:09; the aggregator's snapshot is dated 26 May 10:09 as in the seed.
SEED004_DELAYS = {"wire": timedelta(), "agg": timedelta(hours=19), "morning": timedelta(hours=20),
                  "hk": timedelta(hours=22)}


def _number(story: Story, index: int) -> int:
    return 7000 + int(story.id[4:7]) if story.id.startswith("seed") else 100000 + index * 7


def article_path(outlet: str, story: Story, index: int, when: datetime) -> str:
    number = _number(story, index)
    if outlet == "wire":
        return f"/wire/{when:%Y-%m}/{when:%d}/c_{1130000000 + number}.htm"
    if outlet == "morning":
        return f"/morning/html/{when:%Y-%m}/{when:%d}/content_{number}.htm"
    if outlet == "hk":
        return f"/hk/news/{when:%Y%m%d}/{number}.html"
    return f"/agg/news/{number}.html"


def _credit(story: Story, outlet: str) -> str | None:
    source = "新华社" if story.id == "seed004" else OUTLETS["wire"].title
    if outlet == story.home:
        return f"来源：{source}" if outlet == "wire" and story.id == "seed004" else None
    if outlet == "agg":
        return f"本文转自:{'新华网' if story.id == 'seed004' else source}"
    if outlet == "hk":
        return to_traditional(f"来源：{source}")
    return f"来源：{source}"


def _editor(outlet: str, rng: random.Random) -> str | None:
    if outlet == "agg":
        return None
    if outlet == "hk":
        return f"責任編輯：{rng.choice(EDITORS['zh-Hant'])}"
    names = rng.sample(EDITORS["zh-Hans"], 3)
    if outlet == "morning":
        return f"编辑：{names[0]} 责编：{names[1]} 审核：{names[2]}"
    return f"责任编辑：{names[0]}"


def _meta_style(outlet: str, count: int) -> tuple[str, str | None]:
    """(metadata form, declared charset) for the ``count``-th article of an outlet."""
    if outlet == "wire":
        return "jsonld", "utf-8"
    if outlet == "agg":
        return "text-only", "utf-8"
    if outlet == "hk":
        return ("jsonld" if count % 2 else "text-only"), "big5"
    return [("og-time", "gb2312"), ("text-only", "gb2312"), ("text-only", None)][count % 3]


def article_encoding(copy: Copy, outlet: Outlet) -> tuple[str, str | None]:
    """(codec the bytes are written with, charset in the Content-Type header) of an article page."""
    if copy.path == FAULTS["charset_declares_gb2312_is_utf8"]:
        return "utf-8", None
    if copy.path == FAULTS["charset_declares_utf8_is_gbk"]:
        return "gbk", "utf-8"
    if outlet.name == "morning":
        return outlet.codec, "gbk" if copy.meta == "og-time" else None
    return outlet.codec, outlet.charset


def _mislabel(copy: Copy) -> Copy:
    """The two articles whose charset declaration lies (see ``FAULTS``) say so in their variant."""
    if copy.path == FAULTS["charset_declares_gb2312_is_utf8"]:
        copy.charset, copy.variant = "gb2312", copy.variant + "+declares-gb2312-is-utf8"
    elif copy.path == FAULTS["charset_declares_utf8_is_gbk"]:
        copy.charset, copy.variant = "utf-8", copy.variant + "+declares-utf8-is-gbk"
    return copy


def make_copies(stories: list[Story], rng: random.Random) -> list[Copy]:
    copies, counts = [], {name: 0 for name in OUTLETS}
    for index, story in enumerate(stories):
        for outlet in story.carriers:
            if story.id.startswith("seed000"):
                continue  # e-paper only: these came from a printed page
            delay = timedelta() if outlet == story.home else timedelta(hours=rng.randint(1, 20), minutes=rng.randrange(60))
            if story.id == "seed004":
                delay = SEED004_DELAYS[outlet]
            when = story.published + delay
            title, blocks, variant = outlet_copy(story, outlet, rng)
            meta, charset = _meta_style(outlet, counts[outlet])
            counts[outlet] += 1
            trad = outlet == "hk"
            copies.append(_mislabel(Copy(
                story_id=story.id, outlet=outlet, path=article_path(outlet, story, index, when), title=title,
                blocks=blocks, variant=variant, published=when, script="zh-Hant" if trad else "zh-Hans",
                topic=to_traditional(story.topic) if trad else story.topic,
                byline=_convert(story.byline, trad), dateline=_convert(_dateline(story, outlet), trad),
                credit=_credit(story, outlet), editor=_editor(outlet, rng), meta=meta, charset=charset,
                deck=story.deck, kicker=story.kicker)))
    return copies


def _dateline(story: Story, outlet: str) -> str | None:
    """The wire's dateline as each desk rewrites it."""
    if not story.dateline or outlet in ("wire", "agg"):
        return story.dateline
    return f"据{story.dateline}" if outlet == "morning" else f"【{story.dateline.split('社')[0]}社電】"


def _convert(text: str | None, trad: bool) -> str | None:
    return to_traditional(text) if text and trad else text
