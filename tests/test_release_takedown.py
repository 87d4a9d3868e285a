"""Takedowns: a tombstone keeps a page out of later releases; --purge blanks its raw WARC record."""

from __future__ import annotations

import gzip
import io
import json
import shlex

import pyarrow.parquet as pq
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import run_cli
from crawl_support import FAST
from corpus.store import utc_now
from corpus.workspace import Workspace
from crawler.demosite import DemoSite
from release_support import data_table, put_document, real_texts, set_clusters

GONE = "https://hk.example.hk/news/gone.html"
KEPT = "https://hk.example.hk/news/kept.html"


def _write_warc(ws, pages: dict[str, str]) -> dict[str, int]:
    """A gzip WARC with a response + request record per page; the store's fetch rows point at it."""
    offsets = {}
    path = ws.warc_dir / "crawl-00001.warc.gz"
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for url, text in pages.items():
            body = f"<html><body><p>{text}</p></body></html>".encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            offsets[url] = f.tell()
            # Explicit lengths keep warcio from spooling the payload to an unclosed temporary file.
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          length=len(body), http_headers=headers))
            request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "hk.example.hk")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=io.BytesIO(b""), length=0,
                                                          http_headers=request))
    with ws.open_store() as store, store.transaction() as db:
        for url, offset in offsets.items():
            fetch = db.execute(
                """INSERT INTO fetches (url, final_url, site, kind, status, fetched_at, warc_file, warc_offset)
                   VALUES (?, ?, 'hk', 'article', 200, ?, ?, ?)""", (url, url, utc_now(), path.name, offset)).lastrowid
            db.execute("UPDATE documents SET fetch_id = ? WHERE url = ?", (fetch, url))
    return offsets


def _record_at(path, offset):
    with open(path, "rb") as f:
        f.seek(offset)
        record = next(iter(ArchiveIterator(f)))
        return record.rec_type, record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read()


def test_takedown_excludes_the_page_and_keeps_the_warc_record(workspace):
    texts = real_texts()
    put_document(workspace, GONE, texts[0], outlet="hk")
    put_document(workspace, KEPT, texts[1], outlet="hk")
    set_clusters(workspace, {"s-gone": [GONE], "s-kept": [KEPT]})
    offsets = _write_warc(workspace, {GONE: texts[0], KEPT: texts[1]})
    before = (workspace.warc_dir / "crawl-00001.warc.gz").read_bytes()

    result = run_cli("takedown", GONE, "--reason", "publisher request 2025-06-01", home=workspace)
    assert "Recorded takedown" in result.stdout
    run_cli("release", "--version", "v1", home=workspace)
    assert data_table(workspace.releases_dir / "v1")["url"].to_pylist() == [KEPT]
    assert (workspace.warc_dir / "crawl-00001.warc.gz").read_bytes() == before
    assert _record_at(workspace.warc_dir / "crawl-00001.warc.gz", offsets[GONE])[0] == "response"
    with workspace.open_store() as store:
        row = store.execute("SELECT reason, purge, purged_at FROM takedowns WHERE url = ?", (GONE,)).fetchone()
    assert tuple(row) == ("publisher request 2025-06-01", 0, None)


def test_purge_blanks_the_record_in_place_and_keeps_every_offset(workspace):
    texts = real_texts()
    put_document(workspace, GONE, texts[0], outlet="hk")
    put_document(workspace, KEPT, texts[1], outlet="hk")
    set_clusters(workspace, {"s-gone": [GONE], "s-kept": [KEPT]})
    offsets = _write_warc(workspace, {GONE: texts[0], KEPT: texts[1]})
    path = workspace.warc_dir / "crawl-00001.warc.gz"
    size = path.stat().st_size
    secret = texts[0][:40].encode("utf-8")
    assert secret in gzip.decompress(path.read_bytes())

    result = run_cli("takedown", GONE, "--reason", "court order", "--purge", home=workspace)
    assert "1 WARC record(s) blanked" in result.stdout
    assert path.stat().st_size == size
    assert secret not in gzip.decompress(path.read_bytes())
    kind, uri, content = _record_at(path, offsets[GONE])
    assert (kind, uri) == ("metadata", GONE) and b"purged" in content
    kind, uri, content = _record_at(path, offsets[KEPT])
    assert (kind, uri) == ("response", KEPT) and texts[1][:40].encode("utf-8") in content
    with open(path, "rb") as f:
        assert [r.rec_type for r in ArchiveIterator(f)] == ["metadata", "request", "response", "request"]
    with workspace.open_store() as store:
        doc = store.execute("SELECT title, text FROM documents WHERE url = ?", (GONE,)).fetchone()
        purged_at = store.execute("SELECT purged_at FROM takedowns WHERE url = ?", (GONE,)).fetchone()[0]
    assert tuple(doc) == (None, "") and purged_at is not None

    again = run_cli("takedown", GONE, "--reason", "court order", "--purge", home=workspace)
    assert "Updated takedown" in again.stdout and "0 WARC record(s) blanked" in again.stdout


def test_takedown_needs_a_reason(workspace):
    put_document(workspace, GONE, real_texts()[0])
    result = run_cli("takedown", GONE, "--reason", "  ", home=workspace, check=False)
    assert result.returncode != 0 and "give a reason" in result.stderr
    with workspace.open_store() as store:
        assert store.execute("SELECT count(*) FROM takedowns").fetchone()[0] == 0
    listed = run_cli("releases", "--format", "json", home=workspace).stdout
    assert json.loads(listed) == []


