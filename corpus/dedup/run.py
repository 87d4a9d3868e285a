"""One dedup pass over the store: fingerprint what changed, find candidates, verify, cluster.

Recipe (each stage commits its own work, so a killed run resumes where it stopped):

1. Fingerprint new and changed documents (``text_hash`` differs from the one fingerprinted) and
   persist their signatures; forget documents that are gone or taken down.
2. Rebuild the in-memory ``MinHashLSH`` from the stored signatures (one per exact-duplicate group;
   lean storage, see ``lsh_index.py``).
3. The scope: changed documents, their exact-duplicate groups, and every member of the clusters
   they belonged to; grown along LSH candidates (and their clusters) until closed. A first run's
   scope is everything. Unrelated clusters are not touched, so their ids stay.
4. Verify each candidate pair on exact shingle sets, one connected component at a time (memory
   stays bounded by the largest component), cluster with the chain guard, flag containments.
5. Replace the scope's clusters in one transaction.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import numpy as np
import xxhash
from datasketch import MinHashLSH

from corpus.dedup import repository as repo
from corpus.dedup.canonical import Candidate, CanonicalPolicy
from corpus.dedup.clustering import Cluster, components, stable_ids, star_clusters
from corpus.dedup.fingerprint import NORMALIZER, ShingleSets, fingerprint_batch, title_relation
from corpus.dedup.lsh_index import StoredSketch, build_index
from corpus.dedup.minhash import SignatureMaker
from corpus.dedup.settings import DedupSettings
from corpus.executors import Executor, LocalExecutor
from corpus.store import Store

Progress = Callable[[str, int, int], None]
VERIFY_BATCH_DOCS = 2000  # documents whose shingle sets are held at once while verifying


def _quiet(stage: str, done: int, total: int) -> None:
    """No progress display."""


def new_cluster_id(url: str) -> str:
    """A new cluster's id: derived from the URL of its first canonical document."""
    return "c" + xxhash.xxh3_64_hexdigest(url.encode("utf-8"))[:16]


@dataclass
class _Index:
    """The live documents' fingerprints and the LSH over one representative per exact group."""

    lsh: MinHashLSH
    signatures: dict[int, np.ndarray]
    norm_chars: dict[int, int]
    rep_of: dict[int, int]
    groups: dict[int, list[int]]
    build_seconds: float


def run_dedup(store: Store, threshold: float | None = None, settings: DedupSettings | None = None,
              progress: Progress | None = None, executor: Executor | None = None) -> dict:
    """Deduplicate the store's documents into ``clusters``/``cluster_members``/``containments``.

    Args:
        store: an open, migrated store.
        threshold: decision threshold on verified Jaccard (overrides ``settings.threshold``).
        settings: dedup settings (defaults from ``corpus/dedup/settings.py``).
        progress: called as ``progress(stage, done, total)`` during long stages.
        executor: where fingerprints are computed (``corpus.executors``; default: this process).

    Returns:
        A summary dict: documents, fingerprinted, clusters, duplicates, cross_script_clusters,
        containments, scope, candidate_pairs, verified_pairs, seconds per stage.

    Example:
        >>> summary = run_dedup(Store.open("store.sqlite"), threshold=0.6)  # doctest: +SKIP
    """
    settings = (settings or DedupSettings()).with_threshold(threshold)
    progress = progress or _quiet
    db = store.conn
    timings: dict[str, float] = {}
    maker = SignatureMaker(settings.shingle_size, settings.num_perm, settings.seed)
    params = {**maker.params(), "normalizer": NORMALIZER}
    with store.transaction():
        previous = repo.last_settings(db)
        run_id = repo.start_run(db, settings.as_dict())
        params_id = repo.params_id(db, params)
    # Another threshold or policy changes every decision: then everything is re-clustered.
    settings_changed = previous is not None and _decisive(previous) != _decisive(settings.as_dict())

    clock = time.perf_counter()
    docs = repo.live_documents(db)
    fingerprinted, gone = _fingerprint(store, docs, maker, params_id, settings, progress,
                                       executor or LocalExecutor(1))
    timings["fingerprint"] = time.perf_counter() - clock

    clock = time.perf_counter()
    stored = repo.stored_signatures(db)
    index = _build_index(db, docs, stored, params_id, settings)
    timings["index"] = time.perf_counter() - clock

    clock = time.perf_counter()
    old_ids = repo.memberships(db)
    seeds = set(fingerprinted) | {doc for doc in docs if doc not in old_ids} | set(gone)
    if settings_changed:
        seeds |= set(docs)
    scope, pairs = _scope(index, seeds, old_ids, docs, settings.max_candidates, progress)
    sentence_pairs = repo.sentence_pairs(db, sorted(scope), settings.sentence_max_docs, settings.sentence_min_share)
    timings["candidates"] = time.perf_counter() - clock

    clock = time.perf_counter()
    candidates = {doc: Candidate(doc, docs[doc].outlet, docs[doc].published, stored[doc].norm_chars) for doc in scope}
    judge = _Judge(settings, {doc: row.title for doc, row in docs.items()})
    clusters, containments, verified = _verify_and_cluster(store, index, candidates, judge, pairs, sentence_pairs,
                                                           settings, progress)
    _write(store, docs, clusters, containments, old_ids, scope | set(gone))
    timings["verify_cluster"] = time.perf_counter() - clock

    summary = _summary(db, docs, fingerprinted, gone, scope, pairs, verified, index, timings)
    with store.transaction():
        repo.finish_run(db, run_id, params_id, summary)
    return summary


