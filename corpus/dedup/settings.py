"""Every dedup setting and its default, in one place, validated when built."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

# Measured on the labelled set (benchmarks/dedup.py prints the sweep): after normalisation every
# size from 3 to 8 characters scores P = R = 1.0 there and leaves about the same margin between
# copies and the closest non-copies; 5 is the middle of that range, and shorter shingles make
# unrelated texts share more by chance (more candidates to verify).
DEDUP_SHINGLE_SIZE = 5
DEDUP_NUM_PERM = 128
DEDUP_SEED = 1
# Decision on *verified* Jaccard of the shingle sets (never on the MinHash estimate). On the
# labelled set, copies that are not shortened score >= 0.74 (1st percentile), while an e-paper
# page made mostly of one story scores up to 0.61 against it: 0.6 plus the headline rule below.
DEDUP_THRESHOLD = 0.6
# When the shorter text lies almost wholly inside the longer one (DEDUP_TITLED_CONTAINMENT of its
# shingles), the headlines decide: under the same headline it is a shortened copy (a desk dropped
# a paragraph, 40 % of a short story) from DEDUP_TITLED_THRESHOLD up; under another headline it
# is a story inside a page or a longer report, a containment, unless Jaccard reaches
# DEDUP_RETITLED_THRESHOLD (a re-titled repost). Without both headlines DEDUP_THRESHOLD decides.
DEDUP_TITLED_CONTAINMENT = 0.9
DEDUP_TITLED_THRESHOLD = 0.4
DEDUP_RETITLED_THRESHOLD = 0.8
# LSH only proposes candidates; it must sit well below the decision threshold (an LSH threshold
# equal to the decision one misses close to half the pairs just above it). 0.4 gives datasketch's
# 32 bands of 4 rows: a pair at Jaccard 0.6 is proposed with probability 0.988, at 0.7 > 0.9999.
DEDUP_LSH_THRESHOLD = 0.4
# Templated pages can put thousands of documents in one LSH bucket. A bucket holding more than
# DEDUP_MAX_CANDIDATES documents is crowded: instead of every pair, each member is paired with its
# DEDUP_CROWDED_NEIGHBOURS next members in signature order (documents that also agree on other
# bands sit side by side), so candidates stay linear in the bucket's size. Counted in the summary.
DEDUP_MAX_CANDIDATES = 100
DEDUP_CROWDED_NEIGHBOURS = 8
# When the shorter text lies inside the longer one (DEDUP_TITLED_CONTAINMENT), length decides
# first: a longer text at most this many times as long (in shingles) is the same story (a reprint
# that dropped a fifth to a third of the sentences and wrote its own headline: 1.25x-1.6x, Jaccard
# 0.6-0.8); a page headlined like a newspaper page ("电子版", "第A01版") is a container whatever its
# length, and a story inside a text twice its length or more is a containment.
DEDUP_COPY_MAX_GROWTH = 1.7
# Near-copies whose numbers differ on both sides are other editions of a template when masking the
# numbers explains at least this share of what differs (a lightly edited copy: none of it).
DEDUP_EDITION_SHARE = 0.5
# A document joins a cluster through its best-matching member, unless its verified Jaccard with some
# member is below this floor without a same-story verdict (no chains: A~B~C, A and C unrelated).
DEDUP_MEMBER_FLOOR = 0.5
# A document holding this share of a shorter one's shingles is flagged as containing it.
DEDUP_CONTAINMENT = 0.8
# Containment candidates: two documents sharing half the long sentences of the one with fewer
# (at least two). Sentences must be long enough to be specific and rare enough not to be
# boilerplate; the shingle containment (DEDUP_CONTAINMENT) then decides. These candidates also
# bring shortened copies whose Jaccard sits below the LSH's reliable range.
DEDUP_SENTENCE_MIN_CHARS = 16
DEDUP_SENTENCE_MAX_DOCS = 50
DEDUP_SENTENCE_MIN_SHARE = 0.5
# Canonical policy: earliest published (compared at this granularity: "day" or "second"), then
# a wire agency, then a priority outlet, then the longest normalised text, then the lowest id.
DEDUP_CANONICAL_DATE_GRANULARITY = "day"
DEDUP_WIRE_AGENCIES = ("新华社", "新華社", "xinhua", "中新社", "中新網", "中新网", "chinanews", "wire")
DEDUP_PRIORITY_OUTLETS: tuple[str, ...] = ()
DEDUP_FINGERPRINT_BATCH = 500
# Worker processes for fingerprinting and verification (0: one per CPU core).
DEDUP_WORKERS = 0


@dataclass(frozen=True)
class DedupSettings:
    """The knobs of one dedup run (recorded in ``dedup_runs.settings``).

    Raises:
        ValueError: a setting is out of range; the message names the setting and the fix.
    """

    shingle_size: int = DEDUP_SHINGLE_SIZE
    num_perm: int = DEDUP_NUM_PERM
    seed: int = DEDUP_SEED
    threshold: float = DEDUP_THRESHOLD
    lsh_threshold: float = DEDUP_LSH_THRESHOLD
    titled_containment: float = DEDUP_TITLED_CONTAINMENT
    titled_threshold: float = DEDUP_TITLED_THRESHOLD
    retitled_threshold: float = DEDUP_RETITLED_THRESHOLD
    containment: float = DEDUP_CONTAINMENT
    max_candidates: int = DEDUP_MAX_CANDIDATES
    crowded_neighbours: int = DEDUP_CROWDED_NEIGHBOURS
    copy_max_growth: float = DEDUP_COPY_MAX_GROWTH
    edition_share: float = DEDUP_EDITION_SHARE
    member_floor: float = DEDUP_MEMBER_FLOOR
    sentence_min_chars: int = DEDUP_SENTENCE_MIN_CHARS
    sentence_max_docs: int = DEDUP_SENTENCE_MAX_DOCS
    sentence_min_share: float = DEDUP_SENTENCE_MIN_SHARE
    canonical_date_granularity: str = DEDUP_CANONICAL_DATE_GRANULARITY
    wire_agencies: tuple[str, ...] = field(default=DEDUP_WIRE_AGENCIES)
    priority_outlets: tuple[str, ...] = field(default=DEDUP_PRIORITY_OUTLETS)
    fingerprint_batch: int = DEDUP_FINGERPRINT_BATCH
    workers: int = DEDUP_WORKERS

    def __post_init__(self):
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"DEDUP_THRESHOLD must be in (0, 1], got {self.threshold}")
        if not 0.0 < self.lsh_threshold <= self.threshold:
            raise ValueError(
                f"DEDUP_LSH_THRESHOLD ({self.lsh_threshold}) must be in (0, DEDUP_THRESHOLD={self.threshold}]: "
                "LSH only proposes candidates, verification decides. Lower the LSH threshold."
            )
        if not 0.0 < self.sentence_min_share <= 1.0:
            raise ValueError(f"DEDUP_SENTENCE_MIN_SHARE must be in (0, 1], got {self.sentence_min_share}")
        if not 0.0 < self.titled_threshold <= self.threshold <= self.retitled_threshold <= 1.0:
            raise ValueError("need 0 < DEDUP_TITLED_THRESHOLD <= DEDUP_THRESHOLD <= DEDUP_RETITLED_THRESHOLD <= 1, got "
                             f"{self.titled_threshold}, {self.threshold}, {self.retitled_threshold}")
        if not 0.0 < self.titled_containment <= 1.0:
            raise ValueError(f"DEDUP_TITLED_CONTAINMENT must be in (0, 1], got {self.titled_containment}")
        if not 0.0 < self.containment <= 1.0:
            raise ValueError(f"DEDUP_CONTAINMENT must be in (0, 1], got {self.containment}")
        if not 2 <= self.shingle_size <= 16:
            raise ValueError(f"DEDUP_SHINGLE_SIZE must be between 2 and 16 characters, got {self.shingle_size}")
        if not 16 <= self.num_perm <= 1024:
            raise ValueError(f"DEDUP_NUM_PERM must be between 16 and 1024, got {self.num_perm}")
        if self.canonical_date_granularity not in ("day", "second"):
            raise ValueError("DEDUP_CANONICAL_DATE_GRANULARITY must be 'day' or 'second', "
                             f"got {self.canonical_date_granularity!r}")
        if self.max_candidates < 2 or self.crowded_neighbours < 1:
            raise ValueError("DEDUP_MAX_CANDIDATES must be at least 2 and DEDUP_CROWDED_NEIGHBOURS positive, got "
                             f"{self.max_candidates}, {self.crowded_neighbours}")
        if self.copy_max_growth < 1.0:
            raise ValueError(f"DEDUP_COPY_MAX_GROWTH must be at least 1 (a length ratio), got {self.copy_max_growth}")
        if not 0.0 < self.edition_share <= 1.0 or not 0.0 <= self.member_floor <= 1.0:
            raise ValueError("DEDUP_EDITION_SHARE must be in (0, 1] and DEDUP_MEMBER_FLOOR in [0, 1], got "
                             f"{self.edition_share}, {self.member_floor}")
        if self.workers < 0:
            raise ValueError(f"DEDUP_WORKERS must be 0 (one per core) or a number of processes, got {self.workers}")
        if self.fingerprint_batch < 1 or self.sentence_max_docs < 2 or self.sentence_min_chars < 1:
            raise ValueError("DEDUP_FINGERPRINT_BATCH, DEDUP_SENTENCE_MAX_DOCS and DEDUP_SENTENCE_MIN_CHARS "
                             "must be positive (SENTENCE_MAX_DOCS at least 2)")

    def with_threshold(self, threshold: float | None) -> "DedupSettings":
        """These settings with another decision threshold; the LSH threshold follows it down if needed."""
        if threshold is None:
            return self
        return replace(self, threshold=threshold, lsh_threshold=min(self.lsh_threshold, round(threshold * 2 / 3, 3)),
                       titled_threshold=min(self.titled_threshold, threshold),
                       retitled_threshold=max(self.retitled_threshold, threshold))

    def as_dict(self) -> dict:
        return asdict(self)
