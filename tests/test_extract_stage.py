"""The extract stage end to end through the CLI: WARC records + fetches rows in, documents out."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from clean_support import Page, article_html, write_crawl
from conftest import run_cli

SEEDS = Path(__file__).resolve().parent / "fixtures" / "cleaners" / "seeds"
HOTLINE = "晨报新闻热线：023-63812345，欢迎提供新闻线索，一经采用即付稿酬"


def _paragraphs(seed: str) -> list[str]:
    return [line.strip() for line in (SEEDS / seed).read_text("utf-8").splitlines() if len(line.strip()) > 40]


def _morning_pages(count: int) -> list[Page]:
    """GBK pages of one outlet: different stories, the same hotline line no rule knows."""
    paragraphs = _paragraphs("001_b2decae2bf799c5f.txt") + _paragraphs("004_23808ed94ab39eb3.txt")
    pages = []
    for number in range(count):
        story = paragraphs[number * 2: number * 2 + 3]
        html = article_html(f"渝港合作第{number}篇报道", story + [HOTLINE], charset="gbk")
        pages.append(Page(f"http://127.0.0.1/morning/2024/05/{10 + number}/a{number}.html",
                          html.encode("gb18030"), site="morning", content_type="text/html"))
    return pages


def _documents(workspace) -> dict[str, dict]:
    db = sqlite3.connect(workspace.db_path)
    db.row_factory = sqlite3.Row
    rows = {row["url"]: dict(row) for row in db.execute("SELECT * FROM documents")}
    db.close()
    return rows


def test_extract_writes_documents_with_encoding_script_dates_and_rejects(workspace):
    hk_text = _paragraphs("000_4834dbcc47b7c92d.txt")[:4]
    hk = Page("http://127.0.0.1/hk/news/a1.htm", article_html("全球渝商大會引資約567億元", hk_text, charset="big5")
              .encode("big5hkscs"), site="hk", content_type="text/html; charset=big5",
              hints={"news:publication_date": "2024-05-25T08:00:00+08:00"})
    empty = Page("http://127.0.0.1/wire/empty.html", b"<html><body><p>short</p></body></html>", site="wire")
    image = Page("http://127.0.0.1/wire/logo.png", b"\x89PNG", site="wire", content_type="image/png")
    listing = Page("http://127.0.0.1/wire/", article_html("wire", ["x"]).encode(), site="wire", kind="listing")
    write_crawl(workspace, _morning_pages(2) + [hk, empty, image, listing])

    result = run_cli("extract", "--workers", "2", "--json", home=workspace)
    summary = json.loads(result.stdout)["summary"]
    assert summary["fetches"] == 4                       # not the image, not the listing
    assert summary["documents"] == 3 and summary["errors"] == 0
    assert sum(summary["rejects"].values()) == 1

    docs = _documents(workspace)
    hk_doc = docs[hk.url]
    assert hk_doc["script"] == "zh-Hant" and hk_doc["lang"] == "zh" and hk_doc["encoding"] == "big5hkscs"
    assert hk_doc["published"] == "2024-05-25T08:00:00+08:00" and hk_doc["date_source"] == "sitemap"
    assert hk_doc["title"] == "全球渝商大會引資約567億元" and hk_doc["outlet"] == "hk"
    morning = docs["http://127.0.0.1/morning/2024/05/10/a0.html"]
    assert morning["script"] == "zh-Hans" and morning["encoding"] == "gb18030"
    assert morning["published"].startswith("2024-05-10") and morning["date_source"] == "url"
    assert morning["cleaner_version"] and morning["fetch_id"]

    db = sqlite3.connect(workspace.db_path)
    assert db.execute("SELECT reason FROM rejects WHERE url = ?", (empty.url,)).fetchone()[0] in ("too-short", "empty")
    assert db.execute("SELECT count(*) FROM extractions").fetchone()[0] == 4
    db.close()

    again = json.loads(run_cli("extract", "--json", home=workspace).stdout)["summary"]
    assert again["fetches"] == 0                          # idempotent: nothing new to do

    db = sqlite3.connect(workspace.db_path)
    runs = db.execute("SELECT settings, libraries, summary FROM extract_runs ORDER BY id").fetchall()
    db.close()
    assert len(runs) == 2
    assert json.loads(runs[0][0])["favor_precision"] is True and json.loads(runs[0][1])["trafilatura"]
    assert json.loads(runs[0][2])["documents"] == 3 and json.loads(runs[1][2])["fetches"] == 0


def test_site_boilerplate_is_learned_per_outlet_and_swept_incrementally(workspace):
    write_crawl(workspace, _morning_pages(3))
    run_cli("extract", "--workers", "1", home=workspace)
    assert all(HOTLINE in doc["text"] for doc in _documents(workspace).values())   # 3 pages: too few to learn

    write_crawl(workspace, _morning_pages(7)[3:])
    summary = json.loads(run_cli("extract", "--workers", "2", "--json", home=workspace).stdout)["summary"]
    assert summary["fetches"] == 4 and summary["boilerplate_lines_removed"] == 7
    docs = _documents(workspace)
    assert len(docs) == 7
    for doc in docs.values():
        assert HOTLINE not in doc["text"]
        assert json.loads(doc["extra"])["site_boilerplate"] == 1
        assert len(doc["text"]) > 100                     # the stories themselves stay


def test_reextract_rebuilds_documents_from_warc(workspace):
    write_crawl(workspace, _morning_pages(2))
    run_cli("extract", home=workspace)
    db = sqlite3.connect(workspace.db_path)
    db.execute("UPDATE documents SET text = 'stale', cleaner_version = 'old'")
    db.commit()
    assert json.loads(run_cli("extract", "--json", home=workspace).stdout)["summary"]["fetches"] == 0
    summary = json.loads(run_cli("extract", "--reextract", "--json", home=workspace).stdout)["summary"]
    assert summary["fetches"] == 2 and summary["documents"] == 2
    rows = db.execute("SELECT text, cleaner_version FROM documents").fetchall()
    db.close()
    assert all(text != "stale" and version != "old" for text, version in rows)


def test_a_broken_warc_record_is_an_error_not_a_crash(workspace):
    ids = write_crawl(workspace, _morning_pages(2))
    db = sqlite3.connect(workspace.db_path)
    db.execute("UPDATE fetches SET warc_offset = warc_offset + 7 WHERE id = ?", (ids[0],))
    db.commit()
    db.close()
    summary = json.loads(run_cli("extract", "--json", home=workspace).stdout)["summary"]
    assert summary["errors"] == 1 and summary["documents"] == 1


def test_extract_without_a_store_says_what_to_do(tmp_path):
    result = run_cli("extract", home=tmp_path / "nowhere", check=False)
    assert result.returncode != 0 and "no workspace at" in result.stderr


def test_a_killed_extract_resumes_without_doing_anything_twice(workspace):
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT

    pages = []
    for number, page in enumerate(_morning_pages(12) * 30):
        pages.append(Page(page.url.replace(".html", f"-{number}.html"), page.body, site="morning"))
    write_crawl(workspace, pages)
    process = subprocess.Popen([sys.executable, "-m", "corpus.cli", "--home", str(workspace.home), "extract",
                                "--workers", "1"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    done = 0
    while time.monotonic() < deadline and process.poll() is None:
        db = sqlite3.connect(workspace.db_path)
        try:
            done = db.execute("SELECT count(*) FROM extractions").fetchone()[0]
        except sqlite3.OperationalError:
            done = 0                      # not migrated yet
        db.close()
        if done:
            break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert 0 < done < len(pages), "the kill should land between two batches"

    summary = json.loads(run_cli("extract", "--json", home=workspace).stdout)["summary"]
    assert summary["fetches"] == len(pages) - done
    db = sqlite3.connect(workspace.db_path)
    assert db.execute("SELECT count(*), count(DISTINCT fetch_id) FROM extractions").fetchone() == (len(pages), len(pages))
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == len(pages)
    assert db.execute("SELECT pages FROM outlet_pages WHERE outlet = 'morning'").fetchone()[0] == len(pages)
    db.close()


def test_a_title_the_outlet_repeats_on_every_page_gives_way_to_the_headline(workspace):
    """A section name in <title> and <h1> on every page ("灣區觀察", which no single page shows to be a
    name) is learned as boilerplate; the page's own headline (its <h2>) becomes the title."""
    paragraphs = _paragraphs("001_b2decae2bf799c5f.txt")
    pages = []
    for number in range(6):
        headline = f"渝港合作再添新項目第{number}宗簽約落地"
        body = "".join(f"<p>{p}</p>" for p in paragraphs[number * 2: number * 2 + 3])
        html = (f"<html><head><meta charset='utf-8'><title>灣區觀察</title></head><body><h1>灣區觀察</h1>"
                f"<article><h2>{headline}</h2>{body}</article></body></html>")
        pages.append(Page(f"http://127.0.0.1/hk/2024/05/{10 + number}/n{number}.html", html.encode("utf-8"), site="hk"))
    write_crawl(workspace, pages)
    run_cli("extract", "--workers", "1", home=workspace)
    docs = _documents(workspace)
    assert len(docs) == 6
    for url, doc in docs.items():
        number = url.rsplit("n", 1)[1].split(".")[0]
        assert doc["title"] == f"渝港合作再添新項目第{number}宗簽約落地", doc["title"]
        assert json.loads(doc["extra"])["title_replaced"] == "灣區觀察"


