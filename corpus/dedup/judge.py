"""Is a verified pair one story? Similarity, coverage, length, headlines, figures and dates decide.

Every pair gets a ``Link`` with its kind and a reason an editor can read:

- ``near``: verified Jaccard >= ``DEDUP_THRESHOLD``;
- ``copy``: the shorter text lies almost wholly inside the longer one (``DEDUP_TITLED_CONTAINMENT``)
  and the longer is not much longer (``DEDUP_COPY_MAX_GROWTH``, a reprint that dropped sentences),
  or is longer but under the same headline (a desk dropped a paragraph); either from
  ``DEDUP_TITLED_THRESHOLD`` up;
- ``containment``: a story inside a much longer text, or inside a page whose headline reads like a
  newspaper page (e-paper edition): flagged, never merged (``DEDUP_RETITLED_THRESHOLD`` aside);
- ``edition``: near-identical texts whose differences sit in their figures and dates (masking the
  numbers explains at least ``DEDUP_EDITION_SHARE`` of what differs, and both sides have numbers the
  other lacks), published on different days (or undated): another day's edition of a templated
  report, a different story, linked as "same template";
- ``revision``: the same, published the same day: one story revised, its latest version preferred;
- ``different``: nothing of the above.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import numpy as np

from corpus.dedup.fingerprint import normalized_text, similarity, title_relation
from corpus.dedup.minhash import shingle_set
from corpus.dedup.normalize import to_simplified
from corpus.dedup.settings import DedupSettings

SAME_STORY = frozenset({"near", "copy", "revision"})
_NUMBER = re.compile(r"\d+\D?")   # a figure with its unit or date part: "25日", "3亿", "2024年"
_DIGITS = re.compile(r"\d+")
_PAGE_TITLE = re.compile(r"电子版|数字报|版面|第\s*[A-Za-z]?\d{1,3}\s*版")


@dataclass(frozen=True)
class Link:
    """The verdict on one pair of documents."""

    jaccard: float
    contained: float
    kind: str
    reason: str

    @property
    def same(self) -> bool:
        return self.kind in SAME_STORY


@dataclass(frozen=True)
class DocFacts:
    """What the judge knows of a document besides its text."""

    title: str | None
    published: str | None


class Evidence:
    """Exact shingle sets, figures and masked texts of the documents being verified."""

    def __init__(self, shingle_size: int):
        self.shingle_size = shingle_size
        self._texts: dict[int, str] = {}
        self._sets: dict[int, np.ndarray] = {}
        self._numbers: dict[int, frozenset[str]] = {}

    def load(self, texts: dict[int, str]) -> None:
        for doc_id, text in texts.items():
            norm = normalized_text(text)
            self._texts[doc_id] = norm
            self._sets[doc_id] = shingle_set(norm, self.shingle_size)

    def __contains__(self, doc_id: int) -> bool:
        return doc_id in self._sets

    def similarity(self, a: int, b: int) -> tuple[float, float]:
        return similarity(self._sets[a], self._sets[b])

    def size(self, doc_id: int) -> int:
        return len(self._sets[doc_id])

    def numbers(self, doc_id: int) -> frozenset[str]:
        if doc_id not in self._numbers:
            self._numbers[doc_id] = frozenset(_NUMBER.findall(self._texts[doc_id]))
        return self._numbers[doc_id]

    def masked_jaccard(self, a: int, b: int) -> float:
        """Jaccard once every run of digits reads "0": what the texts share besides their figures."""
        masked = [shingle_set(_DIGITS.sub("0", self._texts[doc]), self.shingle_size) for doc in (a, b)]
        return similarity(*masked)[0]


@lru_cache(maxsize=65536)
def _page_like(title: str) -> bool:
    return bool(_PAGE_TITLE.search(to_simplified(title[:200])))


def _day(published: str | None) -> str | None:
    if not published:
        return None
    try:
        return datetime.fromisoformat(published.strip().replace("Z", "+00:00")).date().isoformat()
    except ValueError:
        return None


class Judge:
    """Decides on verified evidence whether two documents are copies of one story."""

    def __init__(self, settings: DedupSettings, facts: dict[int, DocFacts], evidence: Evidence):
        self.settings = settings
        self.facts = facts
        self.evidence = evidence

    def link(self, a: int, b: int) -> Link:
        jaccard, contained = self.evidence.similarity(a, b)
        kind, reason = self._textual(a, b, jaccard, contained)
        if kind in SAME_STORY:
            kind, reason = self._edition(a, b, jaccard, kind, reason)
        return Link(jaccard, contained, kind, reason)

    def _textual(self, a: int, b: int, jaccard: float, contained: float) -> tuple[str, str]:
        settings = self.settings
        if contained < settings.titled_containment:
            if jaccard >= settings.threshold:
                return "near", f"similarity {jaccard:.2f}"
            if contained >= settings.containment:
                return "containment", f"{contained:.0%} of the shorter text inside the longer"
            return "different", f"similarity {jaccard:.2f}"
        shorter, longer = sorted((a, b), key=lambda doc: (self.evidence.size(doc), doc))
        growth = self.evidence.size(longer) / max(self.evidence.size(shorter), 1)
        covered = f"{contained:.0%} inside a text {growth:.2f}x as long"
        if jaccard >= settings.retitled_threshold:
            return "near", f"similarity {jaccard:.2f}"
        title = self.facts[longer].title
        if title and _page_like(title):
            return "containment", f"{covered}: a page (\u201c{title[:40]}\u201d) holding the story"
        if growth <= settings.copy_max_growth and jaccard >= settings.titled_threshold:
            return "copy", f"shortened copy: {covered}"
        same_headline = title_relation(self.facts[a].title, self.facts[b].title) == "same"
        if same_headline and jaccard >= settings.titled_threshold:
            return "copy", f"shortened copy under the same headline: {covered}"
        return "containment", f"story inside a longer text: {covered}"

    def _edition(self, a: int, b: int, jaccard: float, kind: str, reason: str) -> tuple[str, str]:
        """Copies whose differences are their figures and dates: other editions, or revisions."""
        numbers_a, numbers_b = self.evidence.numbers(a), self.evidence.numbers(b)
        only_a, only_b = numbers_a - numbers_b, numbers_b - numbers_a
        if not only_a or not only_b or jaccard >= 1.0:
            return kind, reason
        masked = self.evidence.masked_jaccard(a, b)
        explained = (masked - jaccard) / (1.0 - jaccard)
        if explained < self.settings.edition_share:
            return kind, reason
        changed = f"{len(only_a) + len(only_b)} figures/dates differ, {explained:.0%} of the difference"
        day_a, day_b = _day(self.facts[a].published), _day(self.facts[b].published)
        if day_a and day_a == day_b:
            return "revision", f"same-day revision ({day_a}): {changed}; similarity {jaccard:.2f}"
        days = f"published {day_a or 'undated'} and {day_b or 'undated'}"
        return "edition", f"same template, another edition: {changed}; {days}; similarity {jaccard:.2f}"
