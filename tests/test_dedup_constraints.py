"""Editors' decisions and the executor seam: run_dedup obeys Constraints; fingerprints are the same anywhere."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest

from corpus.dedup import run_dedup
from corpus.dedup.constraints import Constraints
from corpus.dedup.fingerprint import fingerprint_batch
from corpus.dedup.run import fingerprint_spec
from corpus.dedup.settings import DedupSettings
from corpus.executors import LocalExecutor
from corpus.store import Store
from dedup_support import labelled_rows, put_documents


@pytest.fixture(scope="module")
def rows():
    return labelled_rows()


@pytest.fixture
def store(tmp_path):
    with Store.open(tmp_path / "store.sqlite") as opened:
        yield opened


def _story(rows: list[dict], count: int) -> list[dict]:
    by_story: dict[str, list[dict]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(row)
    return next(members for story, members in sorted(by_story.items())
                if story.startswith("thuc") and len(members) >= count)


def _members(store: Store) -> dict[int, tuple[str, str]]:
    return {doc: (cluster, method) for doc, cluster, method in
            store.execute("SELECT doc_id, cluster_id, method FROM cluster_members")}


def test_an_apart_pair_never_meets_again_not_even_through_a_third_copy(store, rows):
    story = _story(rows, 3)
    ids = put_documents(store, story)
    run_dedup(store)
    docs = [ids[row["url"]] for row in story]
    assert len({_members(store)[doc][0] for doc in docs}) == 1
    first, second = docs[0], docs[1]
    run_dedup(store, constraints=Constraints.of(apart=[(first, second)]))
    members = _members(store)
    assert members[first][0] != members[second][0]
    # The others still cluster with one of the two; the split holds on a run with nothing new.
    assert all(members[doc][0] in (members[first][0], members[second][0]) for doc in docs[2:])
    summary = run_dedup(store, constraints=Constraints.of(apart=[(first, second)]))
    assert summary["fingerprinted"] == 0 and _members(store)[first][0] != _members(store)[second][0]


def test_a_together_group_holds_and_a_chosen_canonical_wins(store, rows):
    story = _story(rows, 3)
    stranger = next(row for row in rows if row["story"] == "seed001")
    ids = put_documents(store, story + [stranger])
    docs = [ids[row["url"]] for row in story]
    run_dedup(store)
    assert _members(store)[ids[stranger["url"]]][0] != _members(store)[docs[0]][0]
    chosen = docs[-1]
    run_dedup(store, constraints=Constraints.of(together=[(docs[0], ids[stranger["url"]])], canonical=[chosen]))
    members = _members(store)
    assert members[ids[stranger["url"]]] == (members[docs[0]][0], "editor")
    canonical, reason = store.execute("SELECT canonical_doc_id, canonical_reason FROM clusters WHERE id = ?",
                                      (members[chosen][0],)).fetchone()
    assert canonical == chosen and reason == "chosen by an editor"
    why = dict(store.execute("SELECT doc_id, reason FROM dedup_member_reasons").fetchall())
    assert why[ids[stranger["url"]]] == "kept together by an editor"


def test_fingerprints_are_the_same_in_a_pool_of_workers(rows):
    spec = fingerprint_spec(DedupSettings())
    batches = [[(i, row["text"]) for i, row in enumerate(rows[start:start + 40], start)]
               for start in range(0, 120, 40)]
    local = [f for batch in LocalExecutor(1).map(partial(fingerprint_batch, spec), batches) for f in batch]
    pooled = [f for batch in LocalExecutor(2).map(partial(fingerprint_batch, spec), batches) for f in batch]
    assert [f.doc_id for f in pooled] == list(range(120))
    for a, b in zip(local, pooled):
        assert a.norm_hash == b.norm_hash and np.array_equal(a.signature, b.signature)
        assert np.array_equal(a.band_keys, b.band_keys) and np.array_equal(a.sentences, b.sentences)
