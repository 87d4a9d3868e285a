"""Report settings: every default in one place, validated when the settings are made."""

from __future__ import annotations

from dataclasses import dataclass

import opencc

# Characters of each duplicate's text embedded for the side-by-side diff (article text is capped:
# a 10,000-cluster page must stay small enough to open quickly).
REPORT_TEXT_MAX_CHARS = 6000
# Characters of a singleton's text shown as an excerpt (singletons have nothing to diff against).
REPORT_EXCERPT_CHARS = 280
# The browser gives up aligning two texts after this many character edits and shows them plainly.
REPORT_DIFF_MAX_EDITS = 2000
# Clusters rendered at a time in the page; more on demand.
REPORT_PAGE_SIZE = 50
# OpenCC configuration that shows Traditional text as Simplified (hk2s also maps Hong Kong variants).
REPORT_SIMPLIFY_CONFIG = "hk2s"
# A half-written report folder (``.tmp-*``, left by a killed run) older than this is removed.
REPORT_STALE_TEMP_SECONDS = 3600
# Rows listed in the containment and "changed since" tables of the page (all rows go to report.json).
REPORT_TABLE_ROWS = 200
# A published time without a UTC offset is read at this offset (China Standard Time) in "who copies whom".
REPORT_NAIVE_UTC_OFFSET_HOURS = 8
# Outlets drawn in the who-copies-whom matrix and weekly chart (all are in report.json and copies.csv).
REPORT_MATRIX_OUTLETS = 12


@dataclass(frozen=True)
class ReportSettings:
    text_max_chars: int = REPORT_TEXT_MAX_CHARS
    excerpt_chars: int = REPORT_EXCERPT_CHARS
    diff_max_edits: int = REPORT_DIFF_MAX_EDITS
    page_size: int = REPORT_PAGE_SIZE
    simplify_config: str = REPORT_SIMPLIFY_CONFIG
    table_rows: int = REPORT_TABLE_ROWS
    naive_utc_offset_hours: int = REPORT_NAIVE_UTC_OFFSET_HOURS
    matrix_outlets: int = REPORT_MATRIX_OUTLETS
    stale_temp_seconds: int = REPORT_STALE_TEMP_SECONDS

    def __post_init__(self) -> None:
        if not isinstance(self.naive_utc_offset_hours, int) or not -12 <= self.naive_utc_offset_hours <= 14:
            raise ValueError(f"report setting naive_utc_offset_hours must be an integer from -12 to 14, "
                             f"got {self.naive_utc_offset_hours!r}")
        for name in ("text_max_chars", "excerpt_chars", "diff_max_edits", "page_size", "table_rows", "matrix_outlets",
                     "stale_temp_seconds"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"report setting {name} must be a positive integer, got {value!r}")
        try:
            opencc.OpenCC(self.simplify_config)
        except Exception as error:  # opencc raises a bare RuntimeError for unknown configs
            raise ValueError(f"report setting simplify_config={self.simplify_config!r} is not an OpenCC "
                             f"configuration; use one such as 'hk2s', 't2s' or 'tw2s' ({error})") from None
