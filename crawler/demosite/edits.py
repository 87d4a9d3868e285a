"""Light editing that turns one story into each outlet's copy of it, as desks really do.

A republished copy gets one or two of: a reworded sentence, a dropped paragraph, an added local
paragraph, re-paragraphing. Traditional-script outlets then convert with OpenCC ``s2hk``. The names
of the edits applied are the copy's ``variant`` in the ground truth.
"""

from __future__ import annotations

import random
from functools import lru_cache

import opencc

from crawler.demosite.stories import Block, Story, split_sentences

# Word swaps a sub-editor makes; the first one found in the chosen sentence is applied.
REWORDINGS = [("表示", "指出"), ("目前", "当前"), ("已经", "已"), ("进一步", "更进一步"), ("认为", "指出"),
              ("今年", "本年度"), ("记者", "本报记者"), ("显示", "表明"), ("将", "将会"), ("但", "不过"),
              ("的", "之")]
LOCAL_PARAGRAPHS = {
    "morning": ["记者了解到，围绕“{title}”一事，本市不少市民和企业也十分关注，相关部门表示将持续跟进。",
                "针对“{title}”，本报记者连线了本地业内人士，对方表示此事对重庆相关行业同样具有参考意义。"],
    "hk": ["本港業界人士認為，「{title}」的消息值得香港企業留意，相關機遇有待進一步把握。",
           "就「{title}」一事，本報記者向香港相關商會查詢，對方表示會密切關注事態發展。"],
    "agg": ["编者按：本站转载“{title}”一文，仅供读者参考。"],
}
EDITS = ("reword", "drop_paragraph", "add_local", "reparagraph")


@lru_cache(maxsize=4)
def converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_traditional(text: str) -> str:
    return converter("s2hk").convert(text)


def traditional_blocks(blocks: list[Block]) -> list[Block]:
    """Convert all blocks in one OpenCC call (one call per block is most of the build time)."""
    texts = to_traditional("\n".join(text for _, text in blocks)).split("\n")
    return [(kind, text) for (kind, _), text in zip(blocks, texts)]


def _paragraph_indexes(blocks: list[Block]) -> list[int]:
    return [i for i, (kind, _) in enumerate(blocks) if kind == "p"]


def reword(blocks: list[Block], rng: random.Random, title: str, outlet: str) -> list[Block]:
    candidates = _paragraph_indexes(blocks)
    index = candidates[rng.randrange(len(candidates))]
    sentences = split_sentences(blocks[index][1])
    pick = rng.randrange(len(sentences))
    sentence = sentences[pick]
    for old, new in REWORDINGS:
        if old in sentence:
            sentence = sentence.replace(old, new, 1)
            break
    else:
        clauses = sentence.split("，")
        if len(clauses) > 2:
            clauses[0], clauses[1] = clauses[1], clauses[0]
        sentence = "，".join(clauses)
    sentences[pick] = sentence
    return blocks[:index] + [("p", "".join(sentences))] + blocks[index + 1:]


def drop_paragraph(blocks: list[Block], rng: random.Random, title: str, outlet: str) -> list[Block]:
    candidates = _paragraph_indexes(blocks)[1:]
    if len(candidates) < 3:
        return blocks
    drop = candidates[rng.randrange(len(candidates))]
    return blocks[:drop] + blocks[drop + 1:]


def add_local(blocks: list[Block], rng: random.Random, title: str, outlet: str) -> list[Block]:
    template = rng.choice(LOCAL_PARAGRAPHS.get(outlet, LOCAL_PARAGRAPHS["morning"]))
    return blocks + [("p", template.format(title=title))]


def reparagraph(blocks: list[Block], rng: random.Random, title: str, outlet: str) -> list[Block]:
    """Merge two neighbouring paragraphs, or split one with several sentences."""
    indexes = _paragraph_indexes(blocks)
    index = indexes[rng.randrange(len(indexes))]
    sentences = split_sentences(blocks[index][1])
    if len(sentences) >= 2:
        cut = rng.randrange(1, len(sentences))
        return blocks[:index] + [("p", "".join(sentences[:cut])), ("p", "".join(sentences[cut:]))] + blocks[index + 1:]
    following = [i for i in indexes if i > index]
    if not following:
        return blocks
    other = following[0]
    merged = blocks[index][1] + blocks[other][1]
    return blocks[:index] + [("p", merged)] + [b for i, b in enumerate(blocks) if index < i and i != other]


EDIT_FUNCTIONS = {"reword": reword, "drop_paragraph": drop_paragraph, "add_local": add_local,
                  "reparagraph": reparagraph}


def outlet_copy(story: Story, outlet: str, rng: random.Random) -> tuple[str, list[Block], str]:
    """(title, blocks, variant) of ``story`` as ``outlet`` carries it."""
    title, blocks = story.title, list(story.blocks)
    if outlet == story.home:
        variants = ["original"]
    elif outlet == "agg":
        variants = ["verbatim"] if rng.random() < 0.5 else ["add_local"]
    else:
        variants = sorted(rng.sample(EDITS, rng.choice((1, 2))), key=EDITS.index)
    for name in variants:
        if name in EDIT_FUNCTIONS:
            blocks = EDIT_FUNCTIONS[name](blocks, rng, title, outlet)
    if outlet == "hk" and story.script == "zh-Hans":
        title, blocks = to_traditional(title), traditional_blocks(blocks)
        variants.append("s2hk")
    return title, blocks, "+".join(variants)
