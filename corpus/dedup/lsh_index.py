"""datasketch's ``MinHashLSH`` over stored signatures, rebuilt each run, with lean bucket storage.

datasketch's in-memory storage keeps a ``set`` per bucket and every key's band hashes again:
about 10 KB a document at 32 bands, 10 GB for a million documents. Its storage is a small
abstract class (``datasketch.storage.UnorderedStorage``), so here each band is a plain dict that
holds a lone document id as itself and only turns into a list when a second one arrives; band
keys are 64-bit integers (``hashfunc``); the key registry only remembers which ids are in.
The index is rebuilt from ``dedup_signatures`` every run and never edited, so ``remove`` is not
supported.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import xxhash
from datasketch import MinHashLSH
from datasketch.storage import OrderedStorage, UnorderedStorage

from corpus.dedup.minhash import SCHEME


def _band_key(band: bytes) -> int:
    return xxhash.xxh3_64_intdigest(band)


class _Buckets(UnorderedStorage):
    """One band: band key -> a document id, or a list of them once shared."""

    def __init__(self):
        self._dict: dict = {}

    def keys(self):
        return self._dict.keys()

    def get(self, key):
        found = self._dict.get(key)
        if found is None:
            return ()
        return found if isinstance(found, list) else (found,)

    def insert(self, key, *vals, **kwargs):
        for val in vals:
            found = self._dict.get(key)
            if found is None:
                self._dict[key] = val
            elif isinstance(found, list):
                found.append(val)
            else:
                self._dict[key] = [found, val]

    def remove(self, *keys, **kwargs):
        raise NotImplementedError("the dedup index is rebuilt each run, never edited")

    def remove_val(self, key, val, **kwargs):
        raise NotImplementedError("the dedup index is rebuilt each run, never edited")

    def size(self) -> int:
        return len(self._dict)

    def itemcounts(self, **kwargs) -> dict:
        return {key: len(self.get(key)) for key in self._dict}

    def has_key(self, key) -> bool:
        return key in self._dict


class _KeySet(OrderedStorage):
    """Which ids are indexed (datasketch would also keep their band hashes, for removal)."""

    def __init__(self):
        self._keys: set = set()

    def keys(self):
        return self._keys

    def get(self, key):
        raise NotImplementedError("band hashes are not kept: the index is never edited")

    def insert(self, key, *vals, **kwargs):
        self._keys.add(key)

    def remove(self, *keys, **kwargs):
        raise NotImplementedError("the dedup index is rebuilt each run, never edited")

    def remove_val(self, key, val, **kwargs):
        raise NotImplementedError("the dedup index is rebuilt each run, never edited")

    def size(self) -> int:
        return len(self._keys)

    def itemcounts(self, **kwargs) -> dict:
        return dict.fromkeys(self._keys, 1)

    def has_key(self, key) -> bool:
        return key in self._keys


class StoredSketch:
    """A stored signature as ``MinHashLSH`` reads it (``hashvalues``, ``scheme``, length), without
    building a ``LeanMinHash`` per document; ``minhash.to_minhash`` gives the full object."""

    __slots__ = ("hashvalues",)
    scheme = SCHEME

    def __init__(self, hashvalues: np.ndarray):
        self.hashvalues = hashvalues

    def __len__(self) -> int:
        return len(self.hashvalues)


def build_index(ids: list[Hashable], signatures: np.ndarray, threshold: float, num_perm: int) -> MinHashLSH:
    """A ``MinHashLSH`` holding ``signatures[i]`` under ``ids[i]``.

    Example:
        >>> lsh = build_index([1, 2], np.zeros((2, 128), dtype=np.uint32), 0.4, 128)
        >>> sorted(lsh.query(StoredSketch(np.zeros(128, dtype=np.uint32))))
        [1, 2]
    """
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm, hashfunc=_band_key)
    lsh.hashtables = [_Buckets() for _ in range(lsh.b)]
    lsh.keys = _KeySet()
    for key, row in zip(ids, signatures):
        lsh.insert(key, StoredSketch(row), check_duplication=False)
    return lsh
