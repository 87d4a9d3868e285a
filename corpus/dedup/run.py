"""One dedup pass over the store: fingerprint what changed, find candidates, verify, cluster.

Recipe (each stage commits its own work, so a killed run resumes where it stopped):

1. Fingerprint new and changed documents (``text_hash`` differs from the one fingerprinted):
   ``fingerprint_batch`` mapped over batches by the executor; the driver writes each batch's
   signatures and sentence-hash blobs. Forget documents that are gone or taken down.
2. The scope: changed documents, their exact-duplicate groups, every member of the clusters they
   (or gone documents) belonged to and the documents editors' decisions name; grown along
   candidate pairs (and their clusters) until closed. A first run's scope is everything.
   Unrelated clusters keep their ids. Candidates are LSH band buckets over one signature per
   exact-duplicate group, and shared long sentences (containments, shortened copies):
   - with the index the last run left (``index.py``), asked only about the scope's documents
     (``incremental.py``): an incremental run's cost follows what changed, not the corpus;
   - else over every document, in memory (``candidates.py``), and a new index is written.
3. Verify each candidate pair on exact shingle sets (``judge.py``) and cluster (``clustering.py``):
   ``verify_batch`` mapped by the executor over batches of connected components (memory stays
   bounded by the largest one).
4. Replace the scope's clusters, reasons, containments and links in one transaction; then write
   the index and record it with the finished run.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from functools import lru_cache, partial
from pathlib import Path

import numpy as np
import xxhash
from datasketch.lsh import _optimal_param

from corpus.clusters import dedup_totals
from corpus.dedup import incremental
from corpus.dedup import repository as repo
from corpus.dedup.candidates import lsh_pairs, sentence_pairs
from corpus.dedup.canonical import Candidate
from corpus.dedup.clustering import Cluster, components, stable_ids
from corpus.dedup.constraints import Constraints
from corpus.dedup.fingerprint import NORMALIZER, FingerprintSpec, band_keys, fingerprint_batch
from corpus.dedup.index import CandidateIndex, IndexState, Segment, prune
from corpus.dedup.judge import DocFacts
from corpus.dedup.minhash import SignatureMaker
from corpus.dedup.normalize import prepare
from corpus.dedup.scope import Grower, Groups, OldClusters
from corpus.dedup.settings import DedupSettings
from corpus.dedup.verify import Component, VerifyJob, VerifyResult, verify_batch
from corpus.executors import Executor, LocalExecutor
from corpus.store import Store

Progress = Callable[[str, int, int], None]
VERIFY_BATCH_DOCS = 2000  # documents whose shingle sets are held at once while verifying


def _quiet(stage: str, done: int, total: int) -> None:
    """No progress display."""


def new_cluster_id(url: str) -> str:
    """A new cluster's id: derived from the URL of its first canonical document."""
    return "c" + xxhash.xxh3_64_hexdigest(url.encode("utf-8"))[:16]


def fingerprint_spec(settings: DedupSettings) -> FingerprintSpec:
    """The per-document work's parameters; bands x rows as datasketch's ``MinHashLSH`` picks them."""
    bands, rows = _lsh_shape(settings.lsh_threshold, settings.num_perm)
    return FingerprintSpec(settings.shingle_size, settings.num_perm, settings.seed, settings.sentence_min_chars,
                           bands, rows)


@lru_cache(maxsize=8)
def _lsh_shape(threshold: float, num_perm: int) -> tuple[int, int]:
    """datasketch's choice of bands x rows (a numerical integration per candidate shape: 0.1 s)."""
    return _optimal_param(threshold, num_perm, 0.5, 0.5)


