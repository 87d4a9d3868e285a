"""End to end through the CLI: ingest -> dedup -> release, twice, with changes in between.

The expected diff is written from what the test puts in (which page is new, edited, copied,
taken down), in URLs; story ids are then looked up in the releases, which also checks that an
unchanged story keeps its id. Cases the CLI cannot produce (a page leaving the store, a
canonical page taken down inside a bigger story) use the SQL stand-in of release_support.
"""

from __future__ import annotations

import json

import duckdb
import opencc
import polars as pl
import pyarrow.parquet as pq
import pytest
import yaml

from cleaners import CLEANER_VERSION
from conftest import run_cli
from corpus.workspace import Workspace
from release_support import data_table, put_document, real_texts, set_clusters

W = "https://wire.example.cn/2025/{}.html"
AGG = "https://agg.example.com/r/0.html"
M = "https://morning.example.cn/a/m.html"
T = "https://morning.example.cn/a/t.html"
F, G = "https://wire.example.cn/2025/f.html", "https://wire.example.cn/2025/g.html"
H = "https://hk.example.hk/news/h.html"
LONG = "https://morning.example.cn/a/long.html"  # quotes story W4 inside a longer page


def _jsonl(path, items):
    path.write_text("".join(json.dumps(dict(zip(("url", "text", "source", "published"), item)), ensure_ascii=False)
                            + "\n" for item in items), "utf-8")
    return str(path)


@pytest.fixture(scope="module")
def cli_releases(tmp_path_factory):
    """v1; then two new pages, an edit, a new Traditional copy, a page that becomes a copy, two takedowns; v2."""
    root = tmp_path_factory.mktemp("release")
    ws = Workspace(root / "ws")
    texts = real_texts()
    first = [(W.format(i), texts[i], "wire", f"2025-05-0{i + 1}T08:00:00+08:00") for i in range(6)]
    first += [(AGG, texts[0] + "\n相关新闻：更多报道请看专题页面", "agg", "2025-05-02T09:00:00+08:00"),
              (M, texts[6], "morning", "2025-05-09T08:00:00+08:00"),
              (T, texts[7], "morning", "2025-05-09T08:00:00+08:00"),
              (LONG, "\n".join([texts[10], texts[4], texts[11]]), "morning", "2025-05-10T08:00:00+08:00")]
    run_cli("ingest", _jsonl(root / "v1.jsonl", first), home=ws)
    run_cli("dedup", home=ws)
    run_cli("release", "--version", "v1", home=ws)

    second = [(F, texts[8], "wire", "2025-05-20T08:00:00+08:00"),
              (G, texts[9], "wire", "2025-05-21T08:00:00+08:00"),
              (W.format(2), texts[2] + "\n（本文已更正：更正了第二段中的数字）", "wire", "2025-05-03T08:00:00+08:00"),
              (H, opencc.OpenCC("s2hk").convert(texts[1]), "hk", "2025-05-03T08:00:00+08:00"),
              (M, texts[3], "morning", "2025-05-09T08:00:00+08:00")]
    run_cli("ingest", _jsonl(root / "v2.jsonl", second), home=ws)
    run_cli("takedown", T, "--reason", "publisher request", home=ws)  # before dedup: dedup skips it
    run_cli("dedup", home=ws)
    run_cli("takedown", AGG, "--reason", "aggregator asked", home=ws)  # after dedup: release drops it
    run_cli("release", "--version", "v2", "--shard-size", "2KB", home=ws)
    return ws


def _ids(ws, version):
    """{url: story id} for every page (canonical or duplicate) of a release."""
    rows = pq.read_table(ws.releases_dir / version / "clusters.parquet").to_pylist()
    return {row["url"]: row["cluster_id"] for row in rows}


