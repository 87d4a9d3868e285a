"""Publication dates from Chinese pages: parse the local forms, then pick by evidence order.

Order of preference (first source with a usable date wins; the others are checked against it):

0. ``given``    — a date supplied with plain-text input (``newscorpus ingest``)
1. ``jsonld``   — ``datePublished`` in JSON-LD (the publisher's machine-readable claim)
2. ``meta``     — ``article:published_time``, ``pubdate``, ``publishdate``, ... meta tags, ``<time datetime>``
3. ``sitemap``  — the news sitemap's ``publication_date`` the crawler kept in ``urls.hints``
4. ``feed``     — the RSS/Atom ``pubDate``/``published`` the crawler kept in ``urls.hints``
5. ``text``     — a labelled line (发布时间：/發佈時間：/来源：/日期： …) in the article, then in the page's
                  visible text (no script, style or template) up to a little past the article's end and
                  never past a reader-comment heading after its start (``before_comments``,
                  ``within_article``: a comment's "发表时间：" below the story is no publication date);
                  relative forms ("3小时前", "昨天 10:20") are anchored at the fetch time
6. ``text-timestamp`` — the page's first date with a clock time, unlabelled, before any reader-comment
                  heading after the article's start (not cut at the article's end: blogs and 头条 put
                  "发表于 …" under the post). It yields to the URL's date when the two are more than a
                  day apart: a bare timestamp may belong to a banner or a sidebar, while a date in the
                  path is where the site filed the story
7. ``script-timestamp`` — the first date with a clock time in the page's inline scripts: some pages
                  render their date from a script's data ("time": "2019-12-29 22:31:02", 百家号), but a
                  script also holds timers and other stories' dates, so it ranks below what a reader
                  sees and yields to the URL's date like a bare timestamp (明報's print-edition pages
                  carry a banner timer's "2017/01/27 12:00:00")
8. ``url``      — /2024/05/26/, /20240526/, t20240526_ ...
9. ``text-first-date`` — the first short line of the article text holding a date (it may be a date
                  the story talks about, hence last)

Times without a zone are Chinese local time (+08:00). A date later than the fetch (plus a day) or
before 1990 is not believed. Sources more than a day apart from the winner are reported.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8))
SOURCE_ORDER = ("given", "jsonld", "meta", "sitemap", "feed", "text", "text-timestamp", "script-timestamp", "url",
                "text-first-date")
# A weaker source that loses to the one named when they are more than DISAGREEMENT apart.
YIELDS_TO = {"text-timestamp": "url", "script-timestamp": "url"}
DISAGREEMENT = timedelta(days=1)
EARLIEST = datetime(1990, 1, 1, tzinfo=CHINA)

_FULLWIDTH = str.maketrans("０１２３４５６７８９：－／．　", "0123456789:-/. ")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "00012345678" "9")
# No two whitespace quantifiers may meet: page text has long blank runs, and backtracking over them
# made this pattern quadratic.
_ABSOLUTE = re.compile(
    r"(?<!\d)(?P<year>(?:19|20)\d{2})\s*[年/\-.]\s*(?P<month>\d{1,2})\s*[月/\-.]\s*(?P<day>\d{1,2})(?:\s*[日号號])?"
    r"(?:(?:\s*T\s*|\s*)(?:(?P<half>上午|下午|晚上|凌晨)\s*)?(?P<hour>\d{1,2})\s*[:时時点點]\s*(?P<minute>\d{1,2})"
    r"(?:\s*分)?(?:\s*:\s*(?P<second>\d{1,2})|(?P<second_cn>\d{1,2})\s*秒)?)?"
    r"(?:\.\d+)?(?:\s*(?P<zone>Z|[+-]\d{2}:?\d{2}))?")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[年/\-.]")
_CN_NUMERAL_DATE = re.compile(r"([〇○零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")
# Day words count only with a clock time: "今日比賽" or "昨日下午" in prose are not timestamps.
_RELATIVE = re.compile(r"(\d+)\s*(秒|分钟|分鐘|小时|小時|天|日)前|(刚刚|剛剛)|(今天|今日|昨天|昨日|前天)\s*(\d{1,2}:\d{2})")
RELATIVE_LINE_CHARS = 20
PAGE_HEAD_CHARS = 15_000   # how far into the whole page's text (menus first) date lines are sought   # an unlabelled relative time must be (nearly) the whole line
# A label starts a line or follows a space or bracket, and ends with a colon (publication labels may
# also run straight into the digits): "最後修改時間為2006年" in prose is not a date line.
_LABELLED = re.compile(r"(?:^|(?<=[\s【\[(（|]))(?:(?:发布时间|發佈時間|發布時間|发布日期|發佈日期|发表时间|發表時間|出版日期)"
                       r"(?:\s*[:：]|\s*(?=[0-9０-９]))|(?:发布|發佈|發布|发表|發表|时间|時間|日期|来源|來源|稿源)\s*[:：])", re.M)
# The heading of a reader-comment block: the article has ended (a bare 发表评论/我要评论 is a link by the byline).
_COMMENTS = re.compile(r"(?:相关|网友|網友|读者|讀者|最新|热门|熱門|精彩|全部)(?:评论|評論|留言)|(?:评论|評論)列表")
ARTICLE_END_CHARS = 12    # characters of an article line's start or end sought in the page text to place it
_CELL_GAPS = re.compile(r"[\s|]+")   # trafilatura writes a table row as "| cell | cell |"
ARTICLE_TAIL_CHARS = 200  # how far past the article's end a date line still belongs to it
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?!\d)")
_URL_MONTH_DAY = re.compile(r"/((?:19|20)\d{2})-?(0[1-9]|1[0-2])/(0[1-9]|[12]\d|3[01])/")


def _cn_number(text: str) -> int:
    """一 .. 三十一 as an int."""
    if "十" not in text:
        return int(text.translate(_CN_DIGITS))
    tens, _, units = text.partition("十")
    return (int(tens.translate(_CN_DIGITS)) if tens else 1) * 10 + (int(units.translate(_CN_DIGITS)) if units else 0)


def _zone(raw: str | None) -> timezone:
    if not raw:
        return CHINA
    if raw == "Z":
        return timezone.utc
    sign = -1 if raw[0] == "-" else 1
    digits = raw[1:].replace(":", "")
    return timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))


def parse_date(text: str | None, anchor: datetime | None = None) -> datetime | None:
    """The first date in ``text`` (absolute, Chinese-numeral, ISO or relative to ``anchor``)."""
    if not isinstance(text, str) or not text:
        return None
    text = text.translate(_FULLWIDTH)
    match = _ABSOLUTE.search(text)
    if match:
        part = match.groupdict()
        hour_value = int(part["hour"] or 0)
        if part["half"] in ("下午", "晚上") and hour_value < 12:
            hour_value += 12
        second = part["second"] or part["second_cn"] or 0
        try:
            return datetime(int(part["year"]), int(part["month"]), int(part["day"]), hour_value,
                            int(part["minute"] or 0), int(second), tzinfo=_zone(part["zone"]))
        except ValueError:
            return None
    match = _CN_NUMERAL_DATE.search(text)
    if match:
        try:
            return datetime(_cn_number(match[1]), _cn_number(match[2]), _cn_number(match[3]), tzinfo=CHINA)
        except ValueError:
            return None
    return _relative(text, anchor) if anchor else None


def _relative(text: str, anchor: datetime) -> datetime | None:
    match = _RELATIVE.search(text)
    if not match:
        return None
    local = anchor.astimezone(CHINA)
    amount, unit, just_now, day_word, clock = match.groups()
    if just_now:
        return local.replace(microsecond=0)
    if amount:
        step = {"秒": "seconds", "分钟": "minutes", "分鐘": "minutes", "小时": "hours", "小時": "hours"}.get(unit, "days")
        return (local - timedelta(**{step: int(amount)})).replace(microsecond=0)
    back = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}[day_word]
    day = local - timedelta(days=back)
    hour, minute = (int(part) for part in clock.split(":"))
    if hour > 23 or minute > 59:
        return None
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


def labelled_date(text: str, anchor: datetime | None = None, head_chars: int = 3000) -> datetime | None:
    """The date after a label (发布时间：…, 來源：… 2024-05-26) near the top of the text."""
    head = text[:head_chars]
    for match in _LABELLED.finditer(head):
        found = parse_date(head[match.end(): match.end() + 40], anchor)
        if found:
            return found
    return None


def date_from_text(text: str, anchor: datetime | None = None, head_chars: int = 3000,
                   page_text: str = "") -> datetime | None:
    """A labelled date in the article text, then in the whole page (the date line often sits outside
    the extracted body)."""
    return labelled_date(text, anchor, head_chars) or labelled_date(page_text, anchor, PAGE_HEAD_CHARS)


def _line_at(page_text: str, line: str, end: bool) -> re.Match | None:
    """Where the first or last ARTICLE_END_CHARS characters of ``line`` stand in the page text
    (whitespace may differ there); None for a short line."""
    compact = "".join(_CELL_GAPS.split(line))
    if len(compact) < ARTICLE_END_CHARS:
        return None
    piece = compact[-ARTICLE_END_CHARS:] if end else compact[:ARTICLE_END_CHARS]
    return re.search(r"\s*".join(map(re.escape, piece)), page_text)


def before_comments(page_text: str, article_text: str) -> str:
    """The page text before the first reader-comment heading that follows the article's start: a
    comment's 发表时间 is not the story's (the extracted text may hold the comments too: an old portal's
    page is one big table). A "最新评论" widget in a sidebar before the story does not count."""
    start = next((match.start() for line in article_text.splitlines()[:3]
                  if (match := _line_at(page_text, line, end=False))), None)
    comments = _COMMENTS.search(page_text, start) if start is not None else None
    return page_text[:comments.start()] if comments else page_text


def within_article(page_text: str, article_text: str) -> str:
    """The page text up to the article's end (found by one of its last lines) and ARTICLE_TAIL_CHARS
    more, where a date line under the story stands; what follows is comments, related stories and
    footers. ``page_text`` is cut at the comments already (``before_comments``); all of it is kept
    when the end is not found."""
    for line in reversed(article_text.splitlines()[-3:]):
        if match := _line_at(page_text, line, end=True):
            return page_text[:match.end() + ARTICLE_TAIL_CHARS]
    return page_text


def page_timestamp(page_text: str) -> datetime | None:
    """The page's first date with a clock time ("2005年3月11日12:12 来源：…"), labelled or not."""
    head = page_text[:PAGE_HEAD_CHARS]
    for start in _YEAR.finditer(head):          # cheap scan for years; the full pattern only there
        match = _ABSOLUTE.match(head, start.start())
        if match and match["hour"] is not None:   # a timestamp, not a date a story mentions
            return parse_date(match.group(0))
    return None