def run_dedup(store: Store, threshold: float | None = None, settings: DedupSettings | None = None,
              progress: Progress | None = None, constraints: Constraints | None = None,
              executor: Executor | None = None) -> dict:
    """Deduplicate the store's documents into ``clusters``/``cluster_members``/``containments``.

    Args:
        store: an open, migrated store.
        threshold: decision threshold on verified Jaccard (overrides ``settings.threshold``).
        settings: dedup settings (defaults from ``corpus/dedup/settings.py``).
        progress: called as ``progress(stage, done, total)`` during long stages.
        constraints: editors' decisions (apart, together, canonical), obeyed whatever the similarity.
        executor: where fingerprinting runs (default: ``LocalExecutor`` with ``settings.workers``).

    Returns:
        A summary dict: documents, fingerprinted, rebuilt_fingerprints, clusters, duplicates,
        cross_script_clusters, containments, template_links, scope, candidate_pairs, verified_pairs,
        crowded_buckets, frequent_sentences, seconds per stage.

    Example:
        >>> summary = run_dedup(Store.open("store.sqlite"), threshold=0.6)  # doctest: +SKIP
    """
    settings = (settings or DedupSettings()).with_threshold(threshold)
    if executor is None:
        with LocalExecutor(settings.workers or os.cpu_count() or 1, keep_pool=True) as local:
            return run_dedup(store, settings=settings, progress=progress, constraints=constraints, executor=local)
    constraints = constraints or Constraints()
    progress = progress or _quiet
    db = store.conn
    timings: dict[str, float] = {}
    spec = fingerprint_spec(settings)
    maker = SignatureMaker(settings.shingle_size, settings.num_perm, settings.seed)
    params = {**maker.params(), "normalizer": NORMALIZER}
    with store.transaction():
        previous = repo.last_run(db)
        run_id = repo.start_run(db, settings.as_dict())
        params_id = repo.params_id(db, params)
    # Another threshold or policy changes every decision: then everything is re-clustered.
    settings_changed = previous is not None and _decisive(previous.settings) != _decisive(settings.as_dict())

    clock = time.perf_counter()
    live = repo.live_ids(db)
    fingerprinted, gone, rebuilt = _fingerprint(store, live, spec, params_id, run_id, settings, executor, progress)
    # Fingerprinted by a run killed before it finished: new to the clusters and to the index too.
    changed = set(fingerprinted) | set(gone)
    if previous is not None:
        changed.update(repo.fingerprinted_after(db, previous.id))
    timings["fingerprint"] = time.perf_counter() - clock

    clock = time.perf_counter()
    groups = Groups(repo.duplicate_groups(db))
    folder = _index_folder(store)
    state = IndexState(**previous.stats["index"]) if previous and "index" in previous.stats else None
    before = CandidateIndex.open(folder, state) if folder and state and not settings_changed else None
    old = OldClusters(db, everything=before is None)
    seeds = (changed | set(repo.unclustered(db)) | constraints.documents()) & live
    for cluster in set(old.of(set(gone)).values()):  # a gone document's cluster-mates are re-clustered
        seeds.update(doc for doc in old.members(cluster) if doc in live)
    if before is None:
        index, scope = _full_candidates(db, live, groups, params_id, spec, settings,
                                        live if settings_changed else seeds, old, constraints)
        stored = repo.stored_signatures(db)
    else:
        reps = np.setdiff1d(repo.shingled_ids(db), np.array(sorted(groups.followers()), dtype=np.int64))
        change = incremental.update(before, reps, np.array(sorted(changed), dtype=np.int64),
                                    partial(_index_rows, db, spec), settings)
        index = change.index
        grow = Grower(groups, old, live, constraints)
        grow(sorted(seeds | change.disturbed, reverse=True))
        scope = incremental.grow_scope(index, grow, groups.rep_of, partial(_sentences, db, settings), settings)
        scope.stats["disturbed"] = len(change.disturbed)
        stored = repo.stored_signatures(db, sorted(scope.docs))
    _editors_pairs(scope, groups, constraints)
    timings["candidates"] = time.perf_counter() - clock

    clock = time.perf_counter()
    rows = repo.document_rows(db, scope.docs, len(live))
    candidates = {doc: Candidate(doc, rows[doc].outlet, rows[doc].published, stored[doc].norm_chars)
                  for doc in scope.docs}
    facts = {doc: DocFacts(rows[doc].title, rows[doc].published) for doc in scope.docs}
    result = VerifyResult()
    for part in executor.map(partial(verify_batch, settings, constraints),
                             _verify_jobs(store, groups, candidates, facts, scope.pairs, progress)):
        result.clusters += part.clusters
        result.containments += part.containments
        result.links += part.links
        result.verified += part.verified
    replaced = scope.docs | set(gone)
    _write(store, rows, result.clusters, result.containments, result.links, old.of(replaced), replaced)
    timings["verify_cluster"] = time.perf_counter() - clock

    clock = time.perf_counter()
    saved = index.save(folder, state) if folder else None
    timings["index"] = time.perf_counter() - clock
    summary = _summary(db, live, fingerprinted, gone, rebuilt, scope, result.verified, timings)
    summary["incremental"] = before is not None
    with store.transaction():
        repo.finish_run(db, run_id, params_id, {**summary, **({"index": saved.as_dict()} if saved else {})})
    if saved:
        prune(folder, saved)
    return summary


