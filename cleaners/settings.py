"""Every cleaner default in one place, prefixed CLEANERS_ (Scrapy's default_settings habit)."""

from __future__ import annotations

from dataclasses import dataclass, fields

# Extraction (trafilatura), options chosen by benchmarks/extraction.py on the realdata gold sets.
CLEANERS_FAVOR_PRECISION = True
CLEANERS_FAVOR_RECALL = False
CLEANERS_INCLUDE_TABLES = True
CLEANERS_INCLUDE_COMMENTS = False
CLEANERS_FAST = False                        # True skips trafilatura's fallback extractors (readability, jusText)
CLEANERS_MAX_HTML_CHARS = 3_000_000          # hostile input: longer pages are cut before parsing

# Rejects.
CLEANERS_MIN_CHARS = 60                      # shorter clean text: too-short
CLEANERS_MAX_GARBLED_SHARE = 0.02            # replacement characters per character: garbled
CLEANERS_MIN_PLAUSIBILITY = 0.6              # share of common Hanzi among non-ASCII: else garbled
CLEANERS_LANGUAGES = ("zh",)                 # other languages: wrong-language

# Language and script, read on a bounded sample so long pages stay fast.
CLEANERS_LANG_SAMPLE_CHARS = 2000
CLEANERS_SCRIPT_MIXED_SHARE = 0.25           # minority script share above which a text is "mixed"

# Site-level boilerplate: a line on at least this share of an outlet's pages (and at least
# CLEANERS_BOILERPLATE_MIN_PAGES of them) is boilerplate whatever its wording.
CLEANERS_BOILERPLATE_SHARE = 0.3
CLEANERS_BOILERPLATE_MIN_PAGES = 5


@dataclass(frozen=True)
class CleanerSettings:
    """The settings one cleaning run uses; built from the defaults above, validated at construction."""

    favor_precision: bool = CLEANERS_FAVOR_PRECISION
    favor_recall: bool = CLEANERS_FAVOR_RECALL
    include_tables: bool = CLEANERS_INCLUDE_TABLES
    include_comments: bool = CLEANERS_INCLUDE_COMMENTS
    fast: bool = CLEANERS_FAST
    max_html_chars: int = CLEANERS_MAX_HTML_CHARS
    min_chars: int = CLEANERS_MIN_CHARS
    max_garbled_share: float = CLEANERS_MAX_GARBLED_SHARE
    min_plausibility: float = CLEANERS_MIN_PLAUSIBILITY
    languages: tuple[str, ...] = CLEANERS_LANGUAGES
    lang_sample_chars: int = CLEANERS_LANG_SAMPLE_CHARS
    script_mixed_share: float = CLEANERS_SCRIPT_MIXED_SHARE
    boilerplate_share: float = CLEANERS_BOILERPLATE_SHARE
    boilerplate_min_pages: int = CLEANERS_BOILERPLATE_MIN_PAGES

    def __post_init__(self) -> None:
        if self.favor_precision and self.favor_recall:
            raise ValueError("CLEANERS_FAVOR_PRECISION and CLEANERS_FAVOR_RECALL exclude each other; set one of them")
        for name in ("max_garbled_share", "min_plausibility", "script_mixed_share", "boilerplate_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"CLEANERS_{name.upper()} must be a share between 0 and 1, got {getattr(self, name)!r}")
        for name in ("max_html_chars", "min_chars", "lang_sample_chars", "boilerplate_min_pages"):
            if getattr(self, name) < 1:
                raise ValueError(f"CLEANERS_{name.upper()} must be a positive integer, got {getattr(self, name)!r}")

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}
