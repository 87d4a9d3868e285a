"""Dedup quality, signature speed and scale, measured in one run on real Chinese news text.

1. Quality on the large labelled set (``benchmarks/data/dedup_labelled.py``, built from
   ../shared at run time): pair precision / recall / F1 of ``run_dedup`` and of two peer-style
   baselines on the same documents, over all pairs and over cross-script pairs alone:
   - datatrove-style: lowercased, punctuation stripped, 5-*word* whitespace shingles, MinHash
     LSH with 14 buckets x 8 hashes, clusters by union-find (datatrove's MinhashConfig defaults);
   - text-dedup-style: ``\\W``-split 5-token shingles, 256 permutations, LSH at 0.7, union-find.
   Both see a Chinese clause as one token. Also: the shingle-size sweep behind
   ``DEDUP_SHINGLE_SIZE`` and the OpenCC measurement behind the normaliser's config chain.
2. Signature throughput on 1,800-character Chinese documents, same docs, same run: datasketch
   ``MinHash.update`` one shingle at a time, rensa's ``RMinHash.update`` on Python string
   shingles (``pip install .[bench]``), and ours (``SignatureMaker``); plus the Jaccard-estimate
   mean absolute error of ours and of datasketch's against exact Jaccard.
3. Scale: end-to-end ``run_dedup`` time, CPU time and peak memory (child process, ``ru_maxrss``) on
   N synthetic documents recombined from real THUCNews clauses (15 % near copies); then an
   incremental run adding the next 1 % of the same stream (generated once, with the first N), as a
   share of the full run.

Usage:
    python benchmarks/dedup.py [--documents 200000] [--skip-scale] [--skip-quality]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from itertools import combinations
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks" / "data"))

import datasketch  # noqa: E402
import numpy as np  # noqa: E402
import opencc  # noqa: E402
from datasketch import MinHash, MinHashLSH  # noqa: E402

import dedup_labelled  # noqa: E402
from corpus.dedup import DedupSettings, run_dedup  # noqa: E402
from corpus.dedup.clustering import components  # noqa: E402
from corpus.dedup.export import iter_clusters  # noqa: E402
from corpus.dedup.fingerprint import normalized_text, similarity  # noqa: E402
from corpus.dedup.candidates import lsh_pairs  # noqa: E402
from corpus.dedup.fingerprint import band_keys  # noqa: E402
from corpus.dedup.run import fingerprint_spec  # noqa: E402
from corpus.dedup.minhash import SignatureMaker, shingle_set  # noqa: E402
from corpus.store import Store, utc_now  # noqa: E402

THUCNEWS = dedup_labelled.THUCNEWS


# Quality ------------------------------------------------------------------------------------------

def put_rows(store: Store, rows: list[dict]) -> None:
    now = utc_now()
    with store.transaction() as db:
        db.executemany(
            "INSERT INTO documents (url, outlet, title, text, published, script, cleaner_version, text_hash,"
            " source, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'bench', ?, 'ingest', ?, ?)",
            [(r["url"], r.get("source"), r.get("title"), r["text"], r.get("published"), r.get("script"),
              str(hash(r["text"])), now, now) for r in rows])


def pairs_of(groups) -> set[frozenset]:
    return {frozenset(p) for group in groups for p in combinations(sorted(group), 2)}


def scores(predicted: set, gold: set) -> tuple[float, float, float]:
    hits = len(predicted & gold)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(gold) if gold else 1.0
    return precision, recall, (2 * precision * recall / (precision + recall) if hits else 0.0)


def ours(rows: list[dict], settings: DedupSettings | None = None) -> tuple[set, float]:
    with tempfile.TemporaryDirectory() as folder:
        with Store.open(Path(folder) / "store.sqlite") as store:
            put_rows(store, rows)
            clock = time.perf_counter()
            run_dedup(store, settings=settings)
            seconds = time.perf_counter() - clock
            clusters = [[m["url"] for m in c["members"]] for c in iter_clusters(store.conn)]
    return pairs_of(clusters), seconds


def _token_shingles(tokens: list[str], n: int = 5) -> list[bytes]:
    if len(tokens) < n:
        return [" ".join(tokens).encode("utf-8")] if tokens else []
    return [" ".join(tokens[i:i + n]).encode("utf-8") for i in range(len(tokens) - n + 1)]


def peer_baseline(rows: list[dict], tokenize, num_perm: int, lsh_kwargs: dict) -> set:
    """MinHash-LSH over token shingles and union-find over every colliding pair, as the peers do."""
    lsh = MinHashLSH(num_perm=num_perm, **lsh_kwargs)
    sketches = {}
    for i, row in enumerate(rows):
        shingles = _token_shingles(tokenize(row["text"]))
        if not shingles:
            continue
        sketch = MinHash(num_perm=num_perm, seed=1)
        sketch.update_batch(shingles)
        sketches[i] = sketch
        lsh.insert(i, sketch)
    colliding = {(min(i, j), max(i, j)) for i, s in sketches.items() for j in lsh.query(s) if j != i}
    groups = components(set(range(len(rows))), colliding)
    return pairs_of([[rows[i]["url"] for i in group] for group in groups if len(group) > 1])


def datatrove_tokens(text: str) -> list[str]:
    return re.sub(r"[^\w\s]", " ", text.lower()).split()


def text_dedup_tokens(text: str) -> list[str]:
    return [token for token in re.split(r"\W", text.lower()) if token]


def quality() -> None:
    rows = dedup_labelled.build("large")
    gold = pairs_of([[r["url"] for r in rows if r["story"] == story] for story in {r["story"] for r in rows}])
    script = {r["url"]: r["script"] for r in rows}
    cross = {pair for pair in gold if len({script[url] for url in pair}) == 2}
    print(f"labelled set: {len(rows)} documents, {len({r['story'] for r in rows})} stories, {len(gold)} duplicate "
          f"pairs ({len(cross)} cross-script); hard negatives: {sum('shares' in r['variant'] for r in rows)} "
          f"phrase-sharing stories, {sum(r['variant'] == 'epaper-page' for r in rows)} multi-story pages")
    predicted, seconds = ours(rows)
    systems = {
        "ours (char 5-shingles, verified)": predicted,
        "datatrove-style (5-word, 14x8 LSH)": peer_baseline(rows, datatrove_tokens, 112, {"params": (14, 8)}),
        "text-dedup-style (\\W 5-gram, LSH 0.7)": peer_baseline(rows, text_dedup_tokens, 256, {"threshold": 0.7}),
    }
    print(f"{'system':<40} {'P':>6} {'R':>6} {'F1':>6} | cross-script {'P':>6} {'R':>6} {'F1':>6}")
    for name, pairs in systems.items():
        cross_pred = {pair for pair in pairs if len({script[url] for url in pair}) == 2}
        p, r, f = scores(pairs, gold)
        cp, cr, cf = scores(cross_pred, cross)
        print(f"{name:<40} {p:6.3f} {r:6.3f} {f:6.3f} |              {cp:6.3f} {cr:6.3f} {cf:6.3f}")
    print(f"  (ours: run_dedup on {len(rows)} documents took {seconds:.1f} s)")
    per_class(rows, gold, systems)
    shingle_sweep(rows, gold)
    opencc_measurement()


def per_class(rows: list[dict], gold: set, systems: dict[str, set]) -> None:
    """P/R over the pairs touching each class, and the share of one template's different stories merged."""
    by_url = {row["url"]: row for row in rows}
    templated = {frozenset(pair) for pair in combinations(sorted(r["url"] for r in rows if r.get("template")), 2)
                 if len({by_url[url]["template"] for url in pair}) == 1 and len({by_url[url]["story"] for url in pair}) == 2}
    print(f"per class (pairs touching the class); 'templ merged': pairs of one template's different stories "
          f"(other editions, other documents) put in one cluster, of {len(templated)}:")
    print(f"  {'class':<12} {'docs':>5} {'pairs':>6} | " + " | ".join(f"{name.split(' ')[0]:>16} P     R" for name in systems))
    for cls in ("base", *dedup_labelled.HARD_CLASSES):
        urls = {row["url"] for row in rows if row["cls"] == cls}
        wanted = {pair for pair in gold if pair & urls}
        cells = []
        for pairs in systems.values():
            p, r, _ = scores({pair for pair in pairs if pair & urls}, wanted)
            cells.append(f"{'':>12}{p:6.3f} {r:5.3f}")
        print(f"  {cls:<12} {len(urls):>5} {len(wanted):>6} | " + " | ".join(cells))
    print("  templ merged: " + ", ".join(f"{name.split(' ')[0]} {len(pairs & templated)}/{len(templated)}"
                                         f" ({len(pairs & templated) / max(len(templated), 1):.1%})"
                                         for name, pairs in systems.items()))


