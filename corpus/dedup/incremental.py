"""An incremental run's candidates: the persisted index (``index.py``) brought up to date with the
representatives that changed, and the scope grown by querying it for the scope's documents only.

The result is the full run's: the scope is closed under the full run's candidate pairs (asked of the
index), exact-duplicate groups, old clusters and editors' groups, and documents outside it keep
clusters that the same pairs made. Two things can change pairs between documents that did not change
themselves, and both put those documents into the scope (``changed_neighbourhoods``): a bucket that
turns crowded or back (or whose crowded order shifts around a changed member), and a sentence that
turns frequent or back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from corpus.dedup.candidates import crowded_order, lsh_pairs_touching, sentence_pairs_touching
from corpus.dedup.fingerprint import band_keys
from corpus.dedup.index import CandidateIndex, Segment
from corpus.dedup.scope import Grower
from corpus.dedup.settings import DedupSettings


@dataclass
class IndexChange:
    """The index after this run's changes, and the documents whose pairs changed without them changing."""

    index: CandidateIndex
    disturbed: set[int]


def segment_of(docs: np.ndarray, signatures: np.ndarray, sentences: list[np.ndarray], bands: int,
               rows: int) -> Segment:
    """Index rows for representatives ``docs`` from their signatures and sentence hashes."""
    counts = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
    post_hash = np.concatenate(sentences) if sentences else np.empty(0, dtype=np.int64)
    return Segment.build(docs, band_keys(signatures, bands, rows), counts, post_hash, np.repeat(docs, counts))


def update(before: CandidateIndex, reps: np.ndarray, changed: np.ndarray,
           read: Callable[[np.ndarray], Segment], settings: DedupSettings) -> IndexChange:
    """``before`` with the rows of ``reps`` (sorted: the representatives with shingles now), given
    the documents fingerprinted or forgotten since it was written (``changed``); ``read`` builds
    rows for representatives from the store."""
    live = before.live_docs()
    removed = np.union1d(np.setdiff1d(live, reps, assume_unique=True), np.intersect1d(live, changed))
    added = read(np.setdiff1d(reps, np.setdiff1d(live, removed, assume_unique=True), assume_unique=True))
    after = before.updated(removed, added)
    return IndexChange(after, changed_neighbourhoods(before, after, removed, added, settings))


def changed_neighbourhoods(before: CandidateIndex, after: CandidateIndex, removed: np.ndarray, added: Segment,
                           settings: DedupSettings) -> set[int]:
    """Unchanged documents whose candidate pairs differ between ``before`` and ``after``."""
    disturbed: set[int] = set()
    changed = np.union1d(removed, added.docs)
    keys = np.concatenate([before.keys_of(removed), np.asarray(added.keys)])
    limit = settings.max_candidates
    for band in range(after.bands):
        wanted = np.unique(keys[:, band])
        old_key, old_docs = before.bucket_members(band, wanted)
        new_key, new_docs = after.bucket_members(band, wanted)
        old_size = np.searchsorted(old_key, wanted, "right") - np.searchsorted(old_key, wanted)
        new_size = np.searchsorted(new_key, wanted, "right") - np.searchsorted(new_key, wanted)
        for key in wanted[(old_size > limit) | (new_size > limit)]:
            old = old_docs[old_key == key]
            new = new_docs[new_key == key]
            if (len(old) > limit) != (len(new) > limit):  # every pair of the bucket changed
                disturbed.update(old.tolist(), new.tolist())
                continue
            for index, members in ((before, old), (after, new)):
                members = members[crowded_order(index.keys_of(members), band)]
                reach = settings.crowded_neighbours
                for position in np.flatnonzero(np.isin(members, changed)).tolist():
                    disturbed.update(members[max(position - reach, 0):position + reach + 1].tolist())
    old_hashes, _ = before.sentences_of(removed)
    hashes = np.unique(np.concatenate([old_hashes, np.asarray(added.post_hash)]))
    old_hash, old_docs = before.holders(hashes)
    new_hash, new_docs = after.holders(hashes)
    # A sentence that crossed the cap pairs (or stops pairing) holders that did not change.
    pairable = []
    for found in (old_hash, new_hash):
        count = np.searchsorted(found, hashes, "right") - np.searchsorted(found, hashes)
        pairable.append(count <= settings.sentence_max_docs)
    crossed = pairable[0] != pairable[1]
    for found, docs, side in ((old_hash, old_docs, pairable[0]), (new_hash, new_docs, pairable[1])):
        disturbed.update(docs[np.isin(found, hashes[crossed & side])].tolist())
    disturbed.difference_update(changed.tolist())
    return disturbed


@dataclass
class Scope:
    """The documents to re-cluster, the candidate pairs among their representatives, and counts."""

    docs: set[int] = field(default_factory=set)
    pairs: set[tuple[int, int]] = field(default_factory=set)
    stats: dict[str, int] = field(default_factory=dict)


def grow_scope(index: CandidateIndex, grow: Grower, rep_of: Callable[[int], int], sentences_of: Callable[[np.ndarray], list[np.ndarray]], settings: DedupSettings) -> Scope:
    """Close ``grow.scope`` (grown from the seeds along groups and clusters) under the full run's
    candidate pairs, asking the index about each representative once."""
    scope = grow.scope
    live = index.live_docs()
    queried = np.empty(0, dtype=np.int64)
    found: set[tuple[int, int]] = set()
    stats = {"lsh_pairs": 0, "crowded_buckets": 0, "sentence_pairs": 0, "frequent_sentences": 0}
    while True:
        reps = np.unique(np.fromiter((rep_of(doc) for doc in scope), dtype=np.int64, count=len(scope)))
        fresh = np.setdiff1d(np.intersect1d(reps, live, assume_unique=True), queried, assume_unique=True)
        if not len(fresh):
            break
        queried = np.union1d(queried, fresh)
        lsh, lsh_stats = lsh_pairs_touching(index, fresh, settings.max_candidates, settings.crowded_neighbours)
        hashes = sentences_of(fresh)
        holding = np.flatnonzero(np.fromiter(map(len, hashes), dtype=np.int64, count=len(hashes)))
        inside, sentence_stats = sentence_pairs_touching(index, fresh[holding], [hashes[i] for i in holding],
                                                         settings.sentence_max_docs, settings.sentence_min_share)
        stats["lsh_pairs"] += lsh_stats.pairs
        stats["crowded_buckets"] += lsh_stats.crowded_buckets
        stats["sentence_pairs"] += sentence_stats.pairs
        stats["frequent_sentences"] += sentence_stats.frequent_sentences
        new = [(a, b) for a, b in np.concatenate([lsh, inside]).tolist()]
        found.update(new)
        grow([doc for pair in new for doc in pair if doc not in scope])
    return Scope(scope, found, stats)
