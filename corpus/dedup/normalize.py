"""The fingerprinting copy of a text: one script, one width, no punctuation, no wire furniture.

The stored text is never touched; this copy only feeds hashes. Measured on 300 THUCNews
articles converted with OpenCC's s2hk / s2tw / s2t and back (see benchmarks/dedup.py): ``hk2s``
alone leaves 373 wrong characters on Taiwan text, ``tw2s`` alone 76 on Hong Kong text; ``tw2s``
then ``hk2s`` leaves 27 / 34 / 27 (under 0.02 % of characters), so both run, in that order.

Wire datelines ("新华社重庆5月25日电"), house bylines ("【香港商报讯】记者…报道：") and credit
lines ("编辑：…", "新华社记者…") differ between copies of one story and repeat across unrelated
stories, so they are cut before hashing: they neither hide a match nor create one. So is
aggregator furniture (menus, "快照", snippet lines, runs of three or more short lines such as
related-link titles): it would otherwise swamp a short story wrapped by an aggregator.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

OPENCC_CHAIN = ("tw2s", "hk2s")

# Patterns run on the Simplified form, one line at a time, before punctuation is dropped.
_DATELINE = re.compile(
    r"^(?:[(（【\[]?\s*)?(?:新华社|中新社|中新网|中国新闻社|人民网|央视网|国际在线|路透社|法新社|美联社|共同社|"
    r"本报|本刊|本台|本网)[^。，,:：]{0,20}?(?:电|讯|消息)(?:\s*[)）】\]])?\s*"
    r"(?:[(（]\s*记者[^)）]{0,40}[)）])?\s*[:：]?\s*"
)
_HOUSE_BYLINE = re.compile(r"^【[^】]{1,20}讯】\s*(?:记者[^：:。]{0,40}(?:报道|报导)?[：:])?")
_TITLE_LINE = re.compile(r"^题[：:]")
_CREDIT_LINE = re.compile(
    r"^(?:[(（【\[]?\s*)?(?:(?:责任|实习|值班)?编辑|责编|编审|审核|校对|一审|二审|三审|来源|本文转自|"
    r"原标题|图文|文图|摄影|记者|通讯员|新华社记者|新华社发|图片来源|作者)\s*[:：/]?.{0,60}$"
)
_TRAILING_CREDIT = re.compile(r"[(（【\[]\s*(?:完|责任编辑|编辑|记者)[^)）】\]]{0,30}[)）】\]]\s*$")
# Aggregator furniture (seed 004): menu bullets, snippet lines of related links, snapshot footer.
_FURNITURE_LINE = re.compile(
    r"^(?:[•·▪●◆■]\s*\S{0,8}$|(?:\.{3}|…|⋯)|(?:快照|网页快照|更多关于.{0,12}的(?:资讯|新闻)|相关(?:新闻|阅读|链接|报道)|"
    r"推荐阅读|延伸阅读|热门推荐|返回顶部)\s*[:：]?\s*$|.{0,20}(?:发布时间|发布日期)\s*[:：].{0,40}来源\s*[:：])"
)
_TIMESTAMP_LINE = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DROP = re.compile(r"[\W_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])")

MAX_CREDIT_LINE = 60
LINK_LIST_MAX_CHARS = 30
LINK_LIST_MIN_RUN = 3


@lru_cache(maxsize=1)
def _converters() -> tuple:
    return tuple(opencc.OpenCC(config) for config in OPENCC_CHAIN)


def to_simplified(text: str) -> str:
    """Simplified Chinese for any of Simplified, Traditional, Hong Kong or Taiwan text."""
    for converter in _converters():
        text = converter.convert(text)
    return text


def _clean_line(line: str) -> str:
    line = line.strip()
    if not line or _TIMESTAMP_LINE.match(line) or _TITLE_LINE.match(line) or _FURNITURE_LINE.match(line):
        return ""
    if len(line) <= MAX_CREDIT_LINE and _CREDIT_LINE.match(line):
        return ""
    line = _HOUSE_BYLINE.sub("", line, count=1)
    line = _DATELINE.sub("", line, count=1)
    if _TITLE_LINE.match(line):  # "新华社重庆5月25日电题：…": a headline repeated by the wire
        return ""
    return _TRAILING_CREDIT.sub("", line)


def _normalize_piece(piece: str) -> str:
    piece = _DROP.sub("", piece)
    # NFKC after dropping punctuation: ten times faster on CJK text, which is otherwise normalised.
    if not unicodedata.is_normalized("NFKC", piece):
        piece = _DROP.sub("", unicodedata.normalize("NFKC", piece))
    return piece


def _normalize_paragraph(line: str) -> tuple[str, ...]:
    pieces = (_normalize_piece(piece) for piece in _SENTENCE_END.split(_clean_line(line)))
    return tuple(piece for piece in pieces if piece)


def _drop_link_lists(paragraphs: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Runs of short lines (related-link titles, menus, tag lists) are furniture, not story."""
    kept, run = [], []
    for paragraph in paragraphs + [()]:
        if paragraph and sum(map(len, paragraph)) < LINK_LIST_MAX_CHARS:
            run.append(paragraph)
            continue
        if len(run) < LINK_LIST_MIN_RUN:
            kept.extend(run)
        run = []
        if paragraph:
            kept.append(paragraph)
    return kept


def normalize_paragraphs(text: str) -> list[tuple[str, ...]]:
    """The text's paragraphs as tuples of normalised sentences (empty ones and furniture dropped)."""
    paragraphs = (_normalize_paragraph(line) for line in to_simplified(text).splitlines())
    return _drop_link_lists([paragraph for paragraph in paragraphs if paragraph])


def normalize(text: str) -> str:
    """One string of letters and digits: the copy every fingerprint is computed on.

    Example:
        >>> normalize("【香港商報訊】記者傅博報道：11月3日，會議在深圳舉行。")
        '11月3日会议在深圳举行'
    """
    return "".join("".join(paragraph) for paragraph in normalize_paragraphs(text))