def shingle_sweep(rows: list[dict], gold: set) -> None:
    """Per shingle size: exact Jaccard of true copies (1st percentile, min) against the most similar
    non-copies among LSH candidates at 0.2, and end-to-end scores at the default threshold."""
    print("shingle size sweep: exact Jaccard of copies vs the closest non-copies; run_dedup at threshold 0.6")
    texts = [normalized_text(r["text"]) for r in rows]
    story = [r["story"] for r in rows]
    for n in (3, 4, 5, 6, 8):
        sets = [shingle_set(text, n) for text in texts]
        signatures = SignatureMaker(n, 128, 1).signatures(texts)
        spec = fingerprint_spec(DedupSettings().with_threshold(0.3))  # LSH at 0.2
        pairs, _ = lsh_pairs(np.arange(len(rows)), band_keys(signatures, spec.bands, spec.rows), len(rows), 1)
        positive, negative = [], []
        for i, j in pairs.tolist():
            jaccard = similarity(sets[i], sets[j])[0]
            (positive if story[i] == story[j] else negative).append(jaccard)
        pairs, _ = ours(rows, DedupSettings(shingle_size=n))
        p, r, f = scores(pairs, gold)
        print(f"  n={n}: copies p1 {np.percentile(positive, 1):.3f} min {min(positive):.3f}; non-copies max "
              f"{max(negative):.3f} p99.9 {np.percentile(negative, 99.9):.3f} | P {p:.4f} R {r:.4f} F1 {f:.4f}")


