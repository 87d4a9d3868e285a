"""Release format 2: dates as UTC timestamps plus the source's offset; format-1 releases still diff.

``fixtures/release/format1/v1`` was written by the format-1 code from ``documents.jsonl``. The
same documents are ingested and deduplicated again here and released in format 2: both releases
hold the same stories, so every diff between them must be empty, whatever the column types.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timedelta, timezone

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from conftest import FIXTURES, run_cli
from corpus.workspace import Workspace
from release_support import data_table, put_document, real_texts, set_clusters

FORMAT1 = FIXTURES / "release" / "format1"
UTC = timezone.utc
NEW_YORK = "https://ny.example.com/a/1.html"  # published at a -04:00 offset


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    """v1 (format 1, from the fixture), v2 (the same documents, format 2), v3 (plus one page at -04:00)."""
    ws = Workspace(tmp_path_factory.mktemp("format") / "ws")
    run_cli("ingest", str(FORMAT1 / "documents.jsonl"), home=ws)
    run_cli("dedup", home=ws)
    shutil.copytree(FORMAT1 / "v1", ws.releases_dir / "v1")
    run_cli("release", "--version", "v2", home=ws)
    extra = ws.home.parent / "extra.jsonl"
    extra.write_text(json.dumps({"url": NEW_YORK, "text": real_texts()[5], "source": "ny",
                                 "published": "2025-05-03T21:30:00-04:00"}, ensure_ascii=False) + "\n", "utf-8")
    run_cli("ingest", str(extra), home=ws)
    run_cli("dedup", home=ws)
    run_cli("release", "--version", "v3", home=ws)
    return ws


def _documents():
    return [json.loads(line) for line in (FORMAT1 / "documents.jsonl").read_text("utf-8").splitlines()]


def test_an_old_format_release_diffs_against_a_new_one(releases):
    assert "v1 -> v2: 0 added, 0 updated, 0 removed, 0 merged, 0 taken down" in \
        run_cli("diff", "v1", "v2", home=releases).stdout
    changes = [json.loads(line) for line in
               run_cli("diff", "v1", "v3", "--format", "jsonl", home=releases).stdout.splitlines()]
    assert [(change["change"], change["url"]) for change in changes] == [("added", NEW_YORK)]
    v2 = json.loads((releases.releases_dir / "v2" / "manifest.json").read_text("utf-8"))
    assert (v2["format"], v2["parent"], v2["changes"]["added"]) == (2, "v1", 0)
    assert "format" not in json.loads((FORMAT1 / "v1" / "manifest.json").read_text("utf-8"))
    listing = run_cli("releases", home=releases).stdout.splitlines()
    assert [line.split()[:2] for line in listing] == [["version", "format"], ["v1", "1"], ["v2", "2"], ["v3", "2"]]
    assert "ok: release v1" in run_cli("verify", "v1", home=releases).stdout


def test_dates_are_utc_timestamps_with_the_source_offset(releases):
    release = releases.releases_dir / "v3"
    timestamp = pa.timestamp("us", tz="UTC")
    data, clusters = data_table(release), pq.read_table(release / "clusters.parquet")
    assert data.schema.field("published").type == timestamp and data.schema.field("fetched_at").type == timestamp
    assert data.schema.field("published_offset_minutes").type == pa.int16()
    assert clusters.schema.field("published").type == timestamp
    assert data.schema.field("provenance").type.value_type.field("published").type == timestamp

    given = {doc["url"]: doc["published"] for doc in _documents()} | {NEW_YORK: "2025-05-03T21:30:00-04:00"}
    pages = clusters.to_pylist()
    assert {page["url"] for page in pages} == set(given)
    for page in pages:
        source = given[page["url"]] and datetime.fromisoformat(given[page["url"]])
        assert page["published"] == (source and source.astimezone(UTC)), page["url"]
        assert page["published_offset_minutes"] == (source and source.utcoffset() // timedelta(minutes=1))
    stories = {row["url"]: row for row in data.to_pylist()}
    assert stories[NEW_YORK]["published_offset_minutes"] == -240
    wire = stories["https://wire.example.cn/2025/0.html"]
    assert [(p["url"], p["published"], p["published_offset_minutes"]) for p in wire["provenance"]] == [
        ("https://agg.example.com/r/0.html", datetime(2025, 5, 1, 2, 30, tzinfo=UTC), 480)]

    glob = str(release / "data" / "*.parquet")
    local = duckdb.sql(f"SELECT strftime(published + to_minutes(published_offset_minutes), '%Y-%m-%d %H:%M') "
                       f"FROM read_parquet('{glob}') WHERE url = '{NEW_YORK}'").fetchall()[0][0]
    assert local == "2025-05-03 21:30"  # the source's own clock, recovered by a reader
    card = (release / "README.md").read_text("utf-8")
    assert "Release format 2: dates are timestamps in UTC" in card and "`published_offset_minutes`" in card


def test_naive_dates_are_read_as_china_time_and_fetch_times_are_typed(workspace):
    texts = real_texts()
    put_document(workspace, "https://wire.example.cn/naive.html", texts[0], published="2025-05-04T09:30:00")
    put_document(workspace, "https://wire.example.cn/junk.html", texts[1], published="last Tuesday")
    with workspace.open_store() as store, store.transaction() as db:
        fetch = db.execute("""INSERT INTO fetches (url, final_url, site, kind, status, fetched_at)
                              VALUES (?, ?, 'wire', 'article', 200, '2025-05-04T02:04:05+00:00')""",
                           ("https://wire.example.cn/naive.html",) * 2).lastrowid
        db.execute("UPDATE documents SET fetch_id = ? WHERE url = 'https://wire.example.cn/naive.html'", (fetch,))
    set_clusters(workspace, {"s-0": ["https://wire.example.cn/naive.html"], "s-1": ["https://wire.example.cn/junk.html"]})
    run_cli("release", "--version", "v1", home=workspace)
    rows = {row["id"]: row for row in data_table(workspace.releases_dir / "v1").to_pylist()}
    assert rows["s-0"]["published"] == datetime(2025, 5, 4, 1, 30, tzinfo=UTC)
    assert rows["s-0"]["published_offset_minutes"] is None  # the source named no offset
    assert rows["s-0"]["fetched_at"] == datetime(2025, 5, 4, 2, 4, 5, tzinfo=UTC)
    assert rows["s-1"]["published"] is None and rows["s-1"]["published_offset_minutes"] is None
    manifest = json.loads((workspace.releases_dir / "v1" / "manifest.json").read_text("utf-8"))
    assert manifest["counts"]["time_span"]["dated"] == 1
