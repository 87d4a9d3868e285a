"""The fingerprinting copy of a text: one script, one width, no punctuation, no wire furniture.

The stored text is never touched; this copy only feeds hashes. Measured on 300 THUCNews
articles converted with OpenCC's s2hk / s2tw / s2t and back (see benchmarks/dedup.py): ``hk2s``
alone leaves 373 wrong characters on Taiwan text, ``tw2s`` alone 76 on Hong Kong text; ``tw2s``
then ``hk2s`` leaves 27 / 34 / 27 (under 0.02 % of characters), so both run, in that order.

Wire datelines ("新华社重庆5月25日电"), house bylines ("【香港商报讯】记者…报道：") and credit
lines ("编辑：…", "新华社记者…") differ between copies of one story and repeat across unrelated
stories, so they are cut before hashing: they neither hide a match nor create one. So is
aggregator furniture (menus, snippet lines, runs of three or more short lines such as
related-link titles, and everything after a snapshot footer): it would otherwise swamp a short
story wrapped by an aggregator.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache

import numpy as np
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
# A credit line names people or sources; it holds no clause ("来源：记者从统计局获悉，…" is story).
_CREDIT_LINE = re.compile(
    r"^(?:[(（【\[]?\s*)?(?:(?:责任|实习|值班)?编辑|责编|编审|审核|校对|一审|二审|三审|来源|本文转自|"
    r"原标题|图文|文图|摄影|记者|通讯员|新华社记者|新华社发|图片来源|作者)\s*[:：/]?[^，。！？；,!?;]{0,60}$"
)
_TRAILING_CREDIT = re.compile(r"[(（【\[]\s*(?:完|责任编辑|编辑|记者)[^)）】\]]{0,30}[)）】\]]\s*$")
# Aggregator furniture (seed 004): menu bullets, snippet lines of related links, snapshot footer.
_FURNITURE_LINE = re.compile(
    r"^(?:[•·▪●◆■]\s*\S{0,8}$|(?:\.{3}|…|⋯)|(?:快照|网页快照|更多关于.{0,12}的(?:资讯|新闻)|相关(?:新闻|阅读|链接|报道)|"
    r"推荐阅读|延伸阅读|热门推荐|返回顶部)\s*[:：]?\s*$|.{0,20}(?:发布时间|发布日期)\s*[:：].{0,40}来源\s*[:：]|"
    r"以上内容为.{0,12}快照|快照生成时间|本站信息快照|信息原文地址)"
)
# Where an aggregator's tail begins (everything after is its own): seed 004's snapshot footer
# "以上内容为资讯信息快照,由…爬虫进行采集并收录…", or a bare heading over a related-links block.
_TAIL_START = re.compile(r"^(?:以上内容为.{0,12}快照|快照生成时间)|"
                         r"^(?:(?:网页)?快照|相关(?:新闻|阅读|链接|报道)|推荐阅读|延伸阅读|热门推荐)\s*[:：]?$")
_TIMESTAMP_LINE = re.compile(r"^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")
_DROPPED_LINE = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in (_TIMESTAMP_LINE, _TITLE_LINE, _FURNITURE_LINE)))
_LEAD_CHARS = frozenset("【[(（新中人央国路法美共本")
_CLOSING = frozenset(")）】]")
# Everything but letters, digits and sentence ends goes; sentence ends then split the line.
_SENTENCE_END_CHARS = "。！？!?；;"
_DROP = re.compile(r"[\W_]+")

_PROSE_ENDS = frozenset("。！？!?；;，,：:…”」』")
MAX_CREDIT_LINE = 60
LINK_LIST_MAX_CHARS = 30
LINK_LIST_MIN_RUN = 3


# Code point ranges of CJK ideographs (BMP, compatibility, extensions B-F) checked for conversion.
_CJK_RANGES = ((0x3400, 0x4DC0), (0x4E00, 0xA000), (0xF900, 0xFB00), (0x20000, 0x2A6E0), (0x2A700, 0x2EBF0))


@lru_cache(maxsize=1)
def _converters() -> tuple:
    return tuple(opencc.OpenCC(config) for config in OPENCC_CHAIN)


@lru_cache(maxsize=1)
def _traditional_only() -> np.ndarray:
    """A lookup table over code points: True for the characters the chain changes and never outputs
    (about 4,600), found once by converting every CJK ideograph."""
    chars = [chr(point) for start, stop in _CJK_RANGES for point in range(start, stop)]
    converted = "\n".join(chars)
    for converter in _converters():
        converted = converter.convert(converted)
    after = converted.split("\n")
    # 著 is also a valid Simplified character (著名): it alone does not make a text Traditional.
    traditional = {char for char, new in zip(chars, after) if char != new} - set(after) - {"著"}
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    table[[ord(char) for char in traditional]] = True
    return table


def prepare() -> None:
    """Build the lookup tables now (a pool's forked workers then inherit them instead of each
    building its own)."""
    _traditional_only()
    _kept()
    _ends()


def has_traditional(text: str) -> bool:
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    return bool(_traditional_only()[points].any())


def to_simplified(text: str) -> str:
    """Simplified Chinese for any of Simplified, Traditional, Hong Kong or Taiwan text.

    Text without a single Traditional-only character is returned as is: ten times faster than
    converting it. Every s2hk / s2tw conversion of 1,000 THUCNews articles has such characters;
    92 % of the Simplified originals have none but 著, a valid Simplified character that the
    chain still maps, and which is therefore not counted.
    """
    if not has_traditional(text):
        return text
    for converter in _converters():
        text = converter.convert(text)
    return text


def _clean_line(line: str) -> str:
    line = line.strip()
    if not line or _DROPPED_LINE.match(line):
        return ""
    if len(line) <= MAX_CREDIT_LINE and _CREDIT_LINE.match(line):
        return ""
    if line[0] in _LEAD_CHARS:  # cheap test first: most lines have no byline or dateline
        line = _HOUSE_BYLINE.sub("", line, count=1)
        line = _DATELINE.sub("", line, count=1)
        if _TITLE_LINE.match(line):  # "新华社重庆5月25日电题：…": a headline repeated by the wire
            return ""
    if line and line[-1] in _CLOSING:
        line = _TRAILING_CREDIT.sub("", line)
    return line


@lru_cache(maxsize=1)
def _kept() -> np.ndarray:
    """A lookup table over code points: True for letters, digits, sentence ends and line breaks
    (what a ``[^\\w\\n。！？!?；;]`` regex would keep, without "_"); one numpy gather per text instead
    of that regex (3x faster on CJK text)."""
    table = np.fromiter((chr(point).isalnum() for point in range(sys.maxunicode + 1)), dtype=bool,
                        count=sys.maxunicode + 1)
    table[[ord(char) for char in "\n" + _SENTENCE_END_CHARS]] = True
    table[0xD800:0xE000] = False  # lone surrogates (from hostile text) are not letters
    return table


@lru_cache(maxsize=1)
def _ends() -> np.ndarray:
    table = np.zeros(sys.maxunicode + 1, dtype=bool)
    table[[ord(char) for char in _SENTENCE_END_CHARS]] = True
    return table


def _keep_letters_and_ends(text: str) -> str:
    """Letters, digits and line breaks of ``text``; every sentence end becomes "。"."""
    points = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    points = points[_kept()[points]]
    points[_ends()[points]] = ord("。")
    return points.tobytes().decode("utf-32-le")


def _letters_and_ends(lines: list[str]) -> list[str]:
    """Each line with only letters, digits and sentence ends left: one pass over all lines."""
    joined = _keep_letters_and_ends("\n".join(lines))
    # NFKC after dropping punctuation: ten times faster on CJK text, which is otherwise normalised.
    if not unicodedata.is_normalized("NFKC", joined):
        joined = _keep_letters_and_ends(unicodedata.normalize("NFKC", joined))
    return joined.split("\n")


def _drop_link_lists(paragraphs: list[tuple[tuple[str, ...], bool]]) -> list[tuple[str, ...]]:
    """Runs of short lines (related-link titles, menus, tag lists) are furniture, not story, unless
    most of their lines end a sentence or clause: then they are a story written in short lines."""
    kept: list[tuple[str, ...]] = []
    run: list[tuple[tuple[str, ...], bool]] = []
    for paragraph, prose in paragraphs + [((), False)]:
        if paragraph and sum(map(len, paragraph)) < LINK_LIST_MAX_CHARS:
            run.append((paragraph, prose))
            continue
        if len(run) < LINK_LIST_MIN_RUN or 2 * sum(prose for _, prose in run) >= len(run):
            kept.extend(short for short, _ in run)
        run = []
        if paragraph:
            kept.append(paragraph)
    return kept


def _reads_as_prose(line: str) -> bool:
    """A line that ends a sentence or a clause (link titles and menu entries do not)."""
    stripped = line.rstrip()
    return bool(stripped) and stripped[-1] in _PROSE_ENDS


def _story_lines(text: str) -> list[str]:
    """The lines before an aggregator's tail (snapshot footer, related-links heading)."""
    lines = text.splitlines()
    for number, line in enumerate(lines):
        if _TAIL_START.match(line.strip()):
            return lines[:number]
    return lines


def normalize_paragraphs(text: str) -> list[tuple[str, ...]]:
    """The text's paragraphs as tuples of normalised sentences (empty ones and furniture dropped)."""
    lines = [line for line in _story_lines(to_simplified(text)) if line.strip()]
    cleaned = _letters_and_ends([_clean_line(line) for line in lines])
    paragraphs = [(tuple(filter(None, kept.split("。"))), line)
                  for kept, line in zip(cleaned, lines)]
    return _drop_link_lists([(paragraph, _reads_as_prose(line)) for paragraph, line in paragraphs if paragraph])


def plain_text(text: str) -> str:
    """Letters and digits of the text before an aggregator's tail, in Simplified script: what
    ``normalize`` would keep if no line rule fired (the fallback when those rules leave too little)."""
    return _DROP.sub("", unicodedata.normalize("NFKC", "".join(_story_lines(to_simplified(text)))))


def normalize(text: str) -> str:
    """One string of letters and digits: the copy every fingerprint is computed on.

    Example:
        >>> normalize("【香港商報訊】記者傅博報道：11月3日，會議在深圳舉行。")
        '11月3日会议在深圳举行'
    """
    return "".join("".join(paragraph) for paragraph in normalize_paragraphs(text))