def _write(store: Store, rows: dict[int, repo.DocRow], clusters: list[Cluster], containments: list[tuple[int, int, float]],
           links: list[tuple[int, int, str, float, str]], old_ids: dict[int, str], replaced: set[int]) -> None:
    """Replace the clusters of the ``replaced`` documents (``old_ids``: their old clusters), keeping
    old ids where they still fit."""
    cluster_of = {doc: i for i, cluster in enumerate(clusters) for doc, _, _ in cluster.members}
    # Two copies of one story (a truncated and a wrapped one) can contain each other: not a flag.
    containments = [row for row in containments
                    if not (row[0] in cluster_of and cluster_of[row[0]] == cluster_of.get(row[1]))]
    affected_old = set(old_ids.values())
    ids = stable_ids(clusters, old_ids, _Taken(store.conn, affected_old), lambda doc: new_cluster_id(rows[doc].url))
    with store.transaction() as db:
        repo.replace_clusters(db, sorted(replaced), affected_old, [
            repo.ClusterRow(cid, c.canonical, c.reason, c.members, c.reasons) for cid, c in zip(ids, clusters)
        ])
        repo.save_containments(db, containments)
        repo.save_links(db, links)


class _Taken:
    """Cluster ids in use, but for those being replaced: looked up in the store when asked."""

    def __init__(self, db, replaced: set[str]):
        self.db, self.replaced = db, replaced

    def __contains__(self, cluster_id: str) -> bool:
        return cluster_id not in self.replaced and repo.cluster_exists(self.db, cluster_id)


def _decisive(settings: dict) -> str:
    """The settings that change clusters, comparable across runs (JSON turns tuples into lists)."""
    return json.dumps({key: value for key, value in settings.items() if key not in ("fingerprint_batch", "workers")},
                      sort_keys=True, ensure_ascii=False)


def _text_batches(store: Store, dirty: list[int], size: int) -> Iterator[list[tuple[int, str]]]:
    for batch in repo.chunks(dirty, size):
        texts = repo.texts(store.conn, batch)
        yield [(doc, texts[doc]) for doc in batch]


