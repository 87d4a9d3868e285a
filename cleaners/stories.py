"""Split a page's text into its stories: an e-paper page holds several, an article page one.

Works on the cleaned lines (one paragraph per line), so it serves saved text (the seeds), trafilatura
output and the text of HTML story containers alike. A page is cut into *segments* (a run of
headline-like lines and the body paragraphs after it, or a body opened by a dateline such as
"【香港商報訊】" or "新华社北京5月25日电"); a segment starts a new story when its body opens with a
dateline, or when it is long and shares little vocabulary with the story so far (a section
subhead inside a story shares its words, the next story on the page does not). When the split is
not confident the page stays whole, with the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from math import sqrt

STORIES_MIN_BODY_CHARS = 200        # a segment shorter than this never starts a story of its own
STORIES_MAX_SIMILARITY = 0.12       # bigram cosine with the story so far below which a headed segment is new
STORIES_MAX_HEADING_CHARS = 40

_HAN = re.compile(r"[\u3400-\u9fff]")
_ENDS_SENTENCE = re.compile(r"[。！？!?；;，,：:、…”」』]$")
_INNER_STOP = re.compile(r"[。！？!?]")
_BYLINE_LINE = re.compile(r"^(本報記者|本报记者|記者|记者|通訊員|通讯员|文/|文／|文\s|撰文)")
# Numbered section headings ("1.3. 淘宝网简介", "二、", "（一）", "第三章") structure one document.
_NUMBERED = re.compile(r"^(?:\d+(?:\.\d+)*[.、．]?\s|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[)）]|第[一二三四五六七八九十\d]+[章节節部])")
_DATE_LINE = re.compile(r"^\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$")
# A dateline opens a story: "【香港商報訊】", "本報訊", "新华社重庆5月25日电", "中新网北京5月1日电".
DATELINE = re.compile(
    r"^[【\[（(]?\s*[^】\]）)\s]{0,12}(?:訊|讯)\s*[】\]）)]"
    r"|^(?:本報|本报)(?:訊|讯)"
    r"|^(?:新华社|新華社|中新社|中新网|中新網|央视网|央視網|人民网|人民網)[^，,。]{0,16}(?:电|電)"
    r"|^(?:本報|本报)?(?:記者|记者)[^，,。：:]{1,24}(?:報道|报道|報導)[：:]")


@dataclass
class Story:
    """One story of a page: its headline lines (the first is its title) and its body paragraphs."""

    headings: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)

    @property
    def title(self) -> str | None:
        return self.headings[0].lstrip("# ").strip() if self.headings else None

    @property
    def lines(self) -> list[str]:
        return self.headings[1:] + self.body if self.headings else self.body


@dataclass
class Split:
    """The stories found, in page order, or one story and the reason the page stayed whole."""

    stories: list[Story]
    reason: str | None = None


def heading_like(line: str) -> bool:
    """A short line that ends no sentence: a headline, subhead or kicker."""
    text = line.lstrip("#").strip()
    if line.startswith("#"):
        return bool(text)
    if not 4 <= len(text) <= STORIES_MAX_HEADING_CHARS or _ENDS_SENTENCE.search(text) or _INNER_STOP.search(text):
        return False
    if _BYLINE_LINE.match(text) or _DATE_LINE.match(text) or DATELINE.match(text):
        return False
    return len(_HAN.findall(text)) >= 0.5 * len(text.replace(" ", ""))


def opens_story(line: str) -> bool:
    """A heading that can open a story: not a numbered section, an edit link or a bracketed kicker."""
    text = line.lstrip("# ").strip()
    return heading_like(line) and (len(_HAN.findall(text)) >= 6 and not _NUMBERED.match(text)
            and not text.endswith(("]", "】", "）", ")")))


def bigrams(lines: list[str]) -> Counter:
    """The Han character bigrams of some lines: a story's vocabulary, for ``similarity``."""
    text = "".join(_HAN.findall("".join(lines)))
    return Counter(text[i: i + 2] for i in range(len(text) - 1))