def opencc_measurement() -> None:
    texts = [line.split("\t", 1)[1] for line in THUCNEWS.read_text("utf-8").splitlines()[:300]]
    total = sum(map(len, texts))
    print(f"OpenCC round trip, wrong characters per {total:,} (Simplified -> variant -> back):")
    back = {"t2s": ["t2s"], "hk2s": ["hk2s"], "tw2s": ["tw2s"], "tw2s+hk2s": ["tw2s", "hk2s"]}
    for forward in ("s2hk", "s2tw", "s2t"):
        converted = [opencc.OpenCC(forward).convert(t) for t in texts]
        cells = []
        for name, chain in back.items():
            wrong = 0
            for original, text in zip(texts, converted):
                for config in chain:
                    text = opencc.OpenCC(config).convert(text)
                wrong += sum(a != b for a, b in zip(text, original)) + abs(len(text) - len(original))
            cells.append(f"{name} {wrong}")
        print(f"  {forward}: " + ", ".join(cells))


# Signature throughput ------------------------------------------------------------------------------

def docs_1800(count: int) -> list[str]:
    normalized = [normalized_text(line.split("\t", 1)[1]) for line in THUCNEWS.read_text("utf-8").splitlines()]
    stream = "".join(normalized)
    rng = random.Random(1)
    return [stream[(start := rng.randrange(len(stream) - 1800)):start + 1800] for _ in range(count)]


