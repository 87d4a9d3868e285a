"""A labelled near-duplicate set built from real Chinese news text, deterministically.

Run as a script to write the small set the tests use (``tests/fixtures/dedup/labelled.jsonl``);
``benchmarks/dedup.py`` builds the large one from ``../shared`` at run time.

Bases (real text): THUCNews sample lines, hand-cleaned gold texts of the Chinese web content
extraction dataset, the five seeds. Each base is a *story*; its copies are made the ways copies
differ in the wild: script conversion (OpenCC s2hk / s2tw / s2t, and hk2s for Traditional
bases), aggregator wrapping (header, "本文转自" reprint line, snapshot footer, related links
quoting other stories), wire datelines and credit lines, light edits, truncation,
re-paragraphing and re-punctuation, a dropped paragraph under the same headline, and combinations.

Hard negatives: a different story of the same category with a few sentences (figures
included) copied in from another; seeds 001 and 004 (same topic and figures, different stories);
natural THUCNews pairs checked by eye (see ``NATURAL``). Multi-story "e-paper pages" hold
several stories: they are flagged containments, never duplicates (``contains`` lists them).

Hard classes (``HARD_CLASSES``, issue 13), from digit-dense THUCNews stories reserved for them:
daily editions of a number-dense report (figures and dates changed, other days: other stories),
templated documents (two brochures of one school), same-day revisions (one story), re-titled
reprints dropping a fifth of the sentences, OCR-noisy Traditional reprints stored first on the
same day as the original and a clean copy, and stories set in short lines.

Every row: url, text, title, published, source (outlet), script, story, variant, cls (its class,
"base" for the rest), for templated rows ``template``, and for pages ``contains``. Pairs of rows
with the same ``story`` are duplicates; all other pairs are not.
"""

from __future__ import annotations

import json
import random
import re
import sys
import zlib
from datetime import datetime, timedelta
from pathlib import Path

import opencc

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
THUCNEWS = SHARED / "realdata/thucnews-sample/data/cnews/cnews.val.txt"
GOLD = SHARED / "realdata/chinese-web-content-extraction-dataset/cleaned"
SEEDS = SHARED / "seeds"
FIXTURE = Path(__file__).resolve().parents[2] / "tests/fixtures/dedup/labelled.jsonl"

# THUCNews lines (1-based) by eye, from HELPER_near_dup_candidates.tsv.
NATURAL_SAME_STORY = [(221, 407), (689, 697, 201, 469, 956)]  # a re-titled repost; one templated price note
NATURAL_DIFFERENT = [(32, 359), (253, 705), (384, 595), (698, 737), (541, 648)]   # same topic, other story
# Ambiguous (96/97: two price notes, other prices, other headlines), a report holding a shorter
# one under another headline (361 in 66, 303/985, 395/636: containments, not copies), a text
# repeating itself (14).
NATURAL_EXCLUDED = {96, 97, 361, 66, 384, 441, 303, 985, 395, 636, 14}

_SENTENCE = re.compile(r"(?<=[。！？!?])")
_CC = {name: opencc.OpenCC(name) for name in ("s2hk", "s2tw", "s2t", "hk2s")}


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s.strip()]


def paragraphs(text: str, rng: random.Random, per: tuple[int, int] = (2, 4)) -> str:
    """Split one-line text into paragraphs of a few sentences (THUCNews has no breaks)."""
    parts, current = [], []
    for sentence in sentences(text):
        current.append(sentence.strip())
        if len(current) >= rng.randint(*per):
            parts.append("".join(current))
            current = []
    if current:
        parts.append("".join(current))
    return "\n".join(parts)


# Variants ---------------------------------------------------------------------------------------

def v_script(text: str, config: str) -> str:
    return _CC[config].convert(text)


