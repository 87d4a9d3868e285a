"""Candidate pairs from in-memory inverted indexes: LSH band buckets and long-sentence postings.

Both are the same computation on numpy arrays: sort (key, document) postings by key, cut the runs
of equal keys, and pair the documents of each run. No SQL, no Python loop per document.

- LSH: one posting per (document, band); a run is a bucket. A bucket with more than ``max_bucket``
  documents is crowded (templates, boilerplate): its members are ordered by their next bands' keys
  and each is paired with its ``neighbours`` next ones, so the pairs stay linear in its size.
- Sentences: one posting per (document, long sentence). A sentence held by more than ``max_docs``
  documents is boilerplate or a template line: skipped and counted. Two documents are a containment
  candidate when they share at least two sentences and ``min_share`` of the sentences of the one
  with fewer.

An incremental run asks the same questions of the persisted index (``index.py``), for the
documents it re-clusters only: ``lsh_pairs_touching`` and ``sentence_pairs_touching`` answer the
pairs the whole-corpus functions would find that touch those documents.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from corpus.dedup.index import CandidateIndex


@dataclass(frozen=True)
class CandidateStats:
    pairs: int
    crowded_buckets: int = 0
    frequent_sentences: int = 0


def _runs(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Starts and lengths of the runs of equal values in sorted ``keys``."""
    if not len(keys):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))
    return starts, np.diff(np.concatenate((starts, [len(keys)])))


def _pairs_within(values: np.ndarray, starts: np.ndarray, lengths: np.ndarray, reach: int | None = None) -> np.ndarray:
    """``(m, 2)`` pairs of ``values`` in the same run (every pair, or each with its ``reach`` next ones);
    the runs are ``values[start:start + length]``."""
    if not len(starts):
        return np.empty((0, 2), dtype=values.dtype)
    position = np.arange(int(lengths.sum())) - np.repeat(np.cumsum(lengths) - lengths - starts, lengths)
    end = np.repeat(starts + lengths, lengths)
    out = []
    offset = 1
    while len(position) and (reach is None or offset <= reach):
        alive = end - position > offset
        position, end = position[alive], end[alive]
        out.append(np.stack((values[position], values[position + offset]), axis=1))
        offset += 1
    return np.concatenate(out) if out else np.empty((0, 2), dtype=values.dtype)


def _keys(pairs: np.ndarray) -> np.ndarray:
    """Each pair (low, high) of non-negative ids below 2^31 as one int64 (np.unique on 1-D keys is
    several times faster and lighter than on rows)."""
    low, high = np.minimum(pairs[:, 0], pairs[:, 1]), np.maximum(pairs[:, 0], pairs[:, 1])
    keys = (low.astype(np.int64) << 31) | high.astype(np.int64)
    return keys[low != high]


def _pairs(keys: np.ndarray) -> np.ndarray:
    return np.stack((keys >> 31, keys & ((1 << 31) - 1)), axis=1)


def _ordered(pairs: np.ndarray) -> np.ndarray:
    """Distinct pairs with the lower id first."""
    return _pairs(np.unique(_keys(pairs))) if len(pairs) else pairs


def lsh_pairs(ids: np.ndarray, keys: np.ndarray, max_bucket: int, neighbours: int) -> tuple[np.ndarray, CandidateStats]:
    """Candidate pairs of ``ids`` (int64, n) whose ``keys`` (uint64, n x bands) agree on a band."""
    found = []
    crowded = 0
    bands = keys.shape[1] if keys.ndim == 2 else 0
    for band in range(bands):
        order = np.argsort(keys[:, band], kind="stable")
        starts, lengths = _runs(keys[order, band])
        shared = lengths > 1
        small = shared & (lengths <= max_bucket)
        found.append(_pairs_within(ids[order], starts[small], lengths[small]))
        big = shared & (lengths > max_bucket)
        crowded += int(big.sum())
        for start, length in zip(starts[big], lengths[big]):
            members = order[start:start + length]
            # Documents agreeing on the next bands too sit next to each other.
            members = members[crowded_order(keys[members], band)]
            found.append(_pairs_within(ids[members], np.array([0]), np.array([length]), neighbours))
    pairs = _ordered(np.concatenate(found)) if found else np.empty((0, 2), dtype=np.int64)
    return pairs, CandidateStats(len(pairs), crowded_buckets=crowded)


