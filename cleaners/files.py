"""Clean saved files (``newscorpus clean``): HTML pages or plain text, one result dict per file."""

from __future__ import annotations

import re
from pathlib import Path

from cleaners.encoding import decode_html
from cleaners.pipeline import clean_html, clean_text

MAX_FILE_BYTES = 20_000_000
_HTML_SIGNS = re.compile(rb"<(!doctype|html|head|body|div|p|meta|title|table|article)[\s>]", re.I)


def looks_like_html(body: bytes) -> bool:
    return _HTML_SIGNS.search(body[:4096]) is not None


def clean_file(path: str | Path, url: str | None = None, encoding: str | None = None) -> list[dict]:
    """One dict per story of a saved file (or one with ``reject`` and ``detail``, or ``error``), with its ``path``.

    A page or text holding several stories gives one dict per story, each with the ``page`` it came
    from and its ``story_index`` (1-based); a single story has neither.

    Args:
        path: an HTML page or a text file.
        url: the page's URL (default: the file's ``file://`` URI); it feeds URL dates and the outlet.
        encoding: impose an encoding instead of detecting one.
    """
    result: dict = {"path": str(path)}
    try:
        body = Path(path).read_bytes()[:MAX_FILE_BYTES]
    except OSError as error:
        return [{**result, "error": f"cannot read: {error.strerror or error}"}]
    url = url or Path(path).resolve().as_uri()
    try:
        if looks_like_html(body):
            cleaned = clean_html(body, url, encoding=encoding)
        else:
            decoded = decode_html(body, override=encoding)
            cleaned = clean_text(decoded.text, url, encoding=decoded.encoding, split=True)
    except ValueError as error:
        return [{**result, "error": str(error)}]
    if cleaned.documents:
        return [{**result, **_story_fields(document), **document} for document in cleaned.documents]
    return [{**result, "url": url, "reject": cleaned.reject["reason"], "detail": cleaned.reject["detail"]}]


def _story_fields(document: dict) -> dict:
    page = document["extra"].get("page")
    return {"page": page["url"], "story_index": page["story_index"]} if page else {}