def test_reextract_turns_a_page_kept_whole_into_its_stories(workspace):
    text = (SEEDS / "000_4834dbcc47b7c92d.txt").read_text("utf-8")
    body = "".join(f"<p>{line.strip()}</p>" for line in text.splitlines() if line.strip())
    html = f"<html><head><meta charset='utf-8'><title>香港商報 2025年11月05日 第A05版：內地</title></head><body>{body}</body></html>"
    url = "http://127.0.0.1/hkcd/2025-11/05/node_5.htm"
    write_crawl(workspace, [Page(url, html.encode("utf-8"), site="hkcd")])
    run_cli("extract", "--workers", "1", home=workspace)
    db = sqlite3.connect(workspace.db_path)
    with db:   # as an older cleaner left it: the page as one document
        first = db.execute("SELECT id FROM documents WHERE url = ?", (url + "#story-1",)).fetchone()[0]
        db.execute("DELETE FROM documents WHERE url LIKE ?", (url + "#story-%",))
        db.execute("INSERT INTO documents (id, url, outlet, text, text_hash, cleaner_version, source, created_at, updated_at) "
                   "VALUES (?, ?, 'hkcd', 'the whole page', 'xxh64:0', '1.1.0', 'crawl', '', '')", (first, url))
    db.close()
    run_cli("extract", "--reextract", "--workers", "1", home=workspace)
    docs = _documents(workspace)
    assert url not in docs and len(docs) == 4
    assert docs[url + "#story-1"]["id"] == first and docs[url + "#story-1"]["page_number"] == "A05"
    assert {doc["page_url"] for doc in docs.values()} == {url}