def _fingerprint(store: Store, live: set[int], spec: FingerprintSpec, params_id: int, run_id: int, settings: DedupSettings,
                 executor: Executor, progress: Progress) -> tuple[list[int], list[int], int]:
    """Fingerprint what is new or changed and forget what is gone."""
    gone = repo.gone_documents(store.conn)
    dirty = repo.dirty_documents(store.conn, params_id, live)
    progress("fingerprint", 0, len(dirty))
    if dirty:
        prepare()
        spec.maker.signatures(["预热编译"])  # numba's compiled loop, loaded once before workers fork
    done = rebuilt = 0
    for fingerprints in executor.map(partial(fingerprint_batch, spec),
                                     _text_batches(store, dirty, settings.fingerprint_batch)):
        with store.transaction() as db:
            repo.save_fingerprints(db, fingerprints, repo.text_hashes(db, [f.doc_id for f in fingerprints]),
                                   params_id, run_id)
        done += len(fingerprints)
        rebuilt += sum(f.rebuilt for f in fingerprints)
        progress("fingerprint", done, len(dirty))
    if gone:
        with store.transaction() as db:
            repo.forget(db, gone)
    return dirty, gone, rebuilt


def _index_folder(store: Store) -> Path | None:
    """Where the candidate index lives: beside the store file (none for an in-memory store)."""
    return None if store.path in ("", ":memory:") else Path(store.path + ".dedup-index")


def _index_rows(db, spec: FingerprintSpec, docs: np.ndarray) -> Segment:
    signatures, sentences = repo.fingerprint_rows(db, docs, spec.num_perm)
    return incremental.segment_of(docs, signatures, sentences, spec.bands, spec.rows)


def _sentences(db, settings: DedupSettings, docs: np.ndarray) -> list[np.ndarray]:
    return repo.fingerprint_rows(db, docs, settings.num_perm)[1]


def _full_candidates(db, live: set[int], groups: Groups, params_id: int, spec: FingerprintSpec,
                     settings: DedupSettings, seeds: set[int], old: OldClusters,
                     constraints: Constraints) -> tuple[CandidateIndex, incremental.Scope]:
    """Candidates over every representative (a first run, new settings, or no usable index), the
    scope grown from ``seeds`` along them, and a new index holding them."""
    ids, matrix = repo.signature_matrix(db, params_id, settings.num_perm)
    is_rep = np.fromiter((groups.is_rep(doc) for doc in ids.tolist()), dtype=bool, count=len(ids))
    ids, matrix = ids[is_rep], matrix[is_rep]
    keys = band_keys(matrix, spec.bands, spec.rows)
    del matrix
    pairs, lsh_stats = lsh_pairs(ids, keys, settings.max_candidates, settings.crowded_neighbours)
    sentence_ids, hashes = repo.sentence_hashes(db, params_id)
    keep = [i for i, doc in enumerate(sentence_ids.tolist()) if groups.is_rep(doc)]
    sentence_ids, hashes = sentence_ids[keep], [hashes[i] for i in keep]
    stats = {"lsh_pairs": lsh_stats.pairs, "crowded_buckets": lsh_stats.crowded_buckets}
    adjacency: dict[int, list[int]] = {}
    for a, b in pairs.tolist():
        adjacency.setdefault(a, []).append(b)
        adjacency.setdefault(b, []).append(a)
    grow = Grower(groups, old, live, constraints, adjacency)
    grow(sorted(seeds, reverse=True))
    scope = _close_along_sentences(grow, sentence_ids, hashes, len(live), settings, stats)
    scope.pairs.update((a, b) for a, b in pairs.tolist() if a in scope.docs)
    lengths = np.fromiter(map(len, hashes), dtype=np.int64, count=len(hashes))
    counts = np.zeros(len(ids), dtype=np.int64)
    counts[np.searchsorted(ids, sentence_ids)] = lengths  # a text with a long sentence has shingles
    postings = np.concatenate(hashes) if hashes else np.empty(0, dtype=np.int64)
    base = Segment.build(ids, keys, counts, postings, np.repeat(sentence_ids, lengths))
    return CandidateIndex(base, Segment.empty(spec.bands), np.empty(0, dtype=np.int64)), scope


