"""End to end through the CLI: two releases with changes between them, and what users read.

The store states are written with SQL (tests/release_support.py) so that the expected diff is
known from what was put in, story by story.
"""

from __future__ import annotations

import json

import duckdb
import polars as pl
import pyarrow.parquet as pq
import pytest
import yaml

from conftest import run_cli
from corpus.workspace import Workspace
from release_support import data_table, put_document, real_texts, set_clusters

W = "https://wire.example.cn/2025/{}.html"
AGG = "https://agg.example.com/r/0.html"
M = "https://morning.example.cn/a/m.html"
T = "https://morning.example.cn/a/t.html"
F, G = "https://wire.example.cn/2025/f.html", "https://wire.example.cn/2025/g.html"
H = "https://hk.example.hk/news/h.html"


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """v1, then new pages, an edit, a new duplicate, a merge, a removal and two takedowns, then v2."""
    workspace = Workspace(tmp_path_factory.mktemp("release") / "ws").ensure()
    texts = real_texts()
    for i in range(6):
        put_document(workspace, W.format(i), texts[i])
    put_document(workspace, AGG, texts[0] + "\n相关新闻", outlet="agg")
    put_document(workspace, M, texts[6], outlet="morning")
    put_document(workspace, T, texts[7], outlet="morning")
    v1_clusters = {"s-0": [W.format(0), AGG], **{f"s-{i}": [W.format(i)] for i in range(1, 6)},
                   "s-m": [M], "s-t": [T]}
    set_clusters(workspace, v1_clusters)
    run_cli("release", "--version", "v1", "--shard-size", "2KB", home=workspace)

    put_document(workspace, F, texts[8])  # new pages
    put_document(workspace, G, texts[9])
    put_document(workspace, W.format(2), texts[2] + "\n（本文已更正）")  # an edited page
    put_document(workspace, H, texts[1], outlet="hk", script="zh-Hant")  # a new duplicate of s-1
    put_document(workspace, M, texts[3], outlet="morning")  # M now copies story s-3: merged
    with workspace.open_store() as store, store.transaction() as db:  # W5 left the store: removed
        db.execute("DELETE FROM cluster_members WHERE cluster_id = 's-5'")
        db.execute("DELETE FROM clusters WHERE id = 's-5'")
        db.execute("DELETE FROM documents WHERE url = ?", (W.format(5),))
    set_clusters(workspace, {"s-0": [W.format(0), AGG], "s-1": [W.format(1), H], "s-2": [W.format(2)],
                             "s-3": [W.format(3), M], "s-4": [W.format(4)], "s-t": [T],
                             "s-f": [F], "s-g": [G]})
    run_cli("takedown", T, "--reason", "publisher request", home=workspace)
    run_cli("takedown", AGG, "--reason", "aggregator asked", home=workspace)
    run_cli("release", "--version", "v2", "--shard-size", "2KB", home=workspace)
    return workspace


EXPECTED = {
    ("added", "s-f", F, None), ("added", "s-g", G, None),
    ("updated", "s-2", W.format(2), None),
    ("removed", "s-5", W.format(5), None),
    ("merged", "s-m", M, "s-3"),
    ("taken_down", "s-t", T, None), ("taken_down", "s-0", AGG, None),
}


def test_diff_lists_exactly_the_changes_made(two_releases):
    lines = run_cli("diff", "v1", "v2", "--format", "jsonl", home=two_releases).stdout.splitlines()
    found = {(c["change"], c["id"], c["url"], c["into"]) for c in map(json.loads, lines)}
    assert found == EXPECTED
    assert len(lines) == len(EXPECTED)

    release = two_releases.releases_dir / "v2"
    stored = {(c["change"], c["id"], c["url"], c["into"]) for c in pq.read_table(release / "changes.parquet").to_pylist()}
    assert stored == EXPECTED
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    assert manifest["parent"] == "v1"
    assert manifest["changes"] == {"added": 2, "updated": 1, "removed": 1, "merged": 1, "taken_down": 2}
    summary = run_cli("diff", "v1", "v2", home=two_releases).stdout
    assert "2 added, 1 updated, 1 removed, 1 merged, 2 taken down" in summary
    changes_md = (release / "CHANGES.md").read_text("utf-8")
    assert "Compared with the previous release, v1." in changes_md
    assert f"`{T}`" in changes_md.split("## Taken down")[1]


def test_second_release_holds_the_new_state(two_releases):
    texts = real_texts()
    rows = {row["id"]: row for row in data_table(two_releases.releases_dir / "v2").to_pylist()}
    assert sorted(rows) == ["s-0", "s-1", "s-2", "s-3", "s-4", "s-f", "s-g"]
    assert rows["s-2"]["text"] == texts[2] + "\n（本文已更正）"
    assert [(p["url"], p["outlet"], p["script"]) for p in rows["s-1"]["provenance"]] == [(H, "hk", "zh-Hant")]
    assert [p["url"] for p in rows["s-3"]["provenance"]] == [M]
    assert rows["s-0"]["provenance"] == []  # its duplicate was taken down
    members = pq.read_table(two_releases.releases_dir / "v2" / "clusters.parquet").to_pylist()
    released_urls = {m["url"] for m in members}
    assert T not in released_urls and AGG not in released_urls
    assert len(members) == 9  # 7 canonical pages + H + M


def test_readers_load_a_release_untouched(two_releases):
    release = two_releases.releases_dir / "v2"
    shards = sorted((release / "data").glob("*.parquet"))
    assert len(shards) > 1, "--shard-size 2KB should split seven stories into several shards"
    assert all(path.name.endswith(f"-of-{len(shards):05d}.parquet") for path in shards)
    glob = str(release / "data" / "*.parquet")
    expected = data_table(release).sort_by("id").to_pylist()

    duck = duckdb.sql(f"SELECT id, url, text FROM read_parquet('{glob}') ORDER BY id").fetchall()
    assert duck == [(row["id"], row["url"], row["text"]) for row in expected]
    duck_provenance = duckdb.sql(
        f"SELECT id, unnest(provenance).url FROM read_parquet('{glob}') ORDER BY id").fetchall()
    assert duck_provenance == [("s-1", H), ("s-3", M)]

    frame = pl.read_parquet(glob).sort("id")
    assert frame["id"].to_list() == [row["id"] for row in expected]
    assert frame["text"].to_list() == [row["text"] for row in expected]

    card = (release / "README.md").read_text("utf-8")
    header = yaml.safe_load(card.split("---")[1])
    assert header["language"] == ["zh"]
    default = next(c for c in header["configs"] if c["config_name"] == "default")
    assert default["data_files"][0]["path"] == "data/*.parquet"
    assert 'load_dataset("parquet", data_files="data/*.parquet"' in card


def test_releases_lists_both_with_counts(two_releases):
    output = run_cli("releases", home=two_releases).stdout.splitlines()
    assert [line.split()[0] for line in output[1:]] == ["v1", "v2"]
    listed = [json.loads(line) for line in run_cli("releases", "--format", "json", home=two_releases).stdout.splitlines()]
    assert [(r["version"], r["parent"], r["counts"]["documents"]) for r in listed] == [("v1", None, 8), ("v2", "v1", 7)]


def test_takedown_names_releases_that_still_carry_the_page(two_releases):
    result = run_cli("takedown", W.format(4), "--reason", "test", home=two_releases)
    assert "v1, v2" in result.stdout