def test_purge_on_a_real_crawl_keeps_every_other_record_readable(workspace):
    """Crawl the demo site, take one article down with --purge; the crawl's WARC stays valid."""
    with DemoSite(scale=1, port=0) as site:
        run_cli("crawl", "--start-url", site.url + "/", "--max-pages", "40", *FAST, home=workspace)
    run_cli("extract", home=workspace)
    run_cli("dedup", home=workspace)
    with workspace.open_store() as store:
        fetches = store.execute("""SELECT f.warc_file, f.warc_offset, d.url FROM fetches f
                                   LEFT JOIN documents d ON d.fetch_id = f.id
                                   WHERE f.warc_file IS NOT NULL ORDER BY f.id""").fetchall()
        gone = store.execute("SELECT url FROM documents ORDER BY id LIMIT 1").fetchone()[0]
    run_cli("takedown", gone, "--reason", "court order", "--purge", home=workspace)

    kinds = {}
    for warc_file, offset, url in fetches:
        kind, uri, _ = _record_at(workspace.warc_dir / warc_file, offset)
        kinds[uri] = kind
        assert kind == ("metadata" if url == gone else "response"), (uri, kind)
    assert kinds[gone] == "metadata"
    run_cli("extract", "--reextract", home=workspace)  # meets the tombstone, records an error, goes on
    with workspace.open_store() as store:
        assert store.execute("SELECT text FROM documents WHERE url = ?", (gone,)).fetchone()[0] == ""
    run_cli("release", "--version", "v1", home=workspace)
    released = pq.read_table(workspace.releases_dir / "v1" / "clusters.parquet")["url"].to_pylist()
    assert gone not in released and len(released) > 5


def test_a_takedown_names_the_copies_that_keep_the_story_and_cluster_takes_it_all_down(tmp_path):
    """A wire story with two aggregator copies: its canonical page goes, the copies keep it, --cluster ends it."""
    texts = real_texts()
    wire, agg, portal, other = ("https://wire.example.cn/2025/7.html", "https://agg.example.com/r/7.html",
                                "https://portal.example.com/n/7.html", "https://wire.example.cn/2025/8.html")
    pages = [(wire, texts[7], "wire", "2025-05-07T08:00:00+08:00"),
             (agg, texts[7] + "\n相关新闻：更多报道请看专题页面", "agg", "2025-05-07T09:00:00+08:00"),
             (portal, texts[7] + "\n（来源：通讯社）", "portal", "2025-05-07T10:00:00+08:00"),
             (other, texts[8], "wire", "2025-05-08T08:00:00+08:00")]
    feed = tmp_path / "pages.jsonl"
    feed.write_text("".join(json.dumps({"url": u, "text": t, "source": s, "published": p}, ensure_ascii=False) + "\n"
                            for u, t, s, p in pages), "utf-8")
    home = tmp_path / "ws"
    run_cli("ingest", str(feed), home=home)
    run_cli("dedup", home=home)
    run_cli("release", "--version", "v1", home=home)
    story = {row["url"]: row["id"] for row in data_table(home / "releases" / "v1").to_pylist()}[wire]

    result = run_cli("takedown", wire, "--reason", "publisher request, 1 May", home=home)
    lines = result.stdout.splitlines()
    assert f"The story stays in the corpus: 2 other page(s) of story {story} carry it:" in result.stdout
    assert sorted(line.split() for line in lines if line.startswith("    ")) == [["agg", agg], ["portal", portal]]
    offered = next(line for line in lines if "To take the whole story down:" in line).split(": ", 1)[1]
    assert shlex.split(offered) == ["newscorpus", "--home", str(home), "takedown", "--cluster", story,
                                    "--reason", "publisher request, 1 May"]

    run_cli("dedup", home=home)  # the canonical page leaves the cluster; the story id stays
    run_cli("release", "--version", "v2", home=home)
    kept = {row["id"]: row["url"] for row in data_table(home / "releases" / "v2").to_pylist()}
    assert kept[story] in (agg, portal)  # the story is still released, through a copy

    result = run_cli(*shlex.split(offered)[1:])
    assert f"Recorded takedown of story {story}: its 2 page(s) are left out of the next release." in result.stdout
    assert "still in published release(s): v1, v2" in result.stdout
    run_cli("release", "--version", "v3", home=home)
    assert sorted(row["url"] for row in data_table(home / "releases" / "v3").to_pylist()) == [other]
    changes = [json.loads(line) for line in
               run_cli("diff", "v2", "v3", "--format", "jsonl", home=home).stdout.splitlines()]
    assert sorted((c["change"], c["url"]) for c in changes) == [("taken_down", agg), ("taken_down", portal)]
    with Workspace(home).open_store() as store:
        tombstones = dict(store.execute("SELECT url, cluster_id FROM takedowns").fetchall())
    assert tombstones == {wire: None, agg: story, portal: story}


def test_cluster_takedown_by_url_and_usage_errors(workspace):
    texts = real_texts()
    put_document(workspace, GONE, texts[0])
    put_document(workspace, KEPT, texts[1])
    set_clusters(workspace, {"s-0": [GONE], "s-1": [KEPT]})
    assert "story s-0: its 1 page(s)" in run_cli("takedown", "--cluster", GONE, "--reason", "r", home=workspace).stdout
    for args, code in [(["--reason", "r"], 2), ([KEPT, "--cluster", "s-1", "--reason", "r"], 2),
                       (["--cluster", "https://nowhere.example/", "--reason", "r"], 1)]:
        result = run_cli("takedown", *args, home=workspace, check=False)
        assert result.returncode == code and "Traceback" not in result.stderr
        assert result.stderr.strip().splitlines()[-1].startswith("Error: ")
    with workspace.open_store() as store:
        assert [row[0] for row in store.execute("SELECT url FROM takedowns")] == [GONE]
