"""Fingerprints of one document: exact-duplicate hash, MinHash signature, sentence hashes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import xxhash

from corpus.dedup.minhash import SignatureMaker, shingle_set
from corpus.dedup.normalize import normalize, normalize_paragraphs

# Bumped whenever normalisation changes what a fingerprint means (recorded with signatures).
NORMALIZER = "opencc-tw2s-hk2s+nfkc+nopunct+wirelines-v1"
MAX_TEXT_CHARS = 200_000  # scraped text is hostile input: a runaway page is cut, not choked on


@dataclass(frozen=True)
class Fingerprint:
    doc_id: int
    norm_hash: str          # xxh3_64 hex of the normalised text; equal means exact duplicate
    norm_chars: int
    shingles: int           # shingle windows (0: too short for near-duplicate search)
    signature: np.ndarray   # uint32[num_perm]
    sentences: tuple[int, ...]  # signed 64-bit hashes of its long normalised sentences


def normalized_text(text: str) -> str:
    return normalize(text[:MAX_TEXT_CHARS])


def sentence_hashes(paragraphs: list[tuple[str, ...]], min_chars: int) -> tuple[int, ...]:
    """Hashes of the sentences long enough to be specific: a story shares them with a page holding it,
    however either was split into paragraphs."""
    return tuple(sorted({xxhash.xxh3_64_intdigest(sentence.encode("utf-8")) - (1 << 63)
                         for paragraph in paragraphs for sentence in paragraph if len(sentence) >= min_chars}))


def fingerprint_batch(docs: list[tuple[int, str]], maker: SignatureMaker, sentence_min_chars: int) -> list[Fingerprint]:
    """Fingerprints for ``(doc_id, text)`` pairs, signatures computed in one vectorised pass."""
    paragraphs = [normalize_paragraphs(text[:MAX_TEXT_CHARS]) for _, text in docs]
    texts = ["".join("".join(paragraph) for paragraph in doc) for doc in paragraphs]
    signatures = maker.signatures(texts)
    return [
        Fingerprint(
            doc_id=doc_id,
            norm_hash=xxhash.xxh3_64_hexdigest(norm.encode("utf-8")),
            norm_chars=len(norm),
            shingles=max(len(norm) - maker.shingle_size + 1, 0),
            signature=signatures[i],
            sentences=sentence_hashes(paragraphs[i], sentence_min_chars),
        )
        for i, ((doc_id, _), norm) in enumerate(zip(docs, texts))
    ]


MIN_TITLE_CHARS = 6


@lru_cache(maxsize=65536)
def _title_key(title: str) -> str:
    return normalize(title[:500])


def title_relation(a: str | None, b: str | None) -> str:
    """"same", "different" or "unknown": two headlines across scripts and punctuation (one may
    extend the other); unknown when either is missing or too short to tell."""
    key_a, key_b = _title_key(a or ""), _title_key(b or "")
    shorter, longer = sorted((key_a, key_b), key=len)
    if len(shorter) < MIN_TITLE_CHARS:
        return "unknown"
    return "same" if shorter in longer else "different"


def similarity(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """(Jaccard, containment of the smaller set in the larger) of two sorted distinct hash arrays."""
    if not len(a) or not len(b):
        return 0.0, 0.0
    if len(a) > len(b):
        a, b = b, a
    found = np.searchsorted(b, a)
    found[found == len(b)] = 0
    common = int(np.count_nonzero(b[found] == a))
    return common / (len(a) + len(b) - common), common / min(len(a), len(b))


class ShingleSets:
    """Exact shingle sets of the documents being verified, computed once per run from their text."""

    def __init__(self, shingle_size: int):
        self.shingle_size = shingle_size
        self._sets: dict[int, np.ndarray] = {}

    def load(self, texts: dict[int, str]) -> None:
        for doc_id, text in texts.items():
            self._sets[doc_id] = shingle_set(normalized_text(text), self.shingle_size)

    def similarity(self, a: int, b: int) -> tuple[float, float]:
        return similarity(self._sets[a], self._sets[b])