def similarity(a: Counter, b: Counter) -> float:
    """Cosine of two bigram counts, each count capped so that a story's few pet words do not dominate."""
    if not a or not b:
        return 0.0
    dot = sum(min(count, 3) * min(b[gram], 3) for gram, count in a.items() if gram in b)
    norm = sqrt(sum(min(c, 3) ** 2 for c in a.values())) * sqrt(sum(min(c, 3) ** 2 for c in b.values()))
    return dot / norm


def _segments(lines: list[str]) -> list[Story]:
    segments: list[Story] = []
    current = Story()
    for line in lines:
        if heading_like(line):
            if current.body:
                segments.append(current)
                current = Story()
            current.headings.append(line)
        elif DATELINE.match(line) and current.body:
            segments.append(current)
            current = Story(body=[line])
        else:
            current.body.append(line)
    if current.headings or current.body:
        segments.append(current)
    return segments


def _chars(story: Story) -> int:
    return sum(map(len, story.body))


def split_stories(lines: list[str], dated: frozenset[str] | set[str] = frozenset(),
                  first_min_chars: int = STORIES_MIN_BODY_CHARS, by_vocabulary: bool = True) -> Split:
    """The stories in a page's lines.

    Args:
        lines: the page's paragraphs, one per line, in reading order.
        dated: headlines that a date or source line followed on the page (before the rules took that
            line): each opens an article of its own, as on a portal that appends the next articles.
        first_min_chars: body the first story needs before another may start (an article page's
            own story may be a short item).
        by_vocabulary: whether a long headed segment that shares little vocabulary with the story so
            far starts a story without a dateline or a date line. True for a page of stories; not for an
            article page, whose subheaded sections often change topic (on 8 of 8 such pages of
            gne-testpages and trafilatura's eval set the "appended story" was the article's own section).

    Returns:
        A Split with two or more stories, or with the page as one story and the reason it was not split.
    """
    segments = _segments(lines)
    if len(segments) < 2:
        return Split([Story(body=list(lines))], "one-segment")
    stories = [segments[0]]
    grams = bigrams(segments[0].lines)          # the current story's, kept up to date as segments join it
    for segment in segments[1:]:
        story = stories[-1]
        segment_grams = bigrams(segment.lines)
        enough = _chars(story) >= (first_min_chars if len(stories) == 1 else STORIES_MIN_BODY_CHARS)
        opens_with_dateline = bool(segment.body) and DATELINE.match(segment.body[0]) is not None
        headed_and_long = _chars(segment) >= STORIES_MIN_BODY_CHARS and any(map(opens_story, segment.headings))
        if enough and (opens_with_dateline or (headed_and_long and any(h in dated for h in segment.headings))):
            stories.append(segment)
            grams = segment_grams
            continue
        if by_vocabulary and headed_and_long and _chars(story) >= STORIES_MIN_BODY_CHARS and similarity(
                grams, segment_grams) < STORIES_MAX_SIMILARITY:
            stories.append(segment)
            grams = segment_grams
            continue
        story.body.extend(segment.headings + segment.body)
        grams.update(segment_grams)
    _share_headline_group(stories)
    if len(stories) < 2:
        return Split([Story(body=list(lines))], "one-topic")
    if any(not story.headings for story in stories):
        return Split([Story(body=list(lines))], "story-without-headline")
    return Split(stories)


def _share_headline_group(stories: list[Story]) -> None:
    """Give a dateline-opened story without headlines its own from the group before it.

    E-paper text often prints two headlines together, then the two bodies ("A", "B", body of B,
    body of A); each headline goes to the body that shares most of its words.
    """
    for before, story in zip(stories, stories[1:]):
        if story.headings or len(before.headings) < 2:
            continue
        pair = (bigrams(before.body), bigrams(story.body))
        mine: list[str] = []
        theirs: list[str] = []
        for heading in before.headings:
            grams = bigrams([heading])
            scores = [sum(min(grams[g], body[g]) for g in grams) / max(sum(grams.values()), 1) for body in pair]
            (mine if scores[1] > scores[0] else theirs).append(heading)
        if mine and theirs:
            before.headings, story.headings = theirs, mine


_POST_STAMP = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}:\d{2}(?::\d{2})?")
_LETTERS = re.compile(r"[\u3400-\u9fffA-Za-z]")


