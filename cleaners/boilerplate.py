"""Site-level boilerplate: lines that recur on many pages of one outlet, whatever their wording.

The cleaners only hash lines and drop the ones they are told are boilerplate; counting which
lines recur is the store's job (``corpus.extract`` keeps per-outlet line counts, incrementally).
"""

from __future__ import annotations

import xxhash

MAX_COUNTED_LINE_CHARS = 300   # longer lines are article prose, never counted


def line_key(line: str) -> int:
    """A signed 64-bit hash of a line without whitespace (fits an SQLite INTEGER)."""
    return xxhash.xxh64_intdigest("".join(line.split()).encode("utf-8")) - 2**63


def page_keys(lines: list[str]) -> list[int]:
    """The distinct keys of a page's countable lines (a line counts once per page)."""
    return sorted({line_key(line) for line in lines if len(line) <= MAX_COUNTED_LINE_CHARS})


def remove_boilerplate(lines: list[str], boilerplate: set[int] | frozenset[int]) -> tuple[list[str], int]:
    """The lines that are not boilerplate, and how many were removed."""
    if not boilerplate:
        return lines, 0
    kept = [line for line in lines if len(line) > MAX_COUNTED_LINE_CHARS or line_key(line) not in boilerplate]
    return kept, len(lines) - len(kept)