def v_aggregator(text: str, title: str, rng: random.Random, others: list[tuple[str, str]], date: str) -> str:
    """An aggregator's copy: menu and header, reprint line, then either seed 004's snapshot footer
    or a bare "快照" marker, and a related-links list quoting other stories."""
    links = []
    for other_title, other_text in rng.sample(others, k=min(len(others), rng.randint(4, 10))):
        snippet = other_text[rng.randint(0, 40):][:rng.randint(50, 100)]
        links.append(f"{other_title}\n{rng.choice(['...', ''])}{snippet}\n{date} {rng.randint(6, 22):02d}:{rng.randint(0, 59):02d}:00")
    head = f"• 我的订阅\n  • 国内\n\n{title}\n\n类别:国内 发布时间:{date} 10:09:00 来源:每日看点快看\n\n本文转自:新华网\n\n"
    if rng.random() < 0.5:
        footer = ("以上内容为资讯信息快照,由td.example.cc爬虫进行采集并收录,本站未对信息做任何修改,信息内容不代表本站立场。\n"
                  f"快照生成时间:{date} 11:45:06\n本站信息快照查询为非营利公共服务,如有侵权请联系我们进行删除。\n信息原文地址:\n")
    else:
        footer = "快照\n"
    return head + text + "\n\n" + footer + "\n".join(links) + "\n更多关于国内的资讯:"


def v_dateline(text: str, rng: random.Random, date: datetime) -> str:
    city = rng.choice(["北京", "重庆", "上海", "广州", "深圳"])
    lead = rng.choice([
        f"新华社{city}{date.month}月{date.day}日电（记者 {rng.choice(['李晓婷', '周思宇', '王磊'])}）",
        f"【香港商报讯】记者{rng.choice(['傅博', '何璋', '陈静'])}报道：",
        f"本报讯（记者 {rng.choice(['赵佳乐', '刘洋'])}）",
        f"中新网{city}{date.month}月{date.day}日电 ",
    ])
    tail = rng.choice(["（完）", "\n编辑：张伟 责编：吴磊", "\n(责任编辑：李明)", "\n新华社记者 王晨 摄", ""])
    return lead + text + tail


