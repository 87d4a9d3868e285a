"""``newscorpus ingest``: documents from JSON Lines (url, text; optional title, published, source, lang).

Plain text goes through the same rules and judgement as crawled pages (``cleaners.clean_text``);
the outlet is ``source`` or the URL's host. Input is hostile until checked: a line that is not one
JSON object with an http(s) ``url`` and a ``text``, whose ``published`` is not a date, that holds a
lone surrogate, nests too deep, or repeats an earlier line's URL is reported with its line number
and reason and skipped; every good line is stored, however many bad ones surround it.
"""

from __future__ import annotations

import io
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable, Iterator, TextIO
from urllib.parse import urlsplit

from cleaners.dates import parse_date
from cleaners.pipeline import DEFAULT_SETTINGS, clean_text
from cleaners.settings import CleanerSettings
from corpus import documents
from corpus.documents import Document, Reject
from corpus.errors import NewscorpusError
from corpus.store import Store

INGEST_BATCH = 200
INGEST_MAX_LINE_CHARS = 5_000_000
INGEST_MAX_URL_CHARS = 2048
INGEST_MAX_DEPTH = 32                 # nesting deeper than this is not a document (json would recurse)
INGEST_FIELDS = ("url", "text", "title", "published", "source", "lang")


class IngestError(NewscorpusError):
    """The input cannot be read at all, or gave nothing to store (the message says why)."""


@dataclass
class BadLine:
    line: int
    reason: str


@dataclass
class IngestSummary:
    lines: int = 0
    documents: int = 0
    replaced: int = 0                   # URLs already stored, now updated from this input
    rejects: Counter = field(default_factory=Counter)
    bad_lines: list[BadLine] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"lines": self.lines, "documents": self.documents, "replaced": self.replaced,
                "rejects": dict(sorted(self.rejects.items())),
                "bad_lines": [{"line": bad.line, "reason": bad.reason} for bad in self.bad_lines]}