def first_post(lines: list[str], min_chars: int) -> tuple[list[str], int]:
    """The first post of a page that lists several, each closed by a footer of the same shape
    ("由某某张贴 @ 2005-03-21 01:20:44 (359) 共 3 篇评论"), and how many posts followed it.

    A blog's or forum's page of posts, seen as an article, is its first post; the others are the
    next articles. Footers are short dated lines without a sentence that read the same once the
    numbers are masked; pages whose first footer has less than ``min_chars`` of text above it
    (footers that head their post) are left as they are.
    """
    shapes: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if len(line) <= 100 and _POST_STAMP.search(line) and not _INNER_STOP.search(line):
            shape = re.sub(r"\d+", "0", _POST_STAMP.sub("", line))
            if len(_LETTERS.findall(shape)) >= 2:
                shapes.setdefault(shape, []).append(index)
    footers = max(shapes.values(), key=len, default=[])
    if len(footers) < 2 or sum(map(len, lines[: footers[0]])) < min_chars:
        return lines, 0
    return lines[: footers[0]], len(footers) - 1


# A story's last line: "（完）" closing a wire story, "- THE END -" under a post, "（全文完）".
_END_MARK = re.compile(r"(?:[（(【\[]\s*(?:完|全文完|本文完|END)\s*[)）】\]]|^[-—–_=\s]*(?:THE\s+)?END[-—–_=\s]*)$", re.I)


# A byline alone on its line: "采写：南都记者 余毅菁 向雪妮", "新京报记者 陆一夫", "（记者 张三）".
_BYLINE_ONLY = re.compile(r"^[（(【\[■●]?\s*(?:采写|採寫|撰文|文字|文|记者|記者|[\u3400-\u9fff]{2,8}(?:记者|記者))\s*[:：/／|]?\s*"
                          r"[\u3400-\u9fff·]{2,4}(?:[\s、，,]+[\u3400-\u9fff·]{2,4}){0,3}\s*[)）】\]]?$")
CLOSING_BYLINE_MIN_INDEX = 2     # a byline on the first lines heads the article; further down, it closes it


def until_end_mark(lines: list[str], min_chars: int) -> tuple[list[str], int]:
    """An article's lines up to the one that closes it ("（完）", "- THE END -", else a closing byline),
    and how many followed.

    What a page prints after its story's end mark is the next story, a column's promotion or the
    outlet's follow-us block. Only a page with a single end mark, after at least ``min_chars`` of
    text, is cut: a digest of wire items carries one per item. A byline counts only with more of
    the text above it than below. A line that is nothing but the mark goes too.
    """
    marks = [i for i, line in enumerate(lines) if _END_MARK.search(line)]
    if not marks:   # a byline closes the article only below most of its text (an e-paper story heads its body with one)
        marks = [i for i, line in enumerate(lines) if _BYLINE_ONLY.match(line)]
        closing = marks and marks[0] >= CLOSING_BYLINE_MIN_INDEX and (
            sum(map(len, lines[: marks[0]])) >= sum(map(len, lines[marks[0] + 1:])))
        marks = marks if closing else []
    if len(marks) != 1 or marks[0] == len(lines) - 1 or sum(map(len, lines[: marks[0] + 1])) < min_chars:
        return lines, 0
    end = marks[0]
    bare = not _LETTERS.search(_END_MARK.sub("", lines[end]))
    return lines[: end if bare else end + 1], len(lines) - end - 1


# (A picture's source under a subhead, "图片来源：摄图网", dates no article.)
_DATED = re.compile(r"\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}|(?<![图圖片])(?:来源|來源|稿源)\s*[:：]")


def dated_headlines(lines: list[str]) -> set[str]:
    """Headlines directly followed by a short date or source line ("2024-05-26 10:09 来源：新华网")."""
    return {line for line, after in zip(lines, lines[1:])
            if opens_story(line) and len(after) <= 80 and not _INNER_STOP.search(after) and _DATED.search(after)}


def matching_story(stories: list[Story], title: str) -> int | None:
    """The index of the story whose headline is the page's own title, if exactly one is."""
    wanted = "".join(title.split())
    found = [i for i, story in enumerate(stories)
             if story.title and (flat := "".join(story.title.split())) and (flat in wanted or wanted in flat)
             and min(len(flat), len(wanted)) >= 0.6 * max(len(flat), len(wanted))]
    return found[0] if len(found) == 1 else None
