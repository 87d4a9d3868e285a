"""Every cleaner default in one place, prefixed CLEANERS_ (Scrapy's default_settings habit)."""

from __future__ import annotations

from dataclasses import dataclass, fields

# Extraction (trafilatura), options chosen by benchmarks/extraction.py on the realdata gold sets.
CLEANERS_FAVOR_PRECISION = True
CLEANERS_FAVOR_RECALL = False
CLEANERS_INCLUDE_TABLES = True
CLEANERS_INCLUDE_COMMENTS = False
# trafilatura's fallback extractors (readability, jusText): "when-short" runs them only when its own
# pass finds fewer than CLEANERS_FALLBACK_BELOW characters (a news story rarely has fewer).
# Measured on the realdata gold pages (benchmarks/extraction.py): "when-short" F1 0.897 at 1.09x bare
# trafilatura's speed; "always" F1 0.898 at 0.85x; "never" F1 0.884 at 1.13x.
CLEANERS_FALLBACK = "when-short"
CLEANERS_FALLBACK_BELOW = 500
FALLBACK_CHOICES = ("when-short", "always", "never")
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
    fallback: str = CLEANERS_FALLBACK
    fallback_below: int = CLEANERS_FALLBACK_BELOW
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
        if self.fallback not in FALLBACK_CHOICES:
            raise ValueError(f"CLEANERS_FALLBACK must be one of {', '.join(FALLBACK_CHOICES)}, got {self.fallback!r}")
        if self.favor_precision and self.favor_recall:
            raise ValueError("CLEANERS_FAVOR_PRECISION and CLEANERS_FAVOR_RECALL exclude each other; set one of them")
        for name in ("max_garbled_share", "min_plausibility", "script_mixed_share", "boilerplate_share"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"CLEANERS_{name.upper()} must be a share between 0 and 1, got {getattr(self, name)!r}")
        for name in ("max_html_chars", "min_chars", "fallback_below", "lang_sample_chars", "boilerplate_min_pages"):
            if getattr(self, name) < 1:
                raise ValueError(f"CLEANERS_{name.upper()} must be a positive integer, got {getattr(self, name)!r}")

    def as_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}
