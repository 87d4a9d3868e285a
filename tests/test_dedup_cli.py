"""Dedup end to end through the real CLI: ingest -> dedup -> export clusters."""

from __future__ import annotations

import csv
import io
import json
from importlib.util import find_spec

import pytest

from conftest import run_cli
from corpus.store import Store
from dedup_support import gold_pairs, labelled_rows, precision_recall, predicted_pairs, put_documents

INGEST_FIELDS = ("url", "text", "title", "published", "source")


@pytest.fixture(scope="module")
def rows():
    # Stories set in short lines are turned away by ingest's genre rules (they read as link lists
    # there); dedup's handling of them is tested in test_dedup_hard.py.
    return [row for row in labelled_rows() if row.get("cls") != "short-lines"]


@pytest.fixture
def loaded(workspace, rows, tmp_path):
    """The labelled set in a workspace: through `newscorpus ingest` where it exists, else straight SQL."""
    if find_spec("corpus.cli.ingest") is not None:
        source = tmp_path / "labelled.jsonl"
        source.write_text("".join(json.dumps({key: row[key] for key in INGEST_FIELDS}, ensure_ascii=False) + "\n"
                                  for row in rows), "utf-8")
        result = run_cli("ingest", str(source), home=workspace)
        assert f"ingested {len(rows)} documents" in result.stdout
    else:
        with workspace.open_store() as store:
            put_documents(store, rows)
    return workspace


def test_dedup_then_export_clusters_jsonl(loaded, rows):
    result = run_cli("dedup", home=loaded)
    assert f"{len(rows)} documents ({len(rows)} fingerprinted now)" in result.stdout
    assert "cross-script clusters" in result.stdout and "containments" in result.stdout
    exported = run_cli("export", "clusters", home=loaded).stdout
    clusters = [json.loads(line) for line in exported.splitlines()]
    assert clusters and all(len(c["members"]) > 1 for c in clusters)
    for cluster in clusters:
        assert set(cluster) >= {"cluster_id", "canonical", "members"}
        assert set(cluster["canonical"]) == {"doc_id", "url"}
        assert cluster["members"][0]["doc_id"] == cluster["canonical"]["doc_id"]
        for member in cluster["members"]:
            assert set(member) >= {"doc_id", "url", "outlet", "published", "script", "similarity"}
    precision, recall = precision_recall(predicted_pairs(clusters), gold_pairs(rows))
    assert precision >= 0.99 and recall >= 0.97, (precision, recall)

    everything = run_cli("export", "clusters", "--all", home=loaded).stdout.splitlines()
    members = sum(len(json.loads(line)["members"]) for line in everything)
    assert members == len(rows) and len(everything) > len(clusters)


def test_export_clusters_csv_has_one_row_per_member(loaded):
    run_cli("dedup", "--threshold", "0.7", home=loaded)
    table = list(csv.DictReader(io.StringIO(run_cli("export", "clusters", "--format", "csv", home=loaded).stdout)))
    assert table and {"cluster_id", "canonical_doc_id", "canonical_url", "doc_id", "url", "similarity"} <= set(table[0])
    # Members reach the threshold, or (shortened copies under the same headline) the titled floor.
    assert all(float(row["similarity"]) >= 0.4 for row in table)
    assert sum(float(row["similarity"]) < 0.7 for row in table) <= len(table) // 10
    assert all(row["similarity"] == "1.0" for row in table if row["doc_id"] == row["canonical_doc_id"])
    with Store.open(loaded.db_path) as store:
        run = store.execute("SELECT settings FROM dedup_runs ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert json.loads(run)["threshold"] == 0.7


def test_second_dedup_fingerprints_nothing_new(loaded):
    run_cli("dedup", home=loaded)
    assert "(0 fingerprinted now)" in run_cli("dedup", home=loaded).stdout


def test_bad_threshold_is_refused_with_a_message(workspace):
    result = run_cli("dedup", "--threshold", "1.5", home=workspace, check=False)
    assert result.returncode != 0 and "threshold" in result.stderr.lower()
