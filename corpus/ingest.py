"""``newscorpus ingest``: documents from JSON Lines (url, text; optional title, published, source, lang).

Plain text goes through the same rules and judgement as crawled pages (``cleaners.clean_text``);
the outlet is ``source`` or the URL's host. A bad line is reported with its number and skipped.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from cleaners.pipeline import clean_text
from corpus.documents import write_document, write_reject
from corpus.workspace import Workspace

INGEST_BATCH = 200
INGEST_MAX_LINE_CHARS = 5_000_000


class IngestError(Exception):
    """The input cannot be read at all (the message says why)."""


def _parse(line: str) -> dict:
    """One input object, validated; raises ValueError with a message for the user."""
    if len(line) > INGEST_MAX_LINE_CHARS:
        raise ValueError(f"line longer than {INGEST_MAX_LINE_CHARS} characters")
    item = json.loads(line)
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    for key in ("url", "text"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            raise ValueError(f"missing or empty {key!r}")
    for key in ("title", "published", "source", "lang"):
        if item.get(key) is not None and not isinstance(item[key], str):
            raise ValueError(f"{key!r} must be a string")
    return item


def ingest_jsonl(workspace: Workspace, path: str | Path, report_bad: Callable[[int, str], None] | None = None) -> dict:
    """Clean and store every object of a JSON Lines file; return counts (documents, rejects, bad lines)."""
    try:
        handle = open(path, encoding="utf-8", errors="replace")
    except OSError as error:
        raise IngestError(f"cannot read {path}: {error.strerror or error}") from error
    summary: Counter = Counter()
    bad: list[tuple[int, str]] = []
    store = workspace.open_store()
    try:
        pending: list[dict] = []
        with handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    item = _parse(line)
                except ValueError as error:
                    bad.append((number, str(error)))
                    if report_bad:
                        report_bad(number, str(error))
                    continue
                outlet = item.get("source") or urlsplit(item["url"]).hostname
                pending.append(clean_text(item["text"], item["url"], outlet, title=item.get("title"),
                                          published=item.get("published"), lang=item.get("lang")).__dict__)
                if len(pending) >= INGEST_BATCH:
                    _store(store, pending, summary)
        _store(store, pending, summary)
    finally:
        store.close()
    return {"documents": summary["documents"], "rejects": {k[7:]: v for k, v in summary.items() if k.startswith("reject:")},
            "bad_lines": [{"line": number, "error": message} for number, message in bad]}


def _store(store, pending: list[dict], summary: Counter) -> None:
    if not pending:
        return
    with store.transaction() as db:
        for cleaned in pending:
            if cleaned["document"] is not None:
                write_document(db, cleaned["document"], None, source="ingest")
                summary["documents"] += 1
            else:
                write_reject(db, cleaned["reject"], None)
                summary[f"reject:{cleaned['reject']['reason']}"] += 1
    pending.clear()
