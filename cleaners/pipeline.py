"""From a page (bytes or HTML text) or a plain text to a clean document, or a reject with its reason.

The steps, in order (each drop has a reason, each removal a count in ``extra``):

1. decode      bytes -> text by evidence (``cleaners.encoding``); too many U+FFFD -> ``garbled``
2. extract     trafilatura on the decoded text (not the bytes), options from ``CleanerSettings``;
               no main text -> ``empty``
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
from lxml.etree import ParserError
from lxml.html import HtmlElement, document_fromstring
from trafilatura.settings import use_config
from trafilatura.utils import HTML_PARSER

from cleaners import CLEANER_VERSION
from cleaners.boilerplate import page_keys
from cleaners.dates import choose_published, date_from_text, date_from_url, first_date_line, parse_date
from cleaners.encoding import decode_html, plausibility
from cleaners.language import detect_language
from cleaners.metadata import PageMetadata, byline_author, page_metadata
from cleaners.rules import apply_rules
from cleaners.settings import CleanerSettings

DEFAULT_SETTINGS = CleanerSettings()
_TRAFILATURA_CONFIG = use_config()
_TRAFILATURA_CONFIG.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")   # lxml refuses str input that declares an encoding
PAGE_TEXT_CHARS = 20_000   # how much of the whole page's text is searched for a labelled date
# Hints the crawler keeps in urls.hints (contracts.md), by date source.
HINT_DATE_KEYS = {"sitemap": "news:publication_date", "feed": "feed:published"}


@dataclass
class Cleaned:
    """The outcome for one input: ``document`` or ``reject`` (never both)."""

    document: dict | None = None
    reject: dict | None = None
    line_keys: list[int] = field(default_factory=list)   # for site-level boilerplate counting


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


def main_text(tree: HtmlElement, url: str, settings: CleanerSettings) -> str | None:
    """trafilatura's main text, with its fallback extractors only where the settings ask for them."""
    def run(fast: bool) -> str | None:
        return trafilatura.extract(
            tree, url=url, output_format="txt", include_comments=settings.include_comments,
            include_tables=settings.include_tables, favor_precision=settings.favor_precision,
            favor_recall=settings.favor_recall, fast=fast, config=_TRAFILATURA_CONFIG)

    extracted = run(fast=settings.fallback != "always")
    if settings.fallback == "when-short" and len(extracted or "") < settings.fallback_below:
        extracted = run(fast=False) or extracted
    # trafilatura gives up on some layouts (forums, old table pages); its baseline still finds text.
    return extracted or trafilatura.baseline(tree)[1]


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
    extracted = main_text(tree, url, settings)
    if not extracted:
        return _reject(url, outlet, "empty", "trafilatura found no main text")
    found = page_metadata(tree)
    found.page_text = str(tree.xpath("string(//body)") or tree.text_content())[:PAGE_TEXT_CHARS]
    hints = {key: value for key, value in (hints or {}).items() if isinstance(value, str)}   # scraped: trust no type
    return _finish(extracted, url, outlet, found, hints, _parse_time(fetched_at), used_encoding, settings)


def clean_text(text: str, url: str, outlet: str | None = None, *, title: str | None = None,
               published: str | None = None, author: str | None = None, lang: str | None = None,
               fetched_at: str | datetime | None = None, encoding: str | None = None,
               settings: CleanerSettings = DEFAULT_SETTINGS) -> Cleaned:
    """Clean a plain text (ingested or saved) through the same rules and judgement as pages.

    A given ``published`` is parsed like any date (``given`` source); ``lang`` is recorded as
    ``lang_declared`` in ``extra`` and the detected language decides.
    """
    found = PageMetadata(title=title, author=author)
    found.dates["given"] = parse_date(published) if published else None
    cleaned = _finish(text, url, outlet, found, {}, _parse_time(fetched_at), encoding, settings)
    if cleaned.document is not None and lang:
        cleaned.document["extra"]["lang_declared"] = lang
    return cleaned


def _finish(raw_text: str, url: str, outlet: str | None, found: PageMetadata, hints: dict,
            fetched_at: datetime | None, encoding: str | None, settings: CleanerSettings) -> Cleaned:
    lines = [" ".join(line.split()) for line in raw_text.replace("\r", "\n").split("\n")]
    lines = [line for line in lines if line]
    if found.title:
        lines = [line for line in lines if line != found.title] or lines
    raw_chars = sum(map(len, lines))
    if raw_chars < settings.min_chars:
        return _reject(url, outlet, "too-short", f"{raw_chars} characters before cleaning (minimum {settings.min_chars})")
    kept, rule_counts = apply_rules(lines)
    if not kept:
        return _reject(url, outlet, "empty", f"every line was removed by the rules {sorted(rule_counts)}")
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
    published, date_source, disagreements = _published(found, raw_text, url, hints, fetched_at)
    extra: dict = {"rules": rule_counts, "script_evidence": guess.evidence}
    if disagreements:
        extra["date_disagreements"] = disagreements
    document = {
        "url": url, "outlet": outlet, "title": found.title or hints.get("news:title") or hints.get("feed:title"),
        "text": text, "published": published, "date_source": date_source,
        "author": found.author or byline_author(raw_text) or hints.get("feed:author"), "lang": guess.lang, "script": guess.script,
        "encoding": encoding, "cleaner_version": CLEANER_VERSION, "text_hash": text_hash(text), "extra": extra,
    }
    return Cleaned(document=document, line_keys=page_keys(kept))


def _published(found: PageMetadata, raw_text: str, url: str, hints: dict, fetched_at: datetime | None):
    candidates = dict(found.dates)
    for source, key in HINT_DATE_KEYS.items():
        candidates[source] = parse_date(hints.get(key))
    candidates["text"] = date_from_text(raw_text, fetched_at, page_text=found.page_text)
    candidates["url"] = date_from_url(url)
    candidates["text-first-date"] = first_date_line(raw_text, fetched_at)
    return choose_published(candidates, fetched_at)


def _looks_like_listing(lines: list[str]) -> bool:
    """Many lines, all short, hardly a sentence: headlines of an index page, not paragraphs."""
    sentences = sum(1 for line in lines if re.search(r"[。！？!?]", line))
    return (len(lines) >= 10 and sentences < 2 and max(map(len, lines)) < 50
            and statistics.median(map(len, lines)) < 20)