def sentence_pairs(ids: np.ndarray, hashes: list[np.ndarray], max_docs: int, min_share: float,
                   min_shared: int = 2, only: np.ndarray | None = None) -> tuple[np.ndarray, CandidateStats]:
    """Pairs of ``ids`` sharing at least ``min_shared`` long sentences and ``min_share`` of the
    sentences of the one with fewer; ``hashes[i]`` are ``ids[i]``'s distinct sentence hashes.
    ``only`` (sorted distinct hashes): count just these sentences (every pair that holds a document
    owning all of them is still found exactly)."""
    counts = np.fromiter(map(len, hashes), dtype=np.int64, count=len(hashes))
    if not counts.sum():
        return np.empty((0, 2), dtype=np.int64), CandidateStats(0)
    postings = np.concatenate(hashes)
    owner = np.repeat(np.arange(len(ids), dtype=np.int64), counts)
    if only is not None:
        found = np.searchsorted(only, postings).clip(max=max(len(only) - 1, 0))
        chosen = only[found] == postings if len(only) else np.zeros(len(postings), dtype=bool)
        postings, owner = postings[chosen], owner[chosen]
    order = np.argsort(postings, kind="stable")
    starts, lengths = _runs(postings[order])
    frequent = int((lengths > max_docs).sum())
    keep = (lengths > 1) & (lengths <= max_docs)
    pairs = _pairs_within(owner[order], starts[keep], lengths[keep])
    if not len(pairs):
        return pairs, CandidateStats(0, frequent_sentences=frequent)
    keys, shared = np.unique(_keys(pairs), return_counts=True)
    unique = _pairs(keys)
    fewer = np.minimum(counts[unique[:, 0]], counts[unique[:, 1]])
    chosen = unique[(shared >= min_shared) & (shared >= min_share * fewer)]
    return _ordered(ids[chosen]), CandidateStats(len(chosen), frequent_sentences=frequent)


def crowded_order(keys: np.ndarray, band: int) -> np.ndarray:
    """Positions of a crowded bucket's members (rows of ``keys``, in doc order) as ``lsh_pairs`` pairs
    them: by the next band's key, then the one after, stable."""
    bands = keys.shape[1]
    return np.lexsort([keys[:, (band + step) % bands] for step in (2, 1)])


def lsh_pairs_touching(index: CandidateIndex, reps: np.ndarray, max_bucket: int,
                       neighbours: int) -> tuple[np.ndarray, CandidateStats]:
    """The pairs ``lsh_pairs`` would find over all of ``index``'s rows that touch ``reps`` (live rows,
    sorted), read from the buckets ``reps`` fall in; pairs of a small bucket come whole."""
    keys = index.keys_of(reps)
    found = []
    crowded = 0
    for band in range(index.bands):
        bucket, docs = index.bucket_members(band, np.unique(keys[:, band]))
        starts, lengths = _runs(bucket)
        small = (lengths > 1) & (lengths <= max_bucket)
        found.append(_pairs_within(docs, starts[small], lengths[small]))
        big = lengths > max_bucket
        crowded += int(big.sum())
        for start, length in zip(starts[big], lengths[big]):
            members = docs[start:start + length]
            members = members[crowded_order(index.keys_of(members), band)]
            pairs = _pairs_within(members, np.array([0]), np.array([length]), neighbours)
            found.append(pairs[np.isin(pairs, reps).any(axis=1)])
    pairs = _ordered(np.concatenate(found)) if found else np.empty((0, 2), dtype=np.int64)
    return pairs, CandidateStats(len(pairs), crowded_buckets=crowded)


def sentence_pairs_touching(index: CandidateIndex, reps: np.ndarray, hashes: list[np.ndarray], max_docs: int,
                            min_share: float, min_shared: int = 2) -> tuple[np.ndarray, CandidateStats]:
    """The pairs ``sentence_pairs`` would find over all of ``index``'s rows that touch ``reps``
    (``hashes[i]``: ``reps[i]``'s sentence hashes): counted over every sentence of ``reps``, so
    each such pair's shared count is exact."""
    if not sum(map(len, hashes)):
        return np.empty((0, 2), dtype=np.int64), CandidateStats(0)
    value, docs = index.holders(np.unique(np.concatenate(hashes)))
    starts, lengths = _runs(value)
    frequent = int((lengths > max_docs).sum())
    keep = (lengths > 1) & (lengths <= max_docs)
    pairs = _pairs_within(docs, starts[keep], lengths[keep])
    pairs = pairs[np.isin(pairs, reps).any(axis=1)]
    if not len(pairs):
        return np.empty((0, 2), dtype=np.int64), CandidateStats(0, frequent_sentences=frequent)
    keys, shared = np.unique(_keys(pairs), return_counts=True)
    unique = _pairs(keys)
    fewer = np.minimum(index.counts_of(unique[:, 0]), index.counts_of(unique[:, 1]))
    chosen = unique[(shared >= min_shared) & (shared >= min_share * fewer)]
    return chosen, CandidateStats(len(chosen), frequent_sentences=frequent)