def throughput() -> None:
    docs = docs_1800(4000)
    n = 5

    def shingles(text: str) -> list[str]:
        return [text[i:i + n] for i in range(len(text) - n + 1)]

    def rate(function, items) -> float:
        clock = time.perf_counter()
        function(items)
        return len(items) / (time.perf_counter() - clock)

    def datasketch_loop(items):
        for text in items:
            sketch = MinHash(num_perm=128, seed=1)
            for shingle in shingles(text):
                sketch.update(shingle.encode("utf-8"))

    results = {"datasketch MinHash.update per shingle": rate(datasketch_loop, docs[:60])}
    try:
        import rensa

        def rensa_strings(items):
            for text in items:
                rensa.RMinHash(num_perm=128, seed=1).update(shingles(text))

        results["rensa RMinHash.update(str shingles)"] = max(rate(rensa_strings, docs[:2000]) for _ in range(3))
    except ImportError:
        print("rensa not installed (pip install .[bench]): its line is skipped")
    maker = SignatureMaker(n, 128, 1)
    maker.signatures(docs[:100])  # warm-up (and numba's compile, cached after the first run)
    results["ours SignatureMaker.signatures"] = max(rate(maker.signatures, docs) for _ in range(3))
    base = results["datasketch MinHash.update per shingle"]
    print(f"signature throughput, 128 permutations, {len(docs)} docs of 1,800 characters, one core:")
    for name, value in results.items():
        print(f"  {name:<42} {value:>9,.0f} docs/s  ({value / base:6.1f}x datasketch loop)")
    if "rensa RMinHash.update(str shingles)" in results:
        print(f"  ours / rensa: {results['ours SignatureMaker.signatures'] / results['rensa RMinHash.update(str shingles)']:.1f}x")
    accuracy()