def test_diff_lists_exactly_the_changes_made(cli_releases):
    old, new = _ids(cli_releases, "v1"), _ids(cli_releases, "v2")
    expected = {
        ("added", new[F], F, None), ("added", new[G], G, None),
        ("updated", old[W.format(2)], W.format(2), None),
        ("merged", old[M], M, new[W.format(3)]),
        ("taken_down", old[T], T, None), ("taken_down", old[AGG], AGG, None),
    }
    lines = run_cli("diff", "v1", "v2", "--format", "jsonl", home=cli_releases).stdout.splitlines()
    assert {(c["change"], c["id"], c["url"], c["into"]) for c in map(json.loads, lines)} == expected
    assert len(lines) == len(expected)

    release = cli_releases.releases_dir / "v2"
    stored = pq.read_table(release / "changes.parquet").to_pylist()
    assert {(c["change"], c["id"], c["url"], c["into"]) for c in stored} == expected
    manifest = json.loads((release / "manifest.json").read_text("utf-8"))
    assert manifest["parent"] == "v1"
    assert manifest["changes"] == {"added": 2, "updated": 1, "removed": 0, "merged": 1, "taken_down": 2}
    assert "2 added, 1 updated, 0 removed, 1 merged, 2 taken down" in run_cli("diff", "v1", "v2", home=cli_releases).stdout
    changes_md = (release / "CHANGES.md").read_text("utf-8")
    assert "Compared with the previous release, v1." in changes_md
    assert f"`{T}`" in changes_md.split("## Taken down")[1]


def test_a_story_keeps_its_id_across_releases(cli_releases):
    old, new = _ids(cli_releases, "v1"), _ids(cli_releases, "v2")
    for url in [W.format(i) for i in range(6)] + [LONG]:
        assert old[url] == new[url], url
    assert new[H] == new[W.format(1)] and new[M] == new[W.format(3)]


def test_second_release_holds_the_new_state(cli_releases):
    texts = real_texts()
    rows = {row["url"]: row for row in data_table(cli_releases.releases_dir / "v2").to_pylist()}
    assert sorted(rows) == sorted([W.format(i) for i in range(6)] + [F, G, LONG])
    assert rows[W.format(2)]["text"].endswith("（本文已更正：更正了第二段中的数字）")
    assert rows[W.format(4)]["text"].replace("\n", "") == texts[4].replace("\n", "")
    assert [(p["url"], p["outlet"], p["script"]) for p in rows[W.format(1)]["provenance"]] == [(H, "hk", "zh-Hant")]
    assert [p["url"] for p in rows[W.format(3)]["provenance"]] == [M]
    assert rows[W.format(0)]["provenance"] == []  # its only copy was taken down
    released = {m["url"] for m in pq.read_table(cli_releases.releases_dir / "v2" / "clusters.parquet").to_pylist()}
    assert T not in released and AGG not in released and len(released) == 11  # 9 stories + H + M
    containments = pq.read_table(cli_releases.releases_dir / "v2" / "containments.parquet").to_pylist()
    assert [(c["container_url"], c["contained_url"]) for c in containments] == [(LONG, W.format(4))]


def test_manifest_records_what_the_store_says(cli_releases):
    manifest = json.loads((cli_releases.releases_dir / "v2" / "manifest.json").read_text("utf-8"))
    with cli_releases.open_store() as store:
        settings = json.loads(store.execute("SELECT settings FROM dedup_runs ORDER BY id DESC LIMIT 1").fetchone()[0])
    assert manifest["configuration"]["dedup"]["settings"] == settings
    assert manifest["configuration"]["cleaners"]["cleaner_versions"] == {CLEANER_VERSION: 11}  # released pages only
    assert manifest["counts"]["by_outlet"] == {"morning": 1, "wire": 8}
    assert manifest["counts"]["pages_by_outlet"] == {"hk": 1, "morning": 2, "wire": 8}
    assert manifest["counts"]["by_script"] == {"zh-Hans": 9}
    card = (cli_releases.releases_dir / "v2" / "README.md").read_text("utf-8")
    assert f"at least {settings['threshold']}" in card