def v_light_edit(text: str, rng: random.Random) -> str:
    parts = sentences(text)
    short = [i for i in range(1, len(parts)) if len(parts[i]) < len(text) / 10]
    if len(parts) > 6 and short:
        del parts[rng.choice(short)]
    for _ in range(max(1, len(parts) // 8)):
        i = rng.randrange(len(parts))
        s = parts[i]
        if len(s) > 10:
            j = rng.randrange(len(s) - 4)
            parts[i] = s[:j] + rng.choice(["据悉，", "同时，", "此外", "记者了解到，", "的"]) + s[j + 2:]
    return "".join(parts)


def v_truncate(text: str, rng: random.Random) -> str:
    """Cut after 75-92 % of the characters, at the end of that sentence."""
    cut = round(len(text) * rng.uniform(0.75, 0.92))
    end = min((m.end() for m in re.finditer(r"[。！？!?]", text) if m.end() >= cut), default=len(text))
    return text[:end]


def v_drop_paragraph(text: str, rng: random.Random) -> str:
    """A desk drops one paragraph (not the lead, at most 40 % of the text); the headline stays."""
    parts = text.split("\n")
    droppable = [i for i in range(1, len(parts)) if len(parts[i]) <= 0.4 * len(text)]
    if len(parts) < 3 or not droppable:
        return text
    del parts[rng.choice(droppable)]
    return "\n".join(parts)


def v_repunctuate(text: str, rng: random.Random) -> str:
    table = str.maketrans({"，": ", ", "。": ". ", "“": "\"", "”": "\"", "：": ": ", "（": "(", "）": ")"})
    return paragraphs(text.translate(table) if rng.random() < 0.7 else text, rng, (1, 3))


# Bases ------------------------------------------------------------------------------------------

def load_bases() -> list[dict]:
    """Real texts as stories: id, title, text (one line or paragraphs), category, script."""
    bases = []
    for number, line in enumerate(THUCNEWS.read_text("utf-8").splitlines(), start=1):
        label, text = line.split("\t", 1)
        bases.append({"id": f"thuc{number:04d}", "line": number, "category": label, "script": "zh-Hans",
                      "title": text[:18], "text": text.strip()})
    for path in sorted(GOLD.glob("*.txt")):
        text = path.read_text("utf-8").strip()
        if len(text) >= 200:
            bases.append({"id": f"gold-{path.stem[:8]}", "category": "gold", "script": "zh-Hans",
                          "title": text[:18], "text": text})
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text("utf-8").strip()
        script = "zh-Hant" if path.name[:3] in ("000", "002", "003") else "zh-Hans"
        bases.append({"id": f"seed{path.name[:3]}", "category": "seed", "script": script,
                      "title": text.splitlines()[0].lstrip("#• ").strip()[:30], "text": text})
    return bases


OUTLETS = {"zh-Hans": ["新华社", "重庆晨报", "新浪新闻"], "zh-Hant": ["香港商报", "联合报", "大公报"]}


def _row(story: str, variant: str, text: str, title: str, outlet: str, script: str, published: datetime) -> dict:
    host = zlib.crc32(f"{story}/{variant}".encode()) % 97
    return {"url": f"https://site{host:02d}.example.org/{story}/{variant}.html",
            "text": text, "title": title, "published": published.isoformat(), "source": outlet,
            "script": script, "story": story, "variant": variant}


def _variants(base: dict, rng: random.Random, others: list[tuple[str, str]], start: datetime) -> list[dict]:
    """The base itself plus 0-5 copies of it."""
    story, title, script = base["id"], base["title"], base["script"]
    text = base["text"] if "\n" in base["text"] else paragraphs(base["text"], rng)
    rows = [_row(story, "original", text, title, rng.choice(OUTLETS[script]), script, start)]
    recipes = ["hk", "tw", "t", "agg", "dateline", "edit", "trunc", "repunct", "hk+dateline", "tw+edit",
               "agg+trunc", "hk+agg", "drop", "hk+drop"] if script == "zh-Hans" else ["hk2s", "hk2s+dateline", "edit", "trunc", "agg"]
    for recipe in rng.sample(recipes, k=rng.choice([0, 1, 1, 2, 3, 5])):
        copy, copy_script = text, script
        for step in recipe.split("+"):
            if step in ("hk", "tw", "t"):
                copy, copy_script = v_script(copy, f"s2{step}"), "zh-Hant"
            elif step == "hk2s":
                copy, copy_script = v_script(copy, "hk2s"), "zh-Hans"
            elif step == "agg":
                copy = v_aggregator(copy, title, rng, others, (start + timedelta(days=1)).date().isoformat())
            elif step == "dateline":
                copy = v_dateline(copy, rng, start)
            elif step == "edit":
                copy = v_light_edit(copy, rng)
            elif step == "drop":
                copy = v_drop_paragraph(copy, rng)
            elif step == "trunc":
                copy = v_truncate(copy, rng)
            elif step == "repunct":
                copy = v_repunctuate(copy, rng)
        outlet = rng.choice(OUTLETS[copy_script]) if "agg" not in recipe else "每日看点"
        published = start + timedelta(hours=rng.randint(0, 60))
        rows.append(_row(story, recipe, copy, title, outlet, copy_script, published))
    return rows


def _same_topic_negative(base: dict, donor: dict, rng: random.Random, start: datetime, index: int) -> dict:
    """``base``'s story with two sentences (figures preferred) of ``donor``'s: still ``base``'s story."""
    budget = len(base["text"]) * 0.15
    donated = [s for s in sorted(sentences(donor["text"]), key=lambda s: (-len(re.findall(r"\d", s)), rng.random()))
               if len(s) <= budget][:2]
    parts = sentences(base["text"])
    for sentence in donated:
        parts.insert(rng.randrange(len(parts) + 1), sentence)
    return _row(base["id"], f"shares-phrases-{index}", paragraphs("".join(parts), rng), base["title"],
                rng.choice(OUTLETS[base["script"]]), base["script"], start)


def _page(stories: list[dict], rng: random.Random, index: int, start: datetime) -> dict:
    """A multi-story e-paper page in Traditional script holding ``stories`` (a containment, not a copy)."""
    text = "\n\n".join(f"{s['title']}\n{v_script(s['text'], 's2hk')}" for s in stories)
    title = f"香港商報電子版 {start:%Y年%m月%d日} 第A{index % 20 + 1:02d}版：要聞"
    row = _row(f"page{index:03d}", "epaper-page", text, title, "香港商报", "zh-Hant", start)
    row["contains"] = [s["id"] for s in stories]
    return row


def _seed_story_extracts(bases: list[dict], start: datetime) -> list[dict]:
    """One story cut out of each multi-story e-paper seed (000, 002), in Simplified: contained, not a copy."""
    rows = []
    for base in bases:
        if base["id"] in ("seed000", "seed002"):
            parts = [p for p in base["text"].splitlines() if len(p) > 40]
            story = "\n".join(parts[1:7])
            row = _row(f"{base['id']}-extract", "story-from-page", v_script(story, "hk2s"), parts[1][:18],
                       "新华社", "zh-Hans", start)
            rows.append(row)
            rows[-1]["contained_in"] = base["id"]
    return rows


# Hard classes (issue 13) ----------------------------------------------------------------------------
# Built from THUCNews lines reserved for them (never used as ordinary stories). Every row carries
# ``cls`` (its class; "base" for the rest) and, for templated rows, ``template`` (rows sharing it are
# one template's different stories: they must stay apart).

HARD_CLASSES = ("edition", "template", "revision", "retitled", "noisy", "short-lines")
_YEAR = re.compile(r"(?:19|20)\d\d(?=年)")
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
# Look-alike characters OCR confuses (and a few frequent substitutions of any kind).
_OCR = dict(zip("己已未末日曰人入土士千干天夫大太王玉白自田由甲申旦目刀力儿几八入万方",
                "已己末未曰日入人士土干千夫天太大玉王自白由田申甲目旦力刀几儿入八方万"))


def _digit_dense(bases: list[dict]) -> list[dict]:
    """THUCNews stories with at least 15 figures, 400-2,500 characters: daily-report material."""
    return [b for b in bases if b.get("line") and 400 <= len(b["text"]) <= 2500
            and len(_NUMBER.findall(b["text"])) >= 15]


def v_new_figures(text: str, rng: random.Random, share: float, shift_days: int = 0) -> str:
    """Another day's figures: each number (years aside) changed with probability ``share``; dates in
    the text moved by ``shift_days``."""
    def figure(match: re.Match) -> str:
        value = match.group(0)
        if _YEAR.fullmatch(value) or rng.random() >= share:
            return value
        if "." in value:
            return f"{float(value) * rng.uniform(0.7, 1.3):.{len(value.split('.')[1])}f}"
        number = int(value)
        return str(max(0, number + rng.choice([-1, 1]) * max(1, round(number * rng.uniform(0.05, 0.3)))))

    def day(match: re.Match) -> str:
        month, date = int(match.group(1)), int(match.group(2))
        moved = datetime(2024, month, min(date, 28)) + timedelta(days=shift_days)
        return f"{moved.month}月{moved.day}日"

    text = re.sub(r"(\d{1,2})月(\d{1,2})日", day, text) if shift_days else text
    parts = re.split(r"(\d{1,2}月\d{1,2}日)", text)  # dates already moved stay as they are
    return "".join(part if i % 2 else _NUMBER.sub(figure, part) for i, part in enumerate(parts))


def v_ocr_noise(text: str, rng: random.Random, rate: float) -> str:
    """OCR debris: look-alike characters swapped, a few ideographs misread as others, stray marks."""
    out = []
    for char in text:
        roll = rng.random()
        if roll < rate and "\u4e00" <= char <= "\u9fff":
            out.append(_OCR.get(char) or chr(0x4E00 + rng.randrange(0x51A5)))
        elif roll < rate * 1.1:
            out.append(char + rng.choice("·丶'"))
        else:
            out.append(char)
    return "".join(out)


def v_drop_sentences(text: str, rng: random.Random, share: float = 0.2) -> str:
    """A regional reprint: about ``share`` of the sentences (never the lead) dropped, here and there."""
    parts = sentences(text)
    if len(parts) < 6:
        return text
    dropped = set(rng.sample(range(1, len(parts)), k=max(1, round(len(parts) * share))))
    return "".join(part for i, part in enumerate(parts) if i not in dropped)


def v_short_lines(text: str, punctuated: bool) -> str:
    """The story set as short lines (a notice, verse, a list of items): one clause per line."""
    clauses = [c for c in re.split(r"(?<=[，。；！？、])", text.replace("\n", "")) if c.strip()]
    lines = []
    for clause in clauses:
        while len(clause) > 24:
            lines.append(clause[:24])
            clause = clause[24:]
        lines.append(clause)
    if not punctuated:
        lines = [re.sub(r"[，。；！？、：“”]", "", line) for line in lines]
    return "\n".join(line for line in lines if line)


def _hard(cls: str, row: dict, template: str | None = None) -> dict:
    row = {**row, "cls": cls}
    if template:
        row["template"] = template
    return row


def hard_rows(bases: list[dict], rng: random.Random, start: datetime) -> list[dict]:
    """Rows of the hard classes, about equal numbers of each, from ``bases`` (reserved, digit-dense)."""
    rows: list[dict] = []
    per = max(1, len(bases) // len(HARD_CLASSES))
    for i, base in enumerate(bases):
        cls = HARD_CLASSES[min(i // per, len(HARD_CLASSES) - 1)]
        day = start + timedelta(days=i % 50, hours=i % 5)
        story, title, text = base["id"], base["title"], paragraphs(base["text"], rng)
        wire, paper, hk = "新华社", rng.choice(["重庆晨报", "新浪新闻"]), rng.choice(OUTLETS["zh-Hant"])
        if cls == "edition":
            # Daily editions of one report: figures and dates change, published on consecutive days;
            # each edition has its own same-day reprint.
            for k in range(3):
                edition = text if k == 0 else v_new_figures(text, rng, rng.choice([0.3, 0.6, 0.9]), shift_days=k)
                published = day + timedelta(days=k)
                rows.append(_hard(cls, _row(f"{story}-ed{k}", "edition", edition, title, paper, "zh-Hans", published),
                                  story))
                rows.append(_hard(cls, _row(f"{story}-ed{k}", "edition-reprint", v_dateline(edition, rng, published),
                                            title, wire, "zh-Hans", published + timedelta(hours=2)), story))
        elif cls == "template":
            # Two documents of one template (two brochures of one school, two schedules): other
            # figures, a few other names, published on other days.
            other = v_new_figures(text, rng, 1.0)
            names = rng.sample("华明东南北海新光启华文德", 3)
            other = re.sub(r"[市区县校院]", lambda m: names[rng.randrange(3)] + m.group(0), other, count=4)
            rows.append(_hard(cls, _row(f"{story}-a", "template-a", text, title, paper, "zh-Hans", day), story))
            rows.append(_hard(cls, _row(f"{story}-b", "template-b", other, title, paper, "zh-Hans",
                                        day + timedelta(days=rng.randint(3, 40))), story))
        elif cls == "revision":
            # One story revised the same day with updated figures: one story, the latest preferred.
            rows.append(_hard(cls, _row(story, "first-version", text, title, paper, "zh-Hans", day)))
            rows.append(_hard(cls, _row(story, "revised", v_new_figures(text, rng, 0.3), title, paper, "zh-Hans",
                                        day + timedelta(hours=3))))
        elif cls == "retitled":
            # A regional reprint dropping a fifth of the sentences under its own headline.
            rows.append(_hard(cls, _row(story, "original", text, title, wire, "zh-Hans", day)))
            shortened = paragraphs(v_drop_sentences(base["text"], rng, 0.28), rng)
            rows.append(_hard(cls, _row(story, "retitled-reprint", shortened, "本地关注：" + title[::-1][:12], paper,
                                        "zh-Hans", day + timedelta(days=1))))
        elif cls == "noisy":
            # Same day: an OCR-noisy Traditional reprint stored first, then the original and a clean copy.
            noisy = v_ocr_noise(v_script(text, "s2hk"), rng, 0.045)
            rows.append(_hard(cls, _row(story, "ocr-noisy-hk", noisy, title, hk, "zh-Hant", day)))
            rows.append(_hard(cls, _row(story, "original", text, title, paper, "zh-Hans", day + timedelta(hours=1))))
            rows.append(_hard(cls, _row(story, "clean-copy", v_light_edit(v_dateline(text, rng, day), rng), title,
                                        paper, "zh-Hans", day + timedelta(hours=2))))
        else:
            # A story in short lines, with and without punctuation, and a Hong Kong reprint.
            punctuated = i % 2 == 0
            lines = v_short_lines(base["text"], punctuated)
            rows.append(_hard(cls, _row(story, "short-lines", lines, title, paper, "zh-Hans", day)))
            rows.append(_hard(cls, _row(story, "short-lines-hk", v_script(lines, "s2hk"), title, hk, "zh-Hant",
                                        day + timedelta(hours=5))))
    return rows


def build(size: str = "large", seed: int = 20240525) -> list[dict]:
    """The labelled rows: ``"small"`` (about 150 documents) or ``"large"`` (about 3,000)."""
    rng = random.Random(seed)
    bases = [b for b in load_bases() if b.get("line") not in NATURAL_EXCLUDED and len(b["text"]) >= 150]
    natural_lines = {line for group in NATURAL_SAME_STORY + NATURAL_DIFFERENT for line in group}
    # Every fourth digit-dense story is reserved for the hard classes (not an ordinary story too).
    reserved = _digit_dense([b for b in bases if b.get("line") not in natural_lines])[::4]
    reserved_ids = {b["id"] for b in reserved}
    bases = [b for b in bases if b["id"] not in reserved_ids]
    natural = {line for group in NATURAL_SAME_STORY + NATURAL_DIFFERENT for line in group}
    by_line = {b["line"]: b for b in bases if "line" in b}
    for group in NATURAL_SAME_STORY:  # one story id for a natural near-duplicate group
        for line in group[1:]:
            by_line[line]["id"] = by_line[group[0]]["id"]
    if size == "small":
        pool = [b for b in bases if b["category"] == "seed" or b.get("line") in natural]
        pool += rng.sample([b for b in bases if b.get("line") and b["line"] not in natural], 40)
        pool += rng.sample([b for b in bases if b["category"] == "gold"], 5)
    else:
        pool = bases
    others = [(b["title"], b["text"]) for b in bases]
    rows: list[dict] = []
    start = datetime(2024, 5, 1, 8, 0)
    for i, base in enumerate(pool):
        day = start + timedelta(days=i % 60, minutes=i)
        if base.get("line") in natural:
            rows.append(_row(base["id"], f"natural-{base['line']}", paragraphs(base["text"], rng), base["title"],
                             "新浪新闻", "zh-Hans", day))
            continue
        rows.extend(_variants(base, rng, others, day))
    same_category = [b for b in pool if b["category"] not in ("seed", "gold") and b.get("line") not in natural]
    wanted, made = len(pool) // 6, 0
    while made < wanted:
        base, donor = rng.sample(same_category, 2)
        if donor["category"] == base["category"]:
            rows.append(_same_topic_negative(base, donor, rng, start + timedelta(days=made % 60), made))
            made += 1
    rows.extend(_seed_story_extracts(bases, start))
    page_pool = [b for b in same_category if 300 <= len(b["text"]) <= 1500]
    for i in range(max(2, len(pool) // 40)):
        rows.append(_page(rng.sample(page_pool, 3), rng, i, start + timedelta(days=i)))
    rows = [{**row, "cls": "base"} for row in rows]
    hard = reserved if size == "large" else reserved[: 3 * len(HARD_CLASSES)]
    return rows + hard_rows(hard, random.Random(seed + 1), start)


def main() -> None:
    rows = build("small")
    FIXTURE.parent.mkdir(parents=True, exist_ok=True)
    with FIXTURE.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows, {len({r['story'] for r in rows})} stories -> {FIXTURE}", file=sys.stderr)


if __name__ == "__main__":
    main()