def first_date_line(text: str, anchor: datetime | None = None, head_chars: int = 3000) -> datetime | None:
    """The first short line near the top of the article text that holds a date (weak evidence)."""
    for line in text[:head_chars].splitlines():
        if len(line) <= 60:
            found = parse_date(line, anchor if len(line) <= RELATIVE_LINE_CHARS else None)
            if found:
                return found
    return None


def date_from_url(url: str) -> datetime | None:
    match = _URL_MONTH_DAY.search(url) or _URL_DATE.search(url)
    if not match:
        return None
    try:
        return datetime(int(match[1]), int(match[2]), int(match[3]), tzinfo=CHINA)
    except ValueError:
        return None


def choose_published(candidates: dict[str, datetime | None], fetched_at: datetime | None = None
                     ) -> tuple[str | None, str | None, dict]:
    """Pick the date by SOURCE_ORDER.

    Returns:
        (ISO 8601 with offset, source name, disagreements {source: iso} of sources > 1 day away).
    """
    latest = (fetched_at or datetime.now(timezone.utc)) + DISAGREEMENT
    usable = {source: value for source, value in candidates.items()
              if value is not None and EARLIEST <= _aware(value) <= latest}
    for source in SOURCE_ORDER:
        stronger = usable.get(YIELDS_TO.get(source, ""))
        if source in usable and not (stronger and abs(_aware(usable[source]) - _aware(stronger)) > DISAGREEMENT):
            chosen = _aware(usable[source])
            disagreements = {other: _aware(value).isoformat() for other, value in usable.items()
                             if abs(_aware(value) - chosen) > DISAGREEMENT}
            return chosen.isoformat(), source, disagreements
    return None, None, {}


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=CHINA)