def accuracy() -> None:
    rows = dedup_labelled.build("large")
    by_story: dict[str, list[str]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(normalized_text(row["text"]))
    pairs = [(a, b) for texts in by_story.values() for a, b in combinations(texts, 2)][:1500]
    rng = random.Random(2)
    pairs += [(normalized_text(rng.choice(rows)["text"]), normalized_text(rng.choice(rows)["text"])) for _ in range(300)]
    maker = SignatureMaker(5, 128, 1)
    ours_err, theirs_err = [], []
    for a, b in pairs:
        sa, sb = shingle_set(a, 5), shingle_set(b, 5)
        union = len(np.union1d(sa, sb))
        exact = len(np.intersect1d(sa, sb)) / union if union else 0.0
        ma, mb = maker.signatures([a, b])
        ours_err.append(abs(float(np.mean(ma == mb)) - exact))
        da, db = MinHash(num_perm=128, seed=1), MinHash(num_perm=128, seed=1)
        da.update_batch([a[i:i + 5].encode() for i in range(len(a) - 4)] or [b""])
        db.update_batch([b[i:i + 5].encode() for i in range(len(b) - 4)] or [b""])
        theirs_err.append(abs(da.jaccard(db) - exact))
    print(f"Jaccard estimate MAE over {len(pairs)} pairs (exact Jaccard 0-1): ours {np.mean(ours_err):.4f}, "
          f"datasketch {datasketch.__version__} default {np.mean(theirs_err):.4f}")


# Scale ---------------------------------------------------------------------------------------------

def synthetic_rows(count: int, seed: int = 3, shared: bool = False):
    """Documents of ~1,800 characters of real THUCNews clauses recombined into new sentences (so
    unrelated documents share clauses, as real news does, but not whole sentences); 15 % are near
    copies of a recent one: Hong Kong script, truncated to 85 %, or lightly edited.

    ``shared``: unrelated documents also share whole sentences, as boilerplate, templates and
    recombined text do: each document carries 4 sentences from a pool sized so that each is in
    about 30 documents, and one in five carries one of 20 boilerplate lines (each in ~1 % of all)."""
    clauses = [c for line in THUCNEWS.read_text("utf-8").splitlines()
               for c in re.split(r"[，。！？；]", line.split("\t", 1)[1]) if 6 <= len(c) <= 60]
    to_hk = opencc.OpenCC("s2hk")
    words = {"simplified": np.array(clauses, dtype=object),  # converted once: 100x faster than per copy
             "hk": np.array(to_hk.convert("\n".join(clauses)).split("\n"), dtype=object)}
    clause_chars = np.fromiter(map(len, clauses), dtype=np.int64, count=len(clauses))
    rng = random.Random(seed)
    draws = np.random.default_rng(seed)
    shared_pool = [draws.integers(0, len(clauses), 3) for _ in range(max(1, count * 4 // 30))] if shared else []
    boilerplate = [draws.integers(0, len(clauses), 3) for _ in range(20)]
    recent: list[tuple[np.ndarray, np.ndarray]] = []

    def render(picks: np.ndarray, marks: np.ndarray, script: str) -> str:
        """Clauses ``picks`` each followed by its mark (a comma, or a full stop ending a sentence)."""
        return "".join(np.stack((words[script][picks], marks), axis=1).ravel().tolist())

    def sentence_marks(lengths: np.ndarray) -> np.ndarray:
        marks = np.full(int(lengths.sum()), "，", dtype=object)
        ends = np.cumsum(lengths) - 1
        marks[ends] = "。"
        marks[ends[2::3]] = "。\n"  # three sentences to a paragraph
        return marks

    for i in range(count):
        if recent and rng.random() < 0.15:
            picks, marks = rng.choice(recent)
            kind = rng.randrange(3)
            text = render(picks, marks, "hk" if kind == 0 else "simplified")
            text = text[: int(len(text) * 0.85)] if kind == 1 else dedup_labelled.v_light_edit(text, rng) \
                if kind == 2 else text
        else:
            lengths = draws.integers(2, 5, 40)
            picks = draws.integers(0, len(clauses), int(lengths.sum()))
            sizes = np.cumsum(np.add.reduceat(clause_chars[picks], np.cumsum(lengths) - lengths) + lengths)
            lengths = lengths[: int(np.searchsorted(sizes, 1800)) + 1]
            picks = picks[: int(lengths.sum())]
            if shared:
                extra = [shared_pool[rng.randrange(len(shared_pool))] for _ in range(4)]
                if rng.random() < 0.2:
                    extra.append(boilerplate[rng.randrange(20)])
                picks = np.concatenate([picks, *extra])
                lengths = np.concatenate([lengths, np.full(len(extra), 3)])
            marks = sentence_marks(lengths)
            text = render(picks, marks, "simplified")
            recent = (recent + [(picks, marks)])[-500:]
        yield {"url": f"https://bench.example/{i}", "text": text, "source": rng.choice(["wire", "hk", "morning"]),
               "published": f"2024-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+08:00", "script": None}


def build_store(path: Path, count: int, later: int = 0, shared: bool = False) -> list[dict]:
    """A store of ``count`` synthetic documents; returns the ``later`` documents that follow them in
    the same stream (added by ``put_rows`` for an incremental run, not regenerated)."""
    rows = synthetic_rows(count + later, shared=shared)
    with Store.open(path) as store:
        batch = []
        for i, row in enumerate(rows):
            if i == count:
                break
            batch.append(row)
            if len(batch) == 5000:
                put_rows(store, batch)
                batch = []
        put_rows(store, batch)
    return [row] + list(rows) if later else []


def child_dedup(path: str) -> None:
    with Store.open(path) as store:
        clock = time.perf_counter()
        summary = run_dedup(store)
        summary["wall_seconds"] = time.perf_counter() - clock
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    summary["cpu_seconds"] = sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
                                 for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    # The driver and its largest worker (workers run side by side; each is at most this large).
    summary["peak_rss_mb"] = own + workers * max(DedupSettings().workers or (os.cpu_count() or 1), 1) \
        if workers else own
    print(json.dumps(summary))


def measure(path: Path) -> dict:
    """``run_dedup`` in a fresh process (whole process: imports, store, pool), timed from outside too."""
    clock = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, "--child-dedup", str(path)], capture_output=True, text=True,
                         check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["process_seconds"] = time.perf_counter() - clock
    return result


def load() -> str:
    return "load average " + ", ".join(f"{value:.1f}" for value in os.getloadavg()) + f" on {os.cpu_count()} cores"


def report(label: str, count: int, result: dict) -> None:
    print(f"  {label}: {count:,} docs: dedup {result['process_seconds']:7.1f} s whole process "
          f"({count / result['process_seconds']:,.0f} docs/s; CPU {result['cpu_seconds']:.0f} s; run_dedup "
          f"{result['wall_seconds']:.1f} s, stages "
          f"{result['seconds']}), peak RSS {result['peak_rss_mb']:,.0f} MB; {result['clusters']:,} clusters, "
          f"{result['duplicates']:,} duplicates; candidates: {result['lsh_pairs']:,} LSH, {result['sentence_pairs']:,} "
          f"sentence; {result['crowded_buckets']:,} crowded buckets, {result['frequent_sentences']:,} frequent "
          f"sentences skipped; {load()}")


def versus_datasketch(documents: int = 20_000) -> None:
    """``newscorpus dedup``'s whole process on ``documents`` against the per-shingle datasketch loop, same run."""
    docs = [normalized_text(row["text"]) for row in synthetic_rows(120)]
    clock = time.perf_counter()
    for norm in docs:  # the baseline: MinHash.update per shingle of already normalised text
        sketch = MinHash(num_perm=128, seed=1)
        for i in range(len(norm) - 4):
            sketch.update(norm[i:i + 5].encode("utf-8"))
    baseline = len(docs) / (time.perf_counter() - clock)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.sqlite"
        build_store(path, documents)
        result = measure(path)
    rate = documents / result["process_seconds"]
    print("dedup end to end vs the per-shingle datasketch loop (normalise + MinHash.update per shingle), same run:")
    print(f"  datasketch loop: {baseline:,.0f} docs/s (signatures of normalised text only: no normalising, no "
          f"candidates, no clusters); {load()}")
    report("newscorpus dedup", documents, result)
    print(f"  ratio: {rate / baseline:.1f}x the datasketch loop (goal >= 30x)")


def scale(documents: int, shared: bool) -> None:
    kind = "many unrelated documents share sentences" if shared else "whole sentences recur only in copies"
    print(f"scale: synthetic documents of ~1,800 characters recombined from real THUCNews clauses (15 % near copies;"
          f" {kind})")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "store.sqlite"
        clock = time.perf_counter()
        later = build_store(path, documents, later=documents // 100, shared=shared)
        print(f"  store of {documents:,} documents written in {time.perf_counter() - clock:.0f} s")
        full = measure(path)
        report("full run", documents, full)
        with Store.open(path) as store:
            put_rows(store, later)
        result = measure(path)
        report(f"incremental (+{result['fingerprinted']:,} new, scope {result['scope']:,})", documents + documents // 100,
               result)
        print(f"  incremental / full: {result['process_seconds'] / full['process_seconds']:.1%} wall, "
              f"{result['cpu_seconds'] / full['cpu_seconds']:.1%} CPU (goal <= 10 %)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--shared-sentences", action="store_true",
                        help="scale corpus where unrelated documents share sentences (default: both kinds at 200k)")
    parser.add_argument("--child-dedup", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_dedup:
        child_dedup(args.child_dedup)
        return
    if not args.skip_quality:
        quality()
    if not args.skip_throughput:
        throughput()
    if not args.skip_scale:
        versus_datasketch()
        kinds = [args.shared_sentences] if args.shared_sentences or args.documents > 200_000 else [False, True]
        for shared in kinds:
            scale(args.documents, shared)


if __name__ == "__main__":
    main()