def _write(store: Store, docs: dict, clusters: list[Cluster], containments: list[tuple[int, int, float]],
           old_ids: dict[int, str], replaced: set[int]) -> None:
    """Replace the clusters of the ``replaced`` documents, keeping old ids where they still fit."""
    cluster_of = {doc: i for i, cluster in enumerate(clusters) for doc, _, _ in cluster.members}
    # Two copies of one story (a truncated and a wrapped one) can contain each other: not a flag.
    containments = [row for row in containments
                    if not (row[0] in cluster_of and cluster_of[row[0]] == cluster_of.get(row[1]))]
    affected_old = {old_ids[doc] for doc in replaced if doc in old_ids}
    taken = repo.cluster_ids(store.conn) - affected_old
    ids = stable_ids(clusters, {doc: cid for doc, cid in old_ids.items() if doc in replaced}, taken,
                     lambda doc: new_cluster_id(docs[doc].url))
    with store.transaction() as db:
        repo.replace_clusters(db, sorted(replaced), affected_old, [
            {"id": cid, "canonical": c.canonical, "reason": c.reason, "members": c.members}
            for cid, c in zip(ids, clusters)
        ])
        repo.save_containments(db, containments)


def _decisive(settings: dict) -> str:
    """The settings that change clusters, comparable across runs (JSON turns tuples into lists)."""
    return json.dumps({key: value for key, value in settings.items() if key != "fingerprint_batch"},
                      sort_keys=True, ensure_ascii=False)


def _fingerprint(store: Store, docs: dict, maker: SignatureMaker, params_id: int, settings: DedupSettings,
                 progress: Progress, executor: Executor) -> tuple[list[int], list[int]]:
    stored = repo.stored_signatures(store.conn)
    gone = [doc for doc in stored if doc not in docs]
    dirty = [doc for doc, row in docs.items()
             if doc not in stored or stored[doc].params_id != params_id or stored[doc].text_hash != row.text_hash]
    progress("fingerprint", 0, len(dirty))
    batches = list(repo.chunks(dirty, settings.fingerprint_batch))

    def texts_of(batch: list[int]) -> list[tuple[int, str]]:
        texts = repo.texts(store.conn, batch)
        return [(doc, texts[doc]) for doc in batch]

    # The executor computes (in order); this process reads the texts and writes the store.
    compute = partial(fingerprint_batch, maker=maker, sentence_min_chars=settings.sentence_min_chars)
    for done, (batch, fingerprints) in enumerate(zip(batches, executor.map(compute, map(texts_of, batches)))):
        with store.transaction() as db:
            repo.save_fingerprints(db, fingerprints, {doc: docs[doc].text_hash for doc in batch}, params_id)
        progress("fingerprint", min((done + 1) * settings.fingerprint_batch, len(dirty)), len(dirty))
    if gone:
        with store.transaction() as db:
            repo.forget(db, gone)
    return dirty, gone


