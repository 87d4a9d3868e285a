"""Fingerprints of documents: the per-document CPU work of dedup, as one pure function over a batch.

``fingerprint_batch(spec, docs)`` normalises each text, hashes its shingles into a MinHash
signature, cuts the signature into LSH band keys and hashes its long sentences. It reads nothing
but its arguments and writes nothing, so the driver can map it over batches in this process, in a
pool of processes (``executor.py``) or on a Ray cluster, and write the results itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import xxhash

from corpus.dedup.minhash import SignatureMaker
from corpus.dedup.normalize import normalize, normalize_paragraphs, plain_text

# Bumped whenever normalisation changes what a fingerprint means (recorded with signatures).
NORMALIZER = "opencc-tw2s-hk2s+nfkc+nopunct+wirelines+prose-runs+plain-fallback-v2"
MAX_TEXT_CHARS = 200_000  # scraped text is hostile input: a runaway page is cut, not choked on
# A fingerprint holding less than this share of the document's plain text (letters and digits)
# lost real text to the furniture rules (a story written as short lines, a paragraph that looks
# like a credit line): it is rebuilt from the plain text instead.
MIN_KEPT_SHARE = 0.5
_BAND_MULTIPLIERS = np.random.RandomState(20241201).randint(0, 1 << 62, 64, dtype=np.uint64) * np.uint64(2) \
    + np.uint64(1)


@dataclass(frozen=True)
class FingerprintSpec:
    """Everything ``fingerprint_batch`` needs besides the texts (small and picklable)."""

    shingle_size: int
    num_perm: int
    seed: int
    sentence_min_chars: int
    bands: int
    rows: int

    @property
    def maker(self) -> SignatureMaker:
        return _maker(self.shingle_size, self.num_perm, self.seed)


@dataclass(frozen=True)
class Fingerprint:
    doc_id: int
    norm_hash: str          # xxh3_64 hex of the normalised text; equal means exact duplicate
    norm_chars: int
    shingles: int           # shingle windows (0: too short for near-duplicate search)
    signature: np.ndarray   # uint32[num_perm]
    band_keys: np.ndarray   # uint64[bands]: the LSH buckets it falls in
    sentences: np.ndarray   # int64, sorted distinct: hashes of its long normalised sentences
    rebuilt: bool           # the normalised text fell below MIN_KEPT_SHARE and was rebuilt from plain text


@lru_cache(maxsize=4)
def _maker(shingle_size: int, num_perm: int, seed: int) -> SignatureMaker:
    return SignatureMaker(shingle_size, num_perm, seed)


def story_paragraphs(text: str) -> tuple[list[tuple[str, ...]], bool]:
    """The normalised paragraphs fingerprints are computed on, and whether they had to be rebuilt
    from the plain text because the furniture rules left too little of it."""
    text = text[:MAX_TEXT_CHARS]
    paragraphs = normalize_paragraphs(text)
    kept = sum(len(sentence) for paragraph in paragraphs for sentence in paragraph)
    if kept >= MIN_KEPT_SHARE * len(text):  # the plain text is never longer than the text: no need to build it
        return paragraphs, False
    plain = plain_text(text)
    if kept < MIN_KEPT_SHARE * len(plain):
        return [(plain,)] if plain else [], True
    return paragraphs, False


def normalized_text(text: str) -> str:
    """The one string every similarity is computed on (see ``story_paragraphs``)."""
    return "".join("".join(paragraph) for paragraph in story_paragraphs(text)[0])


def sentence_hashes(paragraphs: list[tuple[str, ...]], min_chars: int) -> np.ndarray:
    """Hashes of the sentences long enough to be specific: a story shares them with a page holding it,
    however either was split into paragraphs."""
    found = {xxhash.xxh3_64_intdigest(sentence.encode("utf-8")) for paragraph in paragraphs for sentence in paragraph
             if len(sentence) >= min_chars}
    return np.unique(np.fromiter(found, dtype=np.uint64, count=len(found)).view(np.int64))


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """``(n, bands)`` uint64 keys: band ``j`` of a signature (rows ``j*rows`` to ``(j+1)*rows``) hashed
    to 64 bits. Two signatures share a key only when that band is equal (up to 2^-64 collisions)."""
    n = len(signatures)
    values = signatures[:, : bands * rows].astype(np.uint64).reshape(n, bands, rows)
    keys = (values * _BAND_MULTIPLIERS[:rows]).sum(axis=2, dtype=np.uint64)
    keys ^= keys >> np.uint64(31)
    keys *= np.uint64(0x9E3779B97F4A7C15)
    keys ^= keys >> np.uint64(29)
    return keys


def fingerprint_batch(spec: FingerprintSpec, docs: list[tuple[int, str]]) -> list[Fingerprint]:
    """Fingerprints for ``(doc_id, text)`` pairs, signatures computed in one vectorised pass.

    Example:
        >>> spec = FingerprintSpec(shingle_size=5, num_perm=128, seed=1, sentence_min_chars=16, bands=32, rows=4)
        >>> [f.norm_chars for f in fingerprint_batch(spec, [(1, "新华社重庆电，今日渝港合作会议举行。")])]
        [12]
    """
    built = [story_paragraphs(text) for _, text in docs]
    texts = ["".join("".join(paragraph) for paragraph in paragraphs) for paragraphs, _ in built]
    signatures = spec.maker.signatures(texts)
    keys = band_keys(signatures, spec.bands, spec.rows)
    return [
        Fingerprint(
            doc_id=doc_id,
            norm_hash=xxhash.xxh3_64_hexdigest(norm.encode("utf-8")),
            norm_chars=len(norm),
            shingles=max(len(norm) - spec.shingle_size + 1, 0),
            signature=signatures[i],
            band_keys=keys[i],
            sentences=sentence_hashes(built[i][0], spec.sentence_min_chars),
            rebuilt=built[i][1],
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

