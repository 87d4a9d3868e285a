"""The candidate index, persisted beside the store: an incremental run asks it for the candidates of
the documents it re-clusters instead of rebuilding candidates over the whole corpus.

It holds one row per exact-duplicate group's representative (with shingles): the row's LSH band
keys, sorted per band, and its long-sentence hashes as sorted postings, i.e. exactly what
``candidates.lsh_pairs`` and ``candidates.sentence_pairs`` see in a full run, so the pairs it
answers are the full run's pairs. It lives in segments, each a folder of ``.npy`` files that load
memory-mapped (a query reads only the pages it touches): a base segment written by a full run, a
delta segment rewritten by each incremental run with the rows added since, and the base's dead
rows. When the delta and the dead rows outgrow ``MERGE_SHARE`` of the base they are merged into
a new base, so an incremental run's writes stay proportional to what changed.

A folder is written under a temporary name and renamed; the store's latest finished dedup run
names the folders it left (``IndexState``), so a killed run never leaves a half-written index in use.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MERGE_SHARE = 0.1  # delta rows plus dead base rows, as a share of the base, before a merge
_ARRAYS = ("docs", "keys", "counts", "band_order", "band_sorted", "post_hash", "post_row")


@dataclass(frozen=True)
class Segment:
    """Rows of representatives: ``docs`` sorted, ``keys[i]`` (uint64, bands) and ``counts[i]`` (distinct
    long sentences) of ``docs[i]``; per band, rows by key (``band_order``, stable: doc order within a
    bucket) and the keys in that order (``band_sorted``); sentence postings sorted by hash."""

    docs: np.ndarray
    keys: np.ndarray
    counts: np.ndarray
    band_order: np.ndarray
    band_sorted: np.ndarray
    post_hash: np.ndarray
    post_row: np.ndarray

    @classmethod
    def build(cls, docs: np.ndarray, keys: np.ndarray, counts: np.ndarray, post_hash: np.ndarray,
              post_doc: np.ndarray) -> "Segment":
        """A segment from rows in any order and postings ``(hash, doc)`` of those rows."""
        order = np.argsort(docs, kind="stable")
        docs, keys, counts = np.asarray(docs, dtype=np.int64)[order], np.asarray(keys, dtype=np.uint64)[order], \
            np.asarray(counts, dtype=np.int64)[order]
        band_order = np.empty((keys.shape[1], len(docs)), dtype=np.int32)
        band_sorted = np.empty((keys.shape[1], len(docs)), dtype=np.uint64)
        for band in range(keys.shape[1]):
            band_order[band] = np.argsort(keys[:, band], kind="stable")
            band_sorted[band] = keys[band_order[band], band]
        by_hash = np.argsort(post_hash, kind="stable")
        post_row = np.searchsorted(docs, np.asarray(post_doc, dtype=np.int64)[by_hash]).astype(np.int32)
        return cls(docs, keys, counts, band_order, band_sorted, np.asarray(post_hash, dtype=np.int64)[by_hash],
                   post_row)

    @classmethod
    def empty(cls, bands: int) -> "Segment":
        none = np.empty(0, dtype=np.int64)
        return cls.build(none, np.empty((0, bands), dtype=np.uint64), none, none, none)

    def rows_of(self, docs: np.ndarray) -> np.ndarray:
        """Rows of ``docs``, which must be in this segment."""
        return np.searchsorted(self.docs, docs)

    def postings(self) -> tuple[np.ndarray, np.ndarray]:
        """All ``(hash, doc)`` postings."""
        return np.asarray(self.post_hash), self.docs[self.post_row]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True)
        for name in _ARRAYS:
            np.save(folder / f"{name}.npy", getattr(self, name), allow_pickle=False)

    @classmethod
    def load(cls, folder: Path) -> "Segment":
        return cls(*(np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False) for name in _ARRAYS))


@dataclass(frozen=True)
class IndexState:
    """The folders an index lives in (recorded with the dedup run that left it)."""

    base: str
    delta: str

    def as_dict(self) -> dict:
        return {"base": self.base, "delta": self.delta}


class CandidateIndex:
    """Base and delta segments, minus the base's dead rows: the live representatives' rows."""

    def __init__(self, base: Segment, delta: Segment, dead: np.ndarray, new_base: bool = True):
        self.base, self.delta, self.dead = base, delta, np.asarray(dead, dtype=np.int64)
        self.bands = base.keys.shape[1]
        self.new_base = new_base  # the base is not on disk yet

    # Reading -------------------------------------------------------------------------------------

    def live_docs(self) -> np.ndarray:
        return np.union1d(np.setdiff1d(self.base.docs, self.dead, assume_unique=True), self.delta.docs)

    def _alive(self, docs: np.ndarray) -> np.ndarray:
        """Mask of base ``docs`` that are not dead."""
        return ~_member(docs, self.dead)

    def keys_of(self, docs: np.ndarray) -> np.ndarray:
        """``(len(docs), bands)`` band keys of live ``docs``."""
        out = np.empty((len(docs), self.bands), dtype=np.uint64)
        in_delta = _member(docs, self.delta.docs)
        out[in_delta] = self.delta.keys[self.delta.rows_of(docs[in_delta])]
        out[~in_delta] = self.base.keys[self.base.rows_of(docs[~in_delta])]
        return out

    def counts_of(self, docs: np.ndarray) -> np.ndarray:
        """Distinct long sentences of each of the live ``docs``."""
        out = np.empty(len(docs), dtype=np.int64)
        in_delta = _member(docs, self.delta.docs)
        out[in_delta] = self.delta.counts[self.delta.rows_of(docs[in_delta])]
        out[~in_delta] = self.base.counts[self.base.rows_of(docs[~in_delta])]
        return out

    def bucket_members(self, band: int, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(key, doc)`` of every live representative whose ``band`` key is one of ``keys``, sorted
        by key, then doc (a full run's bucket order)."""
        return self._lookup(lambda segment: (segment.band_sorted[band], segment.band_order[band]), keys)

    def sentences_of(self, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(hash, doc)`` postings of live ``docs`` (a scan of the postings: for the few removed rows)."""
        if not len(docs):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
        found_hashes, found_docs = [], []
        for segment, check in ((self.base, True), (self.delta, False)):
            post_hash, post_doc = segment.postings()
            chosen = _member(post_doc, docs)
            if check:
                chosen &= self._alive(post_doc)
            found_hashes.append(post_hash[chosen])
            found_docs.append(post_doc[chosen])
        return np.concatenate(found_hashes), np.concatenate(found_docs)

    def holders(self, hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(hash, doc)`` of every live representative holding one of the sorted distinct ``hashes``,
        sorted by hash, then doc."""
        return self._lookup(lambda segment: (segment.post_hash, segment.post_row), hashes)

    def _lookup(self, column, wanted: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(value, doc)`` of live rows whose value is one of the sorted distinct ``wanted``, from a
        segment's ``column``: its sorted values and, per value, the row of the doc holding it."""
        found_values, found_docs = [], []
        for segment, check in ((self.base, True), (self.delta, False)):
            sorted_values, row_of = column(segment)
            rows = _ranges(sorted_values, wanted)
            docs = segment.docs[row_of[rows]]
            value = np.asarray(sorted_values[rows])
            if check:
                alive = self._alive(docs)
                docs, value = docs[alive], value[alive]
            found_values.append(value)
            found_docs.append(docs)
        value, docs = np.concatenate(found_values), np.concatenate(found_docs)
        order = np.lexsort((docs, value))
        return value[order], docs[order]

    # Changing ------------------------------------------------------------------------------------

    def updated(self, removed: np.ndarray, added: Segment) -> "CandidateIndex":
        """This index without the rows of ``removed`` docs and with the ``added`` rows (their
        docs must not be live here unless also removed); merged into one base when the delta grew."""
        removed = np.asarray(removed, dtype=np.int64)
        dead = np.union1d(self.dead, np.intersect1d(self.base.docs, removed))
        kept = ~_member(self.delta.docs, removed)
        delta_hash, delta_doc = self.delta.postings()
        keep_post = ~_member(delta_doc, removed)
        delta = Segment.build(np.concatenate([self.delta.docs[kept], added.docs]),
                              np.concatenate([self.delta.keys[kept], added.keys]),
                              np.concatenate([self.delta.counts[kept], added.counts]),
                              np.concatenate([delta_hash[keep_post], added.post_hash]),
                              np.concatenate([delta_doc[keep_post], added.docs[added.post_row]]))
        index = CandidateIndex(self.base, delta, dead, self.new_base)
        if len(delta.docs) + len(dead) > MERGE_SHARE * max(len(self.base.docs), 1):
            return index.merged()
        return index

    def merged(self) -> "CandidateIndex":
        """One base segment holding every live row."""
        alive = self._alive(self.base.docs)
        base_hash, base_doc = self.base.postings()
        keep = self._alive(base_doc)
        delta_hash, delta_doc = self.delta.postings()
        base = Segment.build(np.concatenate([self.base.docs[alive], self.delta.docs]),
                             np.concatenate([np.asarray(self.base.keys)[alive], self.delta.keys]),
                             np.concatenate([np.asarray(self.base.counts)[alive], self.delta.counts]),
                             np.concatenate([base_hash[keep], delta_hash]),
                             np.concatenate([base_doc[keep], delta_doc]))
        return CandidateIndex(base, Segment.empty(self.bands), np.empty(0, dtype=np.int64))

    # Persisting ----------------------------------------------------------------------------------

    @classmethod
    def open(cls, folder: Path, state: IndexState) -> "CandidateIndex | None":
        """The index a finished run left, or None when it is missing or unreadable (then rebuilt)."""
        try:
            base = Segment.load(folder / state.base)
            delta = Segment.load(folder / state.delta)
            dead = np.load(folder / state.delta / "dead.npy", allow_pickle=False)
        except (OSError, ValueError):
            return None
        return cls(base, delta, dead, new_base=False)

    def save(self, folder: Path, previous: IndexState | None) -> IndexState:
        """Write what changed since ``previous`` (the delta, and the base after a merge) into new
        folders under ``folder``; the caller records the returned state once its run is done."""
        base = _write(folder, "base", self.base.save) if self.new_base or previous is None else previous.base

        def delta(path: Path) -> None:
            self.delta.save(path)
            np.save(path / "dead.npy", self.dead, allow_pickle=False)

        return IndexState(base, _write(folder, "delta", delta))


def prune(folder: Path, state: IndexState) -> None:
    """Remove every folder but ``state``'s (left by earlier runs or by a killed one)."""
    if not folder.is_dir():
        return
    for path in folder.iterdir():
        if path.name not in (state.base, state.delta):
            shutil.rmtree(path, ignore_errors=True)


def _write(folder: Path, kind: str, writer) -> str:
    name = f"{kind}-{uuid.uuid4().hex[:12]}"
    temporary = folder / f".{name}.tmp"
    shutil.rmtree(temporary, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    writer(temporary)
    os.replace(temporary, folder / name)
    return name


def _member(values: np.ndarray, sorted_set: np.ndarray) -> np.ndarray:
    """Mask of ``values`` found in the sorted ``sorted_set``."""
    if not len(sorted_set) or not len(values):
        return np.zeros(len(values), dtype=bool)
    found = np.searchsorted(sorted_set, values).clip(max=len(sorted_set) - 1)
    return np.asarray(sorted_set[found] == values)


def _ranges(sorted_values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Positions in ``sorted_values`` of every element equal to one of the sorted distinct ``wanted``."""
    low = np.searchsorted(sorted_values, wanted, side="left")
    high = np.searchsorted(sorted_values, wanted, side="right")
    lengths = high - low
    if not lengths.sum():
        return np.empty(0, dtype=np.int64)
    starts = np.repeat(low - (np.cumsum(lengths) - lengths), lengths)
    return starts + np.arange(int(lengths.sum()))
