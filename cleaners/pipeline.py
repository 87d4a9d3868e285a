"""From a page (bytes or HTML text) or a plain text to a clean document, or a reject with its reason.

The steps, in order (each drop has a reason, each removal a count in ``extra``):

1. decode      bytes -> text by evidence (``cleaners.encoding``); too many U+FFFD -> ``garbled``
2. extract     trafilatura on the decoded text (not the bytes), options from ``CleanerSettings``, after
               lists used as page columns became ``<div>``s and sections used as paragraphs ``<p>``s
               (``cleaners.layout``); no main text -> ``empty``
3. metadata    title, author, JSON-LD/meta dates from the same parsed tree (``cleaners.metadata``)
4. rules       the genre rules, one paragraph per line (``cleaners.rules``)
5. date        by the documented source order (``cleaners.dates``)
6. judge       ``too-short``, ``not-article``, ``garbled``, ``wrong-language`` (``cleaners.language``)
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from datetime import datetime, timezone

import trafilatura
import xxhash
from lxml.etree import ParserError, XPath
from lxml.html import HtmlElement, document_fromstring
from trafilatura.settings import use_config
from trafilatura.utils import HTML_PARSER

from cleaners import CLEANER_VERSION
from cleaners.boilerplate import page_keys
from cleaners.dates import (before_comments, choose_published, date_from_text, date_from_url, first_date_line,
                            page_timestamp, parse_date, within_article)
from cleaners.encoding import decode_html, plausibility
from cleaners.language import detect_language
from cleaners.layout import section_paragraphs, unwrap_layout_lists
from cleaners.metadata import PageMetadata, byline_author, page_metadata
from cleaners.containers import Container, story_containers
from cleaners.epaper import HINT_PREFIX as EPAPER_HINT
from cleaners.epaper import edition_date, page_label
from cleaners.rules import apply_rules
from cleaners.settings import CleanerSettings
from cleaners.stories import (STORIES_MAX_SIMILARITY, Story, bigrams, dated_headlines, first_post, matching_story,
                              opens_story, similarity, split_stories, until_end_mark)

DEFAULT_SETTINGS = CleanerSettings()
_TRAFILATURA_CONFIG = use_config()
_TRAFILATURA_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")   # lxml refuses str input that declares an encoding
BALANCED_MIN_GAIN = 3      # times the precise pass's prose the balanced pass must find above it to win
PAGE_TEXT_CHARS = 20_000   # how much of the page's visible text is searched for a date line
# The text a reader sees: a script's strings (a banner timer's date) are no part of it.
_VISIBLE_TEXT = XPath("//body//text()[not(ancestor::script or ancestor::style or ancestor::template)]")
_SCRIPT_TEXT = XPath("//script/text()")
# Hints the crawler keeps in urls.hints (contracts.md), by date source.
HINT_DATE_KEYS = {"sitemap": "news:publication_date", "feed": "feed:published"}


@dataclass
class Cleaned:
    """The outcome for one input: ``document`` or ``reject`` (never both)."""

    document: dict | None = None
    reject: dict | None = None
    line_keys: list[int] = field(default_factory=list)   # for site-level boilerplate counting
    documents: list[dict] = field(default_factory=list)  # one per story of the page, ``document`` first


def text_hash(text: str) -> str:
    return "xxh64:" + xxhash.xxh64_hexdigest(text.encode("utf-8"))


def _reject(url: str, outlet: str | None, reason: str, detail: str) -> Cleaned:
    return Cleaned(reject={"url": url, "outlet": outlet, "reason": reason, "detail": detail,
                           "cleaner_version": CLEANER_VERSION})


def _parse_time(value: str | datetime | None) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def parse_html(html: str) -> HtmlElement | None:
    """The page as an lxml tree, parsed once for trafilatura and our metadata.

    lxml directly (trafilatura's ``load_html`` costs six times more and refuses pages whose first
    50 characters do not say "html", like CleanEval's); its loader remains the fallback.
    """
    try:
        tree = document_fromstring(_XML_DECLARATION.sub("", html, count=1), parser=HTML_PARSER)
    except (ValueError, ParserError):
        tree = None
    if tree is None or len(tree) == 0:
        tree = trafilatura.load_html(f"<html>{html}</html>")
    return tree


def main_text(tree: HtmlElement, url: str, settings: CleanerSettings) -> tuple[str | None, str | None]:
    """trafilatura's main text, with its fallback extractors only where the settings ask for them, and
    the name of the second pass that found it (``balanced-pass``), if one did."""
    def run(fast: bool, precision: bool = settings.favor_precision) -> str | None:
        return trafilatura.extract(
            tree, url=url, output_format="txt", include_comments=settings.include_comments,
            include_tables=settings.include_tables, favor_precision=precision,
            favor_recall=settings.favor_recall, fast=fast, config=_TRAFILATURA_CONFIG)

    extracted = run(fast=settings.fallback != "always")
    if settings.fallback == "when-short" and len(extracted or "") < settings.fallback_below:
        extracted = run(fast=False) or extracted
    if settings.fallback != "never" and settings.favor_precision and _prose_chars(extracted) < settings.fallback_below:
        # Favouring precision sometimes keeps a comment block and drops the article above it (163.com's
        # pages): the balanced pass's text above that block wins when it holds much more prose. Below
        # the block (a forum's replies after the post) is what precision left out on purpose.
        # Paragraphs, that is: a page run together into one line is no article.
        above = _above(run(fast=False, precision=False), extracted)
        if len(_prose_lines(above)) >= 2 and _prose_chars(above) >= max(
                BALANCED_MIN_GAIN * _prose_chars(extracted), 3 * settings.min_chars):
            return above, "balanced-pass"
    # trafilatura gives up on some layouts (forums, old table pages); its baseline still finds text.
    return extracted or trafilatura.baseline(tree)[1], None


def clean_html(body: bytes | str, url: str, outlet: str | None = None, *, header_charset: str | None = None,
               encoding: str | None = None, hints: dict | None = None, fetched_at: str | datetime | None = None,
               settings: CleanerSettings = DEFAULT_SETTINGS) -> Cleaned:
    """Clean one page.

    Args:
        body: raw bytes as fetched (decoded here) or already-decoded HTML.
        url: the page URL (final URL after redirects).
        outlet: the site name documents carry.
        header_charset: charset from the Content-Type header.
        encoding: an encoding to impose instead of detecting one.
        hints: ``urls.hints`` from the crawler (news sitemap and feed dates, titles, authors).
        fetched_at: when the page was fetched; anchors relative dates ("3小时前").
        settings: the cleaner settings.

    Returns:
        Cleaned with a document dict (the ``documents`` fields) or a reject dict with its reason.
    """
    if isinstance(body, bytes):
        decoded = decode_html(body, header_charset, encoding)
        html, used_encoding = decoded.text, decoded.encoding
    else:
        html, used_encoding = body, None
    html = html[: settings.max_html_chars]
    bad = html.count("\ufffd")
    if bad > settings.max_garbled_share * max(len(html), 1):
        return _reject(url, outlet, "garbled", f"{bad} undecodable characters in {len(html)} ({used_encoding})")
    tree = parse_html(html)
    if tree is None:
        return _reject(url, outlet, "empty", "the page does not parse as HTML")
    layout_lists, sections = unwrap_layout_lists(tree), section_paragraphs(tree)
    extracted, second_pass = main_text(tree, url, settings)
    if not extracted:
        return _reject(url, outlet, "empty", "trafilatura found no main text")
    found = page_metadata(tree)
    found.page_text = "".join(_VISIBLE_TEXT(tree))[:PAGE_TEXT_CHARS]
    found.script_text = "\n".join(_SCRIPT_TEXT(tree))[:PAGE_TEXT_CHARS]
    hints = {key: value for key, value in (hints or {}).items() if isinstance(value, str)}   # scraped: trust no type
    mode, containers, label = _page_kind(tree, url, found)
    removed = 0
    if mode == "article" and containers:
        extracted, removed = _without_other_containers(extracted, containers, found.title or "")
    cleaned = _finish(extracted, url, outlet, found, hints, _parse_time(fetched_at), used_encoding, settings,
                      mode=mode, containers=containers if mode == "page" else None, label=label)
    if _wrong_block(cleaned, settings):
        # trafilatura kept the wrong block (a metadata table, a teaser): its baseline, all of the
        # page's paragraphs, gets a second chance when it holds real prose.
        baseline = trafilatura.baseline(tree)[1]
        if _has_prose(baseline, settings):
            second = _finish(baseline, url, outlet, found, hints, _parse_time(fetched_at), used_encoding, settings,
                             mode=mode, label=label)
            if second.document is not None:
                second.document["extra"]["rules"]["baseline-rescue"] = 1
                return second
    if removed and cleaned.document is not None:
        cleaned.document["extra"]["rules"]["appended-stories"] = removed
    if second_pass and cleaned.document is not None:
        cleaned.document["extra"]["rules"][second_pass] = 1
    for name, count in (("layout-list", layout_lists), ("section-paragraphs", sections)):
        if count and cleaned.document is not None:
            cleaned.document["extra"]["rules"][name] = count
    return cleaned


def _page_kind(tree: HtmlElement, url: str, found: PageMetadata) -> tuple[str, list[Container], dict]:
    """``page`` for an e-paper page titled by its 版次 (every story is kept), else ``article``."""
    title_tag = " ".join((tree.findtext(".//title") or "").split())
    label = page_label(title_tag) or page_label(found.page_text[:3000])
    containers = story_containers(tree)
    details = {}
    if label:
        details = {"page_number": label[0], "page_name": label[1]}
        if edition := edition_date(url, title_tag + " " + found.page_text[:3000]):
            details["edition"] = edition
    if label and page_label(title_tag):
        found.title = None          # the page's title names the 版面, no story
        details["layout"] = url
        return "page", containers, details
    return "article", containers, details if label else {}


def _without_other_containers(extracted: str, containers: list[Container], title: str) -> tuple[str, int]:
    """An article page's text without the other stories the portal appended in their own containers,
    and how many lines went. A container that shares the story's words is a section of it (some
    papers print each subheaded section in a box of its own), not another story."""
    own = matching_story([Story(headings=[c.title]) for c in containers], title)
    if own is None:
        return extracted, 0
    grams = bigrams(containers[own].lines)
    mine = {"".join(line.split()) for line in containers[own].lines}
    others = {"".join(line.split()) for i, c in enumerate(containers)
              if i != own and similarity(grams, bigrams(c.lines)) < STORIES_MAX_SIMILARITY for line in c.lines} - mine
    lines = extracted.split("\n")
    kept = [line for line in lines if "".join(line.split()) not in others]
    return ("\n".join(kept), len(lines) - len(kept)) if kept else (extracted, 0)


def clean_text(text: str, url: str, outlet: str | None = None, *, title: str | None = None,
               published: str | None = None, author: str | None = None, lang: str | None = None,
               fetched_at: str | datetime | None = None, encoding: str | None = None, split: bool = False,
               settings: CleanerSettings = DEFAULT_SETTINGS) -> Cleaned:
    """Clean a plain text (ingested or saved) through the same rules and judgement as pages.

    A given ``published`` is parsed like any date (``given`` source); ``lang`` is recorded as
    ``lang_declared`` in ``extra`` and the detected language decides. With ``split``, the text is a
    page that may hold several stories (a saved e-paper page's text): one document per story.
    """
    found = PageMetadata(title=title, author=author)
    found.dates["given"] = parse_date(published) if published else None
    mode = ("article" if title else "page") if split else "whole"
    cleaned = _finish(text, url, outlet, found, {}, _parse_time(fetched_at), encoding, settings, mode=mode)
    for document in cleaned.documents if lang else ():
        document["extra"]["lang_declared"] = lang
    return cleaned


@dataclass
class _Page:
    """What every story of one page shares: where it came from and how it was read."""

    url: str
    outlet: str | None
    found: PageMetadata
    hints: dict
    fetched_at: datetime | None
    encoding: str | None
    raw_text: str
    label: dict = field(default_factory=dict)      # e-paper page_number / page_name / edition


def _finish(raw_text: str, url: str, outlet: str | None, found: PageMetadata, hints: dict,
            fetched_at: datetime | None, encoding: str | None, settings: CleanerSettings, *,
            mode: str = "whole", containers: list[Container] | None = None, label: dict | None = None) -> Cleaned:
    """Rules, the story split (``mode``: whole, article = keep the title's story, page = every story), judgement.

    ``containers`` are the page's story containers when its HTML has them (an e-paper page).
    """
    page = _Page(url, outlet, found, hints, fetched_at, encoding, raw_text, {**(label or {}), **_hint_label(hints)})
    if containers:
        stories = [(c.title, [" ".join(line.split()) for line in c.lines if line != c.title]) for c in containers]
        return _judge_stories(page, [(title, *apply_rules(lines)) for title, lines in stories], settings, None)
    lines = [" ".join(line.split()) for line in raw_text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if found.title:
        lines = [line for line in lines if line != found.title] or lines
    raw_chars = sum(map(len, lines))
    if raw_chars < settings.min_chars:
        return _reject(url, outlet, "too-short", f"{raw_chars} characters before cleaning (minimum {settings.min_chars})")
    dated = dated_headlines(lines) if mode == "article" else set()   # seen before the rules take the date lines
    kept, rule_counts = apply_rules(lines)
    if sum(map(len, kept)) < settings.min_chars and rule_counts.get("photo-caption"):
        # A photo story: its captions are its text.
        captioned, counts = apply_rules(lines, skip=("photo-caption",))
        if sum(map(len, captioned)) >= settings.min_chars:
            kept, rule_counts = captioned, {**counts, "photo-story": 1}
    if not kept:
        return _reject(url, outlet, "empty", f"every line was removed by the rules {sorted(rule_counts)}")
    if mode == "whole":
        return _judge_stories(page, [(found.title, kept, rule_counts)], settings, None)
    if mode == "article":
        kept, posts = first_post(kept, settings.min_chars)
        if posts:
            rule_counts = {**rule_counts, "appended-posts": posts}
        kept, after = until_end_mark(kept, settings.min_chars)
        if after:
            rule_counts = {**rule_counts, "after-end-mark": after}
        split = split_stories(([found.title] if found.title else []) + kept, dated, settings.min_chars, by_vocabulary=False)
    else:
        split = split_stories(kept)
    if split.reason:
        title = found.title
        if mode == "page" and title is None and (title := next((line for line in kept[:4] if opens_story(line)), None)):
            kept = [line for line in kept if line != title]   # one story on the page: its headline titles it
            title = title.lstrip("# ").strip()
        return _judge_stories(page, [(title, kept, rule_counts)], settings, split.reason)
    if mode == "article":
        own = matching_story(split.stories, found.title or "")
        if own is None:
            return _judge_stories(page, [(found.title, kept, rule_counts)], settings, "no-story-has-the-title")
        counts = {**rule_counts, "appended-stories": len(split.stories) - 1}
        return _judge_stories(page, [(found.title, split.stories[own].lines, counts)], settings, None)
    return _judge_stories(page, [(story.title, story.lines, rule_counts) for story in split.stories], settings, None)


def _hint_label(hints: dict) -> dict:
    """The e-paper place the crawler found for this page on its layout page (fetch hints)."""
    keys = {"page": "page_number", "page_name": "page_name", "edition": "edition", "layout": "layout",
            "story": "story", "coords": "coords", "page_pdf": "page_pdf", "page_image": "page_image"}
    return {name: hints[EPAPER_HINT + key] for key, name in keys.items() if hints.get(EPAPER_HINT + key)}


def _judge_stories(page: _Page, stories: list[tuple[str | None, list[str], dict]], settings: CleanerSettings,
                   unsplit_reason: str | None) -> Cleaned:
    """One document per story that passes judgement; the page is rejected only if none does."""
    documents, rejects, keys = [], [], []
    several = len(stories) > 1
    for index, (title, lines, counts) in enumerate(stories, 1):
        url = f"{page.url}#story-{index}" if several else page.url
        outcome = _judge(page, url, title, lines, counts, settings, several)
        if outcome.document is None:
            rejects.append({"story": index, "title": title, "reason": outcome.reject["reason"]})
            continue
        extra = outcome.document["extra"]
        if several:
            extra["page"] = {"url": page.url, "story_index": index, "stories": len(stories)}
            outcome.document.update(page_url=page.url, story_index=index)
        if unsplit_reason:
            extra["story_split"] = unsplit_reason
        if page.label:
            extra["epaper"] = page.label
            outcome.document.update(page_number=page.label.get("page_number"), page_name=page.label.get("page_name"))
            if not several and page.label.get("layout"):
                # The page it was printed on: the e-paper page itself, or the layout page whose map led here.
                story = page.label.get("story", "1")
                outcome.document.update(page_url=page.label["layout"], story_index=int(story) if story.isdigit() else None)
        documents.append(outcome.document)
        keys.extend(outcome.line_keys)
    if not documents:
        last_reject = outcome.reject
        if several:
            last_reject["detail"] = f"no story of {len(stories)} passed: " + "; ".join(
                f"{r['story']} {r['reason']}" for r in rejects)
        return Cleaned(reject=last_reject)
    if rejects:
        documents[0]["extra"]["stories_rejected"] = rejects
    return Cleaned(document=documents[0], documents=documents, line_keys=sorted(set(keys)))


def _judge(page: _Page, url: str, title: str | None, kept: list[str], rule_counts: dict,
           settings: CleanerSettings, one_of_several: bool = False) -> Cleaned:
    outlet, found, hints = page.outlet, page.found, page.hints
    text = "\n".join(kept)
    if len(text) < settings.min_chars:
        return _reject(url, outlet, "too-short", f"{len(text)} characters after cleaning (minimum {settings.min_chars})")
    if _looks_like_listing(kept):
        return _reject(url, outlet, "not-article", f"{len(kept)} short lines and no paragraph: a listing or index page")
    guess = detect_language(text, settings.lang_sample_chars, settings.script_mixed_share)
    common_share = plausibility(text) if guess.lang == "zh" else 1.0
    if common_share < settings.min_plausibility:
        return _reject(url, outlet, "garbled", f"only {common_share:.0%} of the Han text is common characters")
    if guess.lang not in settings.languages:
        return _reject(url, outlet, "wrong-language", f"detected {guess.lang or 'no language'}; kept: {', '.join(settings.languages)}")
    published, date_source, disagreements = _published(found, page.raw_text, page.url, hints, page.fetched_at)
    extra: dict = {"rules": rule_counts, "script_evidence": guess.evidence}
    if title and title == found.title and found.title_alternatives:
        extra["title_alternatives"] = found.title_alternatives   # if the outlet repeats the title on every page
    if disagreements:
        extra["date_disagreements"] = disagreements
    document = {
        "url": url, "outlet": outlet, "title": title or hints.get("news:title") or hints.get("feed:title"),
        "text": text, "published": published, "date_source": date_source,
        "author": found.author or byline_author(text if one_of_several else page.raw_text) or hints.get("feed:author"), "lang": guess.lang, "script": guess.script,
        "encoding": page.encoding, "cleaner_version": CLEANER_VERSION, "text_hash": text_hash(text), "extra": extra,
    }
    # The title counts as one of the page's lines: a "title" on many of an outlet's pages is its name.
    return Cleaned(document=document, documents=[document], line_keys=page_keys(kept + [document["title"] or ""]))


def _published(found: PageMetadata, raw_text: str, url: str, hints: dict, fetched_at: datetime | None):
    candidates = dict(found.dates)
    for source, key in HINT_DATE_KEYS.items():
        candidates[source] = parse_date(hints.get(key))
    before = before_comments(found.page_text, raw_text)
    candidates["text"] = date_from_text(raw_text, fetched_at, page_text=within_article(before, raw_text))
    candidates["text-timestamp"] = page_timestamp(before)
    candidates["script-timestamp"] = page_timestamp(found.script_text)
    candidates["url"] = date_from_url(url)
    candidates["text-first-date"] = first_date_line(raw_text, fetched_at)
    return choose_published(candidates, fetched_at)


def _prose_lines(text: str | None) -> list[str]:
    """The sentence-bearing lines: menus and link lists are none."""
    return [line for line in (text or "").split("\n") if len(line) >= 20 and re.search(r"[。！？，]", line)]


def _prose_chars(text: str | None) -> int:
    return sum(map(len, _prose_lines(text)))


def _above(text: str | None, block: str | None) -> str:
    """The lines of ``text`` above the first prose line of ``block`` (all of it when none is there)."""
    lines = (text or "").split("\n")
    marks = {line.strip() for line in (block or "").split("\n") if len(line) >= 20 and re.search(r"[。，]", line)}
    end = next((i for i, line in enumerate(lines) if line.strip() in marks), len(lines))
    return "\n".join(lines[:end])


def _wrong_block(cleaned: Cleaned, settings: CleanerSettings) -> bool:
    """Too little text, or a short text without one sentence (a metadata table's rows)."""
    if cleaned.reject is not None:
        return cleaned.reject["reason"] in ("too-short", "empty")
    text = cleaned.document["text"]
    return len(cleaned.documents) == 1 and len(text) < settings.fallback_below and not re.search(r"[。！？]", text)


def _has_prose(text: str, settings: CleanerSettings) -> bool:
    """Enough text, and at least one real paragraph among it (not menus and link lists)."""
    return len(text) >= 3 * settings.min_chars and any(
        len(line) >= 100 and re.search(r"[。！？]", line) for line in text.split("\n"))


def _looks_like_listing(lines: list[str]) -> bool:
    """Many lines, all short, hardly a sentence: headlines of an index page, not paragraphs."""
    sentences = sum(1 for line in lines if re.search(r"[。！？!?]", line))
    return (len(lines) >= 10 and sentences < 2 and max(map(len, lines)) < 50
            and statistics.median(map(len, lines)) < 20)
