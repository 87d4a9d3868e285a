"""Site-level boilerplate, learned from the store: lines on many pages of one outlet are removed.

Incremental and cheap: each newly extracted page adds its distinct line hashes to per-outlet
counts (``outlet_lines``) in the same transaction as its document. After a run, each touched
outlet's boilerplate set (lines on >= CLEANERS_BOILERPLATE_SHARE of its pages, and on at least
CLEANERS_BOILERPLATE_MIN_PAGES pages) is recomputed; only when the set grew are all the outlet's
documents swept again, otherwise only the documents written in this run.
"""

from __future__ import annotations

import sqlite3

from cleaners.boilerplate import line_key, remove_boilerplate
from cleaners.pipeline import text_hash
from cleaners.settings import CleanerSettings
from corpus import documents
from corpus.documents import CrawledText
from corpus.store import Store


def count_page(db: sqlite3.Connection, outlet: str | None, keys: list[int]) -> None:
    """Add one page's distinct line hashes to its outlet's counts."""
    if outlet is None:
        return
    db.execute("INSERT INTO outlet_pages (outlet, pages) VALUES (?, 1) "
               "ON CONFLICT (outlet) DO UPDATE SET pages = pages + 1", (outlet,))
    db.executemany("INSERT INTO outlet_lines (outlet, line_hash, pages) VALUES (?, ?, 1) "
                   "ON CONFLICT (outlet, line_hash) DO UPDATE SET pages = pages + 1",
                   [(outlet, key) for key in keys])


def learned(db: sqlite3.Connection, outlet: str, settings: CleanerSettings) -> set[int]:
    """The outlet's boilerplate line hashes by the current counts."""
    row = db.execute("SELECT pages FROM outlet_pages WHERE outlet = ?", (outlet,)).fetchone()
    pages = row[0] if row else 0
    if pages < settings.boilerplate_min_pages:
        return set()
    floor = max(settings.boilerplate_min_pages, settings.boilerplate_share * pages)
    return {key for (key,) in db.execute("SELECT line_hash FROM outlet_lines WHERE outlet = ? AND pages >= ?",
                                         (outlet, floor))}


def sweep(store: Store, outlets: set[str], new_doc_ids: set[int], settings: CleanerSettings) -> int:
    """Remove each outlet's boilerplate from its documents; return the number of lines removed."""
    removed_total = 0
    for outlet in sorted(outlets):
        with store.transaction() as db:
            current = learned(db, outlet, settings)
            before = {key for (key,) in db.execute("SELECT line_hash FROM outlet_boilerplate WHERE outlet = ?", (outlet,))}
            if not current:
                continue
            grew = bool(current - before)
            db.execute("DELETE FROM outlet_boilerplate WHERE outlet = ?", (outlet,))
            db.executemany("INSERT INTO outlet_boilerplate VALUES (?, ?)", [(outlet, key) for key in current])
            for document in documents.crawled_texts(db, outlet, None if grew else new_doc_ids):
                removed_total += _strip(db, document, current)
                _retitle(db, document, current)
    return removed_total


def _retitle(db: sqlite3.Connection, document: CrawledText, boilerplate: set[int]) -> None:
    """A title that is a line on many of the outlet's pages is its name or a section's, not a headline:
    the next-best headline the cleaner found replaces it."""
    title, details = document.title, document.extra   # as _strip left it
    if not title or line_key(title) not in boilerplate:
        return
    better = next((t for t in details.get("title_alternatives", []) if isinstance(t, str) and line_key(t) not in boilerplate), None)
    if better:
        details["title_replaced"] = title
        documents.update_title(db, document.id, better, details)


def _strip(db: sqlite3.Connection, document: CrawledText, boilerplate: set[int]) -> int:
    lines = document.text.split("\n")
    kept, removed = remove_boilerplate(lines, boilerplate)
    if not removed or not kept:
        return 0   # a page made only of boilerplate keeps its text: a reject needs a fresh extraction
    document.extra["site_boilerplate"] = document.extra.get("site_boilerplate", 0) + removed
    new_text = "\n".join(kept)
    documents.update_text(db, document.id, new_text, text_hash(new_text), document.extra)
    return removed
