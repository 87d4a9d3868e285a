"""Incremental dedup gives what a full run gives: N documents then Δ, against N + Δ at once.

Compared by URL: every cluster (members and canonical), each member's reason, containments and
template links. Run through the CLI and through the library on the labelled fixture with its hard
cases, also with caps so tight that adding documents turns buckets crowded and sentences frequent
(the pairs of documents that did not change then change too).
"""

from __future__ import annotations

import json
import shutil

import pytest

from conftest import run_cli
from corpus.dedup import DedupSettings, run_dedup
from corpus.store import Store
from corpus.workspace import Workspace
from dedup_support import labelled_rows, put_documents

INGEST_FIELDS = ("url", "text", "title", "published", "source")
TIGHT = DedupSettings(max_candidates=2, crowded_neighbours=1, sentence_max_docs=2)


def outcome(store: Store) -> dict:
    """Everything dedup decided, keyed by URL (ids of clusters may differ: old ids are kept)."""
    url = dict(store.execute("SELECT id, url FROM documents").fetchall())
    clusters: dict[str, list] = {}
    for doc, cluster in store.execute("SELECT doc_id, cluster_id FROM cluster_members"):
        clusters.setdefault(cluster, []).append(url[doc])
    canonical = {cid: url[doc] for cid, doc in store.execute("SELECT id, canonical_doc_id FROM clusters")}
    return {
        "clusters": {(frozenset(members), canonical[cid]) for cid, members in clusters.items()},
        "reasons": {(url[doc], reason) for doc, reason in store.execute("SELECT doc_id, reason FROM dedup_member_reasons")},
        "containments": {(url[a], url[b]) for a, b in store.execute(
            "SELECT container_doc_id, contained_doc_id FROM containments")},
        "links": {(url[a], url[b], kind) for a, b, kind in store.execute("SELECT doc_a, doc_b, kind FROM dedup_links")},
    }


def split(rows: list[dict], every: int) -> tuple[list[dict], list[dict]]:
    """Every ``every``-th row arrives later: copies of one story land on both sides."""
    return [r for i, r in enumerate(rows) if i % every], [r for i, r in enumerate(rows) if not i % every]


def ingest(workspace: Workspace, rows: list[dict], path) -> None:
    path.write_text("".join(json.dumps({key: row[key] for key in INGEST_FIELDS}, ensure_ascii=False) + "\n"
                            for row in rows), "utf-8")
    run_cli("ingest", str(path), home=workspace)


def test_cli_dedup_of_n_then_delta_equals_dedup_of_both(tmp_path):
    rows = [row for row in labelled_rows() if row.get("cls") != "short-lines"]  # ingest turns those away
    first, later = split(rows, 5)
    stepwise, at_once = Workspace(tmp_path / "a").ensure(), Workspace(tmp_path / "b").ensure()
    ingest(stepwise, first, tmp_path / "first.jsonl")
    run_cli("dedup", home=stepwise)
    ingest(stepwise, later, tmp_path / "later.jsonl")
    summary = json.loads(run_cli("dedup", "--json", home=stepwise).stdout)
    summary = summary.get("summary", summary)
    assert summary["incremental"] is True and summary["fingerprinted"] == len(later)
    assert summary["scope"] < len(rows)
    ingest(at_once, first + later, tmp_path / "all.jsonl")
    run_cli("dedup", home=at_once)
    with Store.open(stepwise.db_path) as a, Store.open(at_once.db_path) as b:
        assert outcome(a) == outcome(b)


@pytest.mark.parametrize("settings", [DedupSettings(), TIGHT], ids=["default", "tight-caps"])
def test_incremental_runs_with_the_hard_cases_equal_a_full_run(tmp_path, settings):
    rows = labelled_rows()
    first, later = split(rows, 3)
    # Documents rewritten after they were clustered: one, then another (the second run reads the
    # delta segment and dead rows the first left).
    changed = [{**first[7], "text": later[0]["text"]}, {**first[2], "text": first[9]["text"] + "\n" + first[2]["text"]}]
    with Store.open(tmp_path / "stepwise.sqlite") as store:
        put_documents(store, first)
        assert run_dedup(store, settings=settings)["incremental"] is False
        put_documents(store, later)
        summary = run_dedup(store, settings=settings)
        assert summary["incremental"] is True and summary["fingerprinted"] == len(later)
        for row in changed:
            put_documents(store, [row])
            summary = run_dedup(store, settings=settings)
            assert summary["incremental"] is True and summary["fingerprinted"] == 1
        stepwise = outcome(store)
    with Store.open(tmp_path / "at-once.sqlite") as store:
        put_documents(store, first + later)
        put_documents(store, changed)
        run_dedup(store, settings=settings)
        at_once = outcome(store)
    assert stepwise["clusters"] == at_once["clusters"]
    assert stepwise == at_once


def test_a_lost_index_is_rebuilt_from_the_store(tmp_path):
    rows = labelled_rows()
    first, later = split(rows, 4)
    path = tmp_path / "store.sqlite"
    with Store.open(path) as store:
        put_documents(store, first)
        run_dedup(store)
        shutil.rmtree(tmp_path / "store.sqlite.dedup-index")
        put_documents(store, later)
        assert run_dedup(store)["incremental"] is False  # candidates over everything, a new index
        assert run_dedup(store)["incremental"] is True
        stepwise = outcome(store)
    with Store.open(tmp_path / "at-once.sqlite") as store:
        put_documents(store, first + later)
        run_dedup(store)
        assert outcome(store) == stepwise


def test_a_sentence_turning_frequent_unpairs_documents_that_did_not_change(tmp_path):
    """A page holding a story is a containment while the story's sentences are rare; a second page
    holding it makes them frequent (three holders, cap two): a full run no longer pairs the first
    page with the story, and neither may an incremental run that never touched either."""
    originals = sorted((row for row in labelled_rows() if row["variant"] == "original" and row.get("cls") == "base"),
                       key=lambda row: len(row["text"]))
    # A short story among long ones: the pages are far from it in Jaccard, so LSH never pairs them.
    story, others = originals[8], originals[-8:]
    page = {**story, "url": "https://page.example.org/1", "title": "第A01版",
            "text": "\n".join([story["text"], *(row["text"] for row in others[:4])])}
    second = {**story, "url": "https://page.example.org/2", "title": "第A02版",
              "text": "\n".join([story["text"], *(row["text"] for row in others[4:])])}
    settings = DedupSettings(sentence_max_docs=2)
    with Store.open(tmp_path / "stepwise.sqlite") as store:
        put_documents(store, [story, page, *others])
        run_dedup(store, settings=settings)
        assert (page["url"], story["url"]) in outcome(store)["containments"]
        put_documents(store, [second])
        summary = run_dedup(store, settings=settings)
        assert summary["incremental"] is True and summary["disturbed"] >= 2
        stepwise = outcome(store)
    with Store.open(tmp_path / "at-once.sqlite") as store:
        put_documents(store, [story, page, *others, second])
        run_dedup(store, settings=settings)
        at_once = outcome(store)
    assert (page["url"], story["url"]) not in at_once["containments"]
    assert stepwise == at_once