def _build_index(db, docs: dict, stored: dict, params_id: int, settings: DedupSettings) -> _Index:
    clock = time.perf_counter()
    groups: dict[int, list[int]] = {}
    by_hash: dict[str, int] = {}
    for doc in sorted(docs):
        row = stored[doc]
        # An empty normalised text says nothing about its document: never an exact duplicate.
        rep = by_hash.setdefault(row.norm_hash, doc) if row.norm_chars else doc
        groups.setdefault(rep, []).append(doc)
    rep_of = {doc: rep for rep, members in groups.items() for doc in members}
    ids, matrix = repo.signature_matrix(db, params_id, settings.num_perm)
    signatures = {int(doc): matrix[i] for i, doc in enumerate(ids) if int(doc) in groups}
    lsh = build_index(list(signatures), list(signatures.values()), settings.lsh_threshold, settings.num_perm)
    norm_chars = {doc: row.norm_chars for doc, row in stored.items()}
    return _Index(lsh, signatures, norm_chars, rep_of, groups, time.perf_counter() - clock)


def _candidates(index: _Index, rep: int, limit: int) -> list[int]:
    """LSH candidates of ``rep``; past ``limit``, those with the highest estimated Jaccard."""
    found = index.lsh.query(StoredSketch(index.signatures[rep]))
    if len(found) <= limit:
        return found
    estimates = (np.stack([index.signatures[doc] for doc in found]) == index.signatures[rep]).mean(axis=1)
    return [found[i] for i in np.argsort(-estimates, kind="stable")[:limit]]


def _scope(index: _Index, seeds: set[int], old_ids: dict[int, str], docs: dict, max_candidates: int,
           progress: Progress) -> tuple[set[int], set[tuple[int, int]]]:
    """Documents to re-cluster and the LSH candidate pairs among their representatives."""
    members_of: dict[str, list[int]] = {}
    for doc, cid in old_ids.items():
        members_of.setdefault(cid, []).append(doc)
    scope: set[int] = set()
    pending: list[int] = []

    def add(first: int) -> None:
        # A document brings its exact-duplicate group and its old cluster's members, transitively.
        stack = [first]
        while stack:
            doc = stack.pop()
            if doc not in docs or doc in scope:
                continue
            rep = index.rep_of[doc]
            pending.append(rep)
            for member in index.groups[rep]:
                if member not in scope:
                    scope.add(member)
                    if member in old_ids:
                        stack.extend(members_of[old_ids[member]])

    for doc in sorted(seeds):
        if doc in old_ids:
            for member in members_of[old_ids[doc]]:
                add(member)
        add(doc)
    pairs: set[tuple[int, int]] = set()
    queried: set[int] = set()
    while pending:
        rep = pending.pop()
        if rep in queried or rep not in index.signatures:
            continue
        queried.add(rep)
        for other in _candidates(index, rep, max_candidates):
            if other != rep:
                pairs.add((min(rep, other), max(rep, other)))
                add(other)
        if len(queried) % 5000 == 0:
            progress("candidates", len(queried), len(queried) + len(pending))
    return scope, pairs


class _Judge:
    """Decides on verified similarity whether two documents are copies of one story."""

    def __init__(self, settings: DedupSettings, titles: dict[int, str | None]):
        self.settings = settings
        self.titles = titles

    def same_story(self, a: int, b: int, jaccard: float, contained: float) -> bool:
        """Jaccard decides; when one text lies inside the other, the headlines decide (see settings)."""
        settings = self.settings
        if contained >= settings.titled_containment:
            relation = title_relation(self.titles.get(a), self.titles.get(b))
            if relation == "same":
                return jaccard >= settings.titled_threshold
            if relation == "different":
                return jaccard >= settings.retitled_threshold
        return jaccard >= settings.threshold


def _work_units(index: _Index, reps: set[int], pairs: set[tuple[int, int]], sentence_pairs: set[tuple[int, int]]
                ) -> tuple[list[set[int]], dict[int, list[tuple[int, int]]]]:
    """Connected components of representatives under all candidate pairs, and each one's pairs."""
    containment_pairs = {(min(ra, rb), max(ra, rb)) for ra, rb in
                         ((index.rep_of.get(a), index.rep_of.get(b)) for a, b in sentence_pairs)
                         if ra is not None and rb is not None and ra != rb}
    all_pairs = pairs | containment_pairs
    parts = components(reps | {doc for pair in all_pairs for doc in pair}, all_pairs)
    part_of = {rep: i for i, part in enumerate(parts) for rep in part}
    pairs_of: dict[int, list[tuple[int, int]]] = {}
    for pair in all_pairs:
        pairs_of.setdefault(part_of[pair[0]], []).append(pair)
    return parts, pairs_of


