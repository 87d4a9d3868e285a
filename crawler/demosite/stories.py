"""The demo site's stories: seed documents and THUCNews texts, dated and assigned to outlets.

Everything is drawn from ``random.Random`` seeded by the scale, so one scale always gives the same
stories. Past the shipped THUCNews texts, extra stories are stitched from sentences sampled across
the whole pool: incoherent to read, but distinct from each other, which is what a crawl benchmark
and a dedup ground truth need.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Per unit of scale: stories first published by each outlet (seed stories come on top, once).
WIRE_STORIES_PER_SCALE = 36
MORNING_STORIES_PER_SCALE = 14
HK_STORIES_PER_SCALE = 14
# Chance that another outlet republishes a wire story.
REPUBLISH_CHANCE = {"agg": 0.6, "hk": 0.4, "morning": 0.3}
# Publication windows ("a few weeks" each) between 2024-05 and 2025-11.
DATE_WINDOWS = [(datetime(2024, 5, 6), 35), (datetime(2025, 5, 5), 35), (datetime(2025, 10, 20), 30)]

# Seeds 000a, 001 and 004 are three different stories on one subject that share names and figures
# (575亿, 19家, 3500家, 钟永喜): the hard negatives a dedup must keep apart.
SEED_TOPICS = {"seed000a": "渝港合作", "seed001": "渝港合作", "seed004": "渝港合作", "seed000b": "湾区经贸",
               "seed002": "湾区经贸", "seed003": "湾区经贸", "seed000c": "影视", "seed000d": "山东经济"}
REPORTERS = ("王晓峰", "李佳", "张一鸣", "刘思远", "陈静", "赵文涛", "孙悦", "周航")
Block = tuple[str, str]  # (kind, text): kind is "p" paragraph, "h" subheading or "cap" photo caption


@dataclass
class Story:
    """One news story as first published; outlets carry edited copies of it."""

    id: str
    title: str
    blocks: list[Block]
    published: datetime
    home: str
    script: str
    topic: str
    source: str
    byline: str | None = None
    dateline: str | None = None
    deck: str | None = None
    kicker: str | None = None
    carriers: list[str] = field(default_factory=list)

    @property
    def paragraphs(self) -> list[str]:
        return [text for kind, text in self.blocks if kind == "p"]


@lru_cache(maxsize=1)
def _seed_data() -> dict:
    return json.loads((DATA / "seeds.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _thucnews() -> tuple[dict, ...]:
    with gzip.open(DATA / "thucnews.jsonl.gz", "rt", encoding="utf-8") as lines:
        return tuple(json.loads(line) for line in lines)


def related_pool() -> list[dict]:
    """Seed 004's related-links lines (title, snippet, date), reused by the aggregator."""
    return _seed_data()["related"]


def split_sentences(text: str) -> list[str]:
    return [s for s in re.findall(r".+?(?:[。！？!?][”」』]?|$)", text) if s.strip()]


def paragraphs_from(body: str, rng: random.Random) -> list[str]:
    """Cut a run-on THUCNews body into paragraphs of 1-4 sentences."""
    sentences, paragraphs = split_sentences(body), []
    while sentences:
        take = rng.randint(1, 4)
        paragraphs.append("".join(sentences[:take]).strip())
        sentences = sentences[take:]
    return [p for p in paragraphs if p]


def _seed_stories() -> list[Story]:
    stories = []
    for raw in _seed_data()["stories"]:
        hour = 8 + len(stories) % 10
        stories.append(Story(
            id=raw["id"], title=raw["title"], blocks=[tuple(b) for b in raw["blocks"]],
            published=datetime.fromisoformat(raw["date"]) + timedelta(hours=hour, minutes=9),
            home=raw["home"], script="zh-Hant" if raw["home"] == "hk" else "zh-Hans",
            topic=SEED_TOPICS[raw["id"]],
            source=raw["source"], byline=raw.get("byline"), dateline=raw.get("dateline"),
            deck=raw.get("deck"), kicker=raw.get("kicker")))
    return stories


def _random_date(rng: random.Random) -> datetime:
    start, days = rng.choice(DATE_WINDOWS)
    return start + timedelta(days=rng.randrange(days), hours=rng.randint(6, 22), minutes=rng.randrange(60))


def _stitched_text(rng: random.Random) -> tuple[str, str, str]:
    """A title, label and body made of sentences from several THUCNews texts."""
    pool = _thucnews()
    picks = rng.sample(pool, 6)
    sentences = [s for row in picks for s in rng.sample(split_sentences(row["body"]), 3)]
    title = picks[0]["title"][:10] + picks[1]["title"][-8:]
    return title, picks[0]["label"], "".join(sentences)


def _thucnews_story(index: int, home: str, rng: random.Random) -> Story:
    pool = _thucnews()
    if index < len(pool):
        row = pool[index]
        title, label, body, source = row["title"], row["label"], row["body"], f"thucnews:{row['line']}"
    else:
        (title, label, body), source = _stitched_text(rng), "thucnews:stitched"
    byline = f"神州社记者 {rng.choice(REPORTERS)}" if home == "wire" else None
    return Story(id=f"s{index:05d}", title=title, blocks=[("p", p) for p in paragraphs_from(body, rng)],
                 published=_random_date(rng), home=home, script="zh-Hans", topic=label, source=source,
                 byline=byline)


def _group_print_editions(stories: list[Story], per_edition: int = 4) -> None:
    """Give a Hong Kong daily's own stories shared print dates, so each e-paper edition has several."""
    for index, story in enumerate(stories):
        lead = stories[index - index % per_edition].published
        story.published = lead.replace(hour=5, minute=index % per_edition * 7)


def build_stories(scale: int) -> list[Story]:
    """All stories of a site of this scale, each with the outlets that carry it (``carriers``)."""
    rng = random.Random(f"newscorpus-demosite-{scale}")
    stories = _seed_stories()
    homes = (["wire"] * WIRE_STORIES_PER_SCALE + ["morning"] * MORNING_STORIES_PER_SCALE
             + ["hk"] * HK_STORIES_PER_SCALE) * scale
    stories += [_thucnews_story(index, home, rng) for index, home in enumerate(homes)]
    _group_print_editions([s for s in stories if s.home == "hk" and s.source.startswith("thucnews")])
    for story in stories:
        story.carriers = [story.home]
        if story.id == "seed004":
            story.carriers += ["agg", "hk", "morning"]
        elif story.home == "wire":
            story.carriers += [outlet for outlet, chance in REPUBLISH_CHANCE.items() if rng.random() < chance]
    return stories
