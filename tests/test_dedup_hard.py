"""Issue 13's hard cases, one test per class, on the labelled fixture's hard rows (``cls`` column).

Each class is built from real THUCNews text by ``benchmarks/data/dedup_labelled.py``: daily editions
of a number-dense report, two documents of one template, same-day revisions, re-titled reprints
that dropped sentences, OCR-noisy Traditional reprints stored first, stories set in short lines.
"""

from __future__ import annotations

from itertools import combinations

import pytest

from corpus.dedup import run_dedup
from corpus.dedup.fingerprint import normalized_text, story_paragraphs
from corpus.dedup.normalize import normalize
from corpus.store import Store
from dedup_support import gold_pairs, labelled_rows, precision_recall, put_documents


@pytest.fixture(scope="module")
def rows():
    return labelled_rows()


@pytest.fixture(scope="module")
def deduped(tmp_path_factory, rows):
    with Store.open(tmp_path_factory.mktemp("hard") / "store.sqlite") as store:
        ids = put_documents(store, rows)
        summary = run_dedup(store)
        cluster = {url: cid for url, cid in store.execute(
            "SELECT d.url, m.cluster_id FROM cluster_members m JOIN documents d ON d.id = m.doc_id")}
        canonical = dict(store.execute("SELECT id, canonical_doc_id FROM clusters").fetchall())
        reasons = dict(store.execute("SELECT doc_id, reason FROM dedup_member_reasons").fetchall())
        links = store.execute("SELECT doc_a, doc_b, kind, reason FROM dedup_links").fetchall()
        yield {"ids": ids, "summary": summary, "cluster": cluster, "canonical": canonical, "reasons": reasons,
               "links": [tuple(link) for link in links]}


def _class(rows: list[dict], cls: str) -> list[dict]:
    found = [row for row in rows if row.get("cls") == cls]
    assert len(found) >= 6, cls
    return found


def _scores(rows: list[dict], cls: str, cluster: dict[str, str]) -> tuple[float, float]:
    urls = {row["url"] for row in _class(rows, cls)}
    predicted = {frozenset(pair) for pair in combinations(sorted(cluster), 2)
                 if cluster[pair[0]] == cluster[pair[1]] and set(pair) & urls}
    gold = {pair for pair in gold_pairs(rows) if pair & urls}
    return precision_recall(predicted, gold)


def test_other_days_editions_of_a_report_stay_apart_and_are_linked_as_one_template(rows, deduped):
    editions = _class(rows, "edition")
    cluster, ids = deduped["cluster"], deduped["ids"]
    assert _scores(rows, "edition", cluster) == (1.0, 1.0)  # each edition still clusters with its reprint
    apart = [(a, b) for a, b in combinations(editions, 2) if a["template"] == b["template"] and a["story"] != b["story"]]
    assert len(apart) >= 12 and all(cluster[a["url"]] != cluster[b["url"]] for a, b in apart)
    linked = {frozenset(link[:2]) for link in deduped["links"] if link[2] == "same-template"}
    assert {frozenset((ids[a["url"]], ids[b["url"]])) for a, b in apart} & linked
    assert all("another edition" in link[3] for link in deduped["links"])


def test_two_documents_of_one_template_are_not_merged(rows, deduped):
    documents = _class(rows, "template")
    by_template: dict[str, list[str]] = {}
    for row in documents:
        by_template.setdefault(row["template"], []).append(deduped["cluster"][row["url"]])
    assert all(len(set(found)) == len(found) == 2 for found in by_template.values())


def test_a_same_day_revision_is_the_same_story_and_the_latest_version_is_canonical(rows, deduped):
    revisions = _class(rows, "revision")
    cluster, ids = deduped["cluster"], deduped["ids"]
    assert _scores(rows, "revision", cluster) == (1.0, 1.0)
    for row in revisions:
        if row["variant"] == "revised":
            assert deduped["canonical"][cluster[row["url"]]] == ids[row["url"]]
            first = next(other for other in revisions if other["story"] == row["story"] and other is not row)
            assert deduped["reasons"][ids[first["url"]]].startswith("same-day revision")


def test_a_retitled_reprint_that_dropped_sentences_is_a_copy(rows, deduped):
    reprints = _class(rows, "retitled")
    assert _scores(rows, "retitled", deduped["cluster"]) == (1.0, 1.0)
    reprint = next(row for row in reprints if row["variant"] == "retitled-reprint")
    assert "shortened copy" in deduped["reasons"][deduped["ids"][reprint["url"]]]


def test_a_noisy_copy_stored_first_does_not_become_canonical_nor_drop_the_clean_copy(rows, deduped):
    noisy = _class(rows, "noisy")
    cluster, ids = deduped["cluster"], deduped["ids"]
    precision, recall = _scores(rows, "noisy", cluster)
    assert precision == 1.0 and recall >= 0.9
    for row in noisy:
        if row["variant"] == "clean-copy":
            original = next(other for other in noisy if other["story"] == row["story"] and other["variant"] == "original")
            assert cluster[row["url"]] == cluster[original["url"]]
            assert deduped["canonical"][cluster[row["url"]]] != ids[next(
                other["url"] for other in noisy if other["story"] == row["story"] and other["variant"] == "ocr-noisy-hk")]


def test_stories_in_short_lines_keep_their_text_and_cluster(rows, deduped):
    short = _class(rows, "short-lines")
    assert _scores(rows, "short-lines", deduped["cluster"]) == (1.0, 1.0)
    for row in short:
        kept = len(normalized_text(row["text"]))
        assert kept >= 0.9 * len(normalize(row["text"].replace("\n", "")))
    assert any(story_paragraphs(row["text"])[1] for row in short)  # unpunctuated lines: rebuilt, and counted
    assert deduped["summary"]["rebuilt_fingerprints"] >= 1


def test_a_paragraph_opening_with_a_source_label_is_story_not_a_credit_line():
    text = "来源：记者从市统计局获悉，今年前三季度全市生产总值增长百分之五。\n编辑：张伟"
    assert normalize(text) == "来源记者从市统计局获悉今年前三季度全市生产总值增长百分之五"