def _verify_and_cluster(store: Store, index: _Index, candidates: dict[int, Candidate], judge: _Judge,
                        pairs: set[tuple[int, int]], sentence_pairs: set[tuple[int, int]],
                        settings: DedupSettings, progress: Progress):
    """Verify every candidate pair on exact shingle sets, a batch of components at a time, and cluster."""
    policy = CanonicalPolicy(settings)
    reps = {index.rep_of[doc] for doc in candidates}
    parts, pairs_of = _work_units(index, reps, pairs, sentence_pairs)
    clusters: list[Cluster] = []
    containments: list[tuple[int, int, float]] = []
    verified = 0

    def verify(batch: list[int]) -> None:
        nonlocal verified
        sets = ShingleSets(settings.shingle_size)
        sets.load(repo.texts(store.conn, {doc for i in batch for pair in pairs_of.get(i, ()) for doc in pair}))
        for i in batch:
            similar: dict[int, dict[int, float]] = {}
            for a, b in pairs_of.get(i, ()):
                jaccard, contained = sets.similarity(a, b)
                verified += 1
                if judge.same_story(a, b, jaccard, contained):
                    if a in reps and b in reps:
                        similar.setdefault(a, {})[b] = jaccard
                        similar.setdefault(b, {})[a] = jaccard
                elif contained >= settings.containment:
                    containments.extend(_containment_rows(index, a, b, contained))
            groups = {rep: [doc for doc in index.groups[rep] if doc in candidates] for rep in parts[i] if rep in reps}
            docs = {doc: candidates[doc] for members in groups.values() for doc in members}
            if docs:
                clusters.extend(star_clusters(docs, groups, similar, policy))

    batch: list[int] = []
    held = done = 0
    for i, part in enumerate(parts):
        batch.append(i)
        held += len(part)
        if held >= VERIFY_BATCH_DOCS:
            verify(batch)
            batch, done, held = [], done + held, 0
            progress("verify", done, len(reps))
    verify(batch)
    progress("verify", len(reps), len(reps))
    return clusters, containments, verified


def _containment_rows(index: _Index, a: int, b: int, contained: float) -> list[tuple[int, int, float]]:
    """Container = the longer text; one row per (container, contained) document of the two groups."""
    longer, shorter = (a, b) if index.norm_chars[a] >= index.norm_chars[b] else (b, a)
    return [(container, inside, round(contained, 4))
            for container in index.groups[longer] for inside in index.groups[shorter]]


def _summary(db, docs: dict, fingerprinted: list[int], gone: list[int], scope: set[int],
             pairs: set, verified: int, index: _Index, timings: dict) -> dict:
    clusters = db.execute("SELECT count(*) FROM clusters").fetchone()[0]
    duplicates = db.execute("SELECT count(*) FROM cluster_members WHERE method != 'canonical'").fetchone()[0]
    cross_script = db.execute(
        """SELECT count(*) FROM (SELECT m.cluster_id FROM cluster_members m JOIN documents d ON d.id = m.doc_id
           WHERE d.script IN ('zh-Hans', 'zh-Hant') GROUP BY m.cluster_id HAVING count(DISTINCT d.script) > 1)"""
    ).fetchone()[0]
    containments = db.execute("SELECT count(*) FROM containments").fetchone()[0]
    return {
        "documents": len(docs),
        "fingerprinted": len(fingerprinted),
        "forgotten": len(gone),
        "scope": len(scope),
        "candidate_pairs": len(pairs),
        "verified_pairs": verified,
        "clusters": clusters,
        "duplicates": duplicates,
        "cross_script_clusters": cross_script,
        "containments": containments,
        "index_build_seconds": round(index.build_seconds, 3),
        "seconds": {stage: round(value, 3) for stage, value in timings.items()},
    }