def test_readers_load_a_release_untouched(cli_releases):
    release = cli_releases.releases_dir / "v2"
    shards = sorted((release / "data").glob("*.parquet"))
    assert len(shards) > 1, "--shard-size 2KB should split nine stories into several shards"
    assert all(path.name.endswith(f"-of-{len(shards):05d}.parquet") for path in shards)
    glob = str(release / "data" / "*.parquet")
    expected = data_table(release).sort_by("id").to_pylist()

    duck = duckdb.sql(f"SELECT id, url, text FROM read_parquet('{glob}') ORDER BY id").fetchall()
    assert duck == [(row["id"], row["url"], row["text"]) for row in expected]
    duck_provenance = duckdb.sql(f"SELECT unnest(provenance).url AS u FROM read_parquet('{glob}') ORDER BY u").fetchall()
    assert duck_provenance == [(H,), (M,)]

    frame = pl.read_parquet(glob).sort("id")
    assert frame["id"].to_list() == [row["id"] for row in expected]
    assert frame["text"].to_list() == [row["text"] for row in expected]

    card = (release / "README.md").read_text("utf-8")
    header = yaml.safe_load(card.split("---")[1])
    assert header["language"] == ["zh"] and header["size_categories"] == ["n<1K"]
    default = next(c for c in header["configs"] if c["config_name"] == "default")
    assert default["data_files"][0]["path"] == "data/*.parquet"
    assert 'load_dataset("parquet", data_files="data/*.parquet"' in card


def test_releases_lists_both_with_counts(cli_releases):
    output = run_cli("releases", home=cli_releases).stdout.splitlines()
    assert [line.split()[0] for line in output[1:]] == ["v1", "v2"]
    listed = json.loads(run_cli("releases", "--format", "json", home=cli_releases).stdout)
    assert [(r["version"], r["format"], r["parent"], r["counts"]["documents"]) for r in listed] == [
        ("v1", 2, None, 9), ("v2", 2, "v1", 9)]


def test_takedown_names_releases_that_still_carry_the_page(cli_releases):
    result = run_cli("takedown", W.format(4), "--reason", "test", home=cli_releases)
    assert "still in published release(s): v1, v2" in result.stdout


def test_removed_page_and_taken_down_canonical_inside_a_story(workspace):
    """SQL stand-in: a page that leaves the store, and a canonical page taken down while its copy stays."""
    texts = real_texts()
    for i in range(3):
        put_document(workspace, W.format(i), texts[i])
    put_document(workspace, AGG, texts[0], outlet="agg")
    set_clusters(workspace, {"s-0": [W.format(0), AGG], "s-1": [W.format(1)], "s-2": [W.format(2)]})
    run_cli("release", "--version", "v1", home=workspace)
    with workspace.open_store() as store, store.transaction() as db:
        db.execute("DELETE FROM cluster_members WHERE cluster_id = 's-2'")
        db.execute("DELETE FROM clusters WHERE id = 's-2'")
        db.execute("DELETE FROM documents WHERE url = ?", (W.format(2),))
    run_cli("takedown", W.format(0), "--reason", "publisher request", home=workspace)
    run_cli("release", "--version", "v2", home=workspace)

    lines = run_cli("diff", "v1", "v2", "--format", "jsonl", home=workspace).stdout.splitlines()
    assert {(c["change"], c["id"], c["url"]) for c in map(json.loads, lines)} == {
        ("updated", "s-0", AGG), ("removed", "s-2", W.format(2)), ("taken_down", "s-0", W.format(0))}
    rows = {row["id"]: row for row in data_table(workspace.releases_dir / "v2").to_pylist()}
    assert rows["s-0"]["url"] == AGG and rows["s-0"]["provenance"] == []
    members = pq.read_table(workspace.releases_dir / "v2" / "clusters.parquet").to_pylist()
    assert next(m for m in members if m["url"] == AGG)["canonical_reason"].startswith("promoted")