def parse_line(line: str) -> dict:
    """One input object, checked; raises ValueError with the reason a user reads."""
    if len(line) > INGEST_MAX_LINE_CHARS:
        raise ValueError(f"line longer than {INGEST_MAX_LINE_CHARS:,} characters")
    if _depth(line) > INGEST_MAX_DEPTH:
        raise ValueError(f"JSON nested deeper than {INGEST_MAX_DEPTH} levels")
    try:
        item = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg} at column {error.colno})") from None
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    for key in ("url", "text"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ValueError(f"missing or empty {key!r}")
    for key in INGEST_FIELDS[2:]:
        if item.get(key) is not None and not isinstance(item[key], str):
            raise ValueError(f"{key!r} must be a string")
    for key in INGEST_FIELDS:
        if isinstance(item.get(key), str):
            try:
                item[key].encode("utf-8")
            except UnicodeEncodeError:
                raise ValueError(f"{key!r} holds a lone surrogate (not valid Unicode text)") from None
    item["url"] = check_url(item["url"])
    if item.get("published") and parse_date(item["published"]) is None:
        raise ValueError(f"'published' {item['published'][:40]!r} is not a date (e.g. 2024-05-26 or ISO 8601)")
    return item


def check_url(url: str) -> str:
    """The URL, stripped, if it is an absolute http(s) URL with a host; else ValueError."""
    url = url.strip()
    if len(url) > INGEST_MAX_URL_CHARS:
        raise ValueError(f"'url' longer than {INGEST_MAX_URL_CHARS} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValueError("'url' contains spaces or control characters")
    try:
        parts = urlsplit(url)
        host, _ = parts.hostname, parts.port
    except ValueError as error:
        raise ValueError(f"'url' {url[:80]!r} is not a valid URL ({error})") from None
    if parts.scheme.lower() not in ("http", "https") or not host:
        raise ValueError(f"'url' {url[:80]!r} is not an http(s) URL with a host")
    return url


def _depth(line: str) -> int:
    """The deepest bracket nesting outside strings, measured without recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in line:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _lines(handle: TextIO) -> Iterator[tuple[int, str | None]]:
    """(number, line) pairs; an over-long line is read past in bounded chunks and given as None."""
    number = 0
    while True:
        line = handle.readline(INGEST_MAX_LINE_CHARS + 1)
        if not line:
            return
        number += 1
        if len(line) > INGEST_MAX_LINE_CHARS and not line.endswith("\n"):
            while line and not line.endswith("\n"):
                line = handle.readline(INGEST_MAX_LINE_CHARS)
            yield number, None
            continue
        yield number, line


def open_input(path: str) -> TextIO:
    """The file, or stdin for ``-``, as UTF-8 text split at "\n" only (a stray "\r" inside a line stays
    there); undecodable bytes become U+FFFD and count as garble."""
    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="\n")
    try:
        return open(path, encoding="utf-8", errors="replace", newline="\n")
    except OSError as error:
        raise IngestError(f"cannot read {path}: {error.strerror or error}") from None


def ingest_jsonl(store: Store, path: str, report_bad: Callable[[int, str], None] | None = None,
                 settings: CleanerSettings = DEFAULT_SETTINGS) -> dict:
    """Clean and store every good object of a JSON Lines file (``-``: stdin); return the summary.

    Raises:
        IngestError: the input cannot be read, or no line became a document (exit 1).
    """
    summary = IngestSummary()
    seen: dict[str, int] = {}
    pending: list = []

    def bad(number: int, reason: str) -> None:
        summary.bad_lines.append(BadLine(number, reason))
        if report_bad:
            report_bad(number, reason)

    handle = open_input(path)
    try:
        for number, line in _lines(handle):
            summary.lines += 1
            if line is None:
                bad(number, f"line longer than {INGEST_MAX_LINE_CHARS:,} characters")
                continue
            if not line.strip():
                continue
            try:
                item = parse_line(line)
                if item["url"] in seen:
                    raise ValueError(f"duplicate url {item['url'][:80]!r} (first on line {seen[item['url']]}); "
                                     "the first is kept")
                outlet = item.get("source") or urlsplit(item["url"]).hostname
                cleaned = clean_text(item["text"], item["url"], outlet, title=item.get("title"),
                                     published=item.get("published"), lang=item.get("lang"), settings=settings)
            except ValueError as error:
                bad(number, str(error))
                continue
            except Exception as error:  # one hostile line never stops the ingest
                bad(number, f"could not be cleaned ({type(error).__name__}: {error})")
                continue
            seen[item["url"]] = number
            pending.append(cleaned)
            if len(pending) >= INGEST_BATCH:
                _store(store, pending, summary)
        _store(store, pending, summary)
    except OSError as error:
        raise IngestError(f"cannot read {path}: {error.strerror or error}") from None
    finally:
        if path != "-":
            handle.close()
    if not summary.documents:
        what = (f"{len(summary.bad_lines)} bad line(s)" if summary.bad_lines else "no input lines") + \
            (f", {sum(summary.rejects.values())} rejected by the cleaners" if summary.rejects else "")
        raise IngestError(f"nothing ingested from {path}: {what}; each line needs a JSON object with an http(s) "
                          "'url' and a 'text' of a few sentences")
    return summary.as_dict()


def _store(store: Store, pending: list, summary: IngestSummary) -> None:
    if not pending:
        return
    with store.transaction() as db:
        for cleaned in pending:
            if cleaned.document is not None:
                url = cleaned.document["url"]
                summary.replaced += documents.has_document(db, url)
                documents.write_document(db, Document.from_cleaned(cleaned.document, None, source="ingest"))
                summary.documents += 1
            else:
                documents.write_reject(db, Reject.from_cleaned(cleaned.reject, None))
                summary.rejects[cleaned.reject["reason"]] += 1
    pending.clear()