def _close_along_sentences(grow: Grower, sentence_ids: np.ndarray, hashes: list[np.ndarray], total: int,
                           settings: DedupSettings, stats: dict[str, int]) -> incremental.Scope:
    """Grow the scope along sentence pairs, computed only over the sentences the scope holds (on an
    incremental run a small share of all postings), until nothing new joins."""
    scope = grow.scope
    inside = np.empty((0, 2), dtype=np.int64)
    frequent = 0
    while True:
        whole = len(scope) == total
        reps = np.fromiter((doc in scope for doc in sentence_ids.tolist()), dtype=bool, count=len(sentence_ids))
        only = None if whole else np.unique(np.concatenate(
            [hashes[i] for i in np.flatnonzero(reps)] or [np.empty(0, dtype=np.int64)]))
        inside, sentence_stats = sentence_pairs(sentence_ids, hashes, settings.sentence_max_docs,
                                                settings.sentence_min_share, only=only)
        frequent = sentence_stats.frequent_sentences
        before = len(scope)
        grow([doc for a, b in inside.tolist() if a in scope or b in scope for doc in (a, b) if doc not in scope])
        if whole or len(scope) == before:
            break
    stats.update(sentence_pairs=len(inside), frequent_sentences=frequent)
    return incremental.Scope(scope, {(a, b) for a, b in inside.tolist() if a in scope}, stats)


def _editors_pairs(scope: incremental.Scope, groups: Groups, constraints: Constraints) -> None:
    """An editors' group is verified and clustered as one unit."""
    for group in constraints.together:
        reps = sorted({groups.rep_of(doc) for doc in group if doc in scope.docs})
        scope.pairs.update((reps[0], other) for other in reps[1:])


def _verify_jobs(store: Store, groups: Groups, candidates: dict[int, Candidate], facts: dict[int, DocFacts], pairs: set[tuple[int, int]], progress: Progress) -> Iterator[VerifyJob]:
    """Connected components of the scope's representatives, batched to about VERIFY_BATCH_DOCS
    representatives, each batch with the texts it verifies (read here, in the driver)."""
    reps = {groups.rep_of(doc) for doc in candidates}
    parts = components(reps, pairs)
    part_of = {rep: i for i, part in enumerate(parts) for rep in part}
    pairs_of: dict[int, list[tuple[int, int]]] = {}
    for pair in sorted(pairs):
        pairs_of.setdefault(part_of[pair[0]], []).append(pair)
    batch: list[Component] = []
    held = done = 0
    for i, part in enumerate(parts):
        batch.append(Component({rep: [doc for doc in groups.members(rep) if doc in candidates] for rep in sorted(part)},
                               pairs_of.get(i, [])))
        held += len(part)
        if held >= VERIFY_BATCH_DOCS or i == len(parts) - 1:
            verified = [rep for component in batch if len(component.groups) > 1 for rep in component.groups]
            yield VerifyJob(batch, {doc: candidates[doc] for c in batch for docs in c.groups.values() for doc in docs},
                            {rep: facts[rep] for rep in verified}, repo.texts(store.conn, verified))
            done += held
            progress("verify", done, len(reps))
            batch, held = [], 0


def _summary(db, live: set[int], fingerprinted: list[int], gone: list[int], rebuilt: int, scope: incremental.Scope,
             verified: int, timings: dict) -> dict:
    totals = dedup_totals(db)
    containments = db.execute("SELECT count(*) FROM containments").fetchone()[0]
    template_links = db.execute("SELECT count(*) FROM dedup_links").fetchone()[0]
    return {
        "documents": len(live),
        "fingerprinted": len(fingerprinted),
        "rebuilt_fingerprints": rebuilt,
        "forgotten": len(gone),
        "scope": len(scope.docs),
        "candidate_pairs": len(scope.pairs),
        "verified_pairs": verified,
        "clusters": totals.clusters,
        "duplicates": totals.duplicates,
        "cross_script_clusters": totals.cross_script_clusters,
        "containments": containments,
        "template_links": template_links,
        **scope.stats,
        "seconds": {stage: round(value, 3) for stage, value in timings.items()},
    }
