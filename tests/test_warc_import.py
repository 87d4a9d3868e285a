"""WARC as the interchange: `import-warc` of our workers' files, of warcio- and wget-made files, twice."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import cli_summary, run_cli
from crawl_support import crawl_demo_sites, rows
from crawler.demosite import DemoSite
from crawler.demosite.outlets import OUTLETS

pytestmark = pytest.mark.slow

# Every column the crawl's own fetch log writes, except where a failed download is (the crawl keeps
# no WARC location for it; an import points at its metadata record).
FETCH_COLUMNS = ("url, final_url, site, kind, status, content_type, content_length, content_hash, encoding, "
                 "encoding_evidence, etag, last_modified, warc_offset, warc_length, error, fetched_at")
ARTICLE_GB18030 = ("<html><head><title>山城晨报 本地新闻</title></head><body><h1>山城晨报 本地新闻</h1>"
                   + "".join(f"<p>第{i}段：重庆市今日举行城市更新座谈会，市民代表围绕老旧小区改造、交通出行和公共空间"
                             f"等议题发表意见，有关部门表示将认真研究吸纳。</p>" for i in range(8))
                   + "</body></html>")


@pytest.fixture(scope="module")
def worker(tmp_path_factory) -> Path:
    """A crawl worker's workspace after one crawl of the demo site (its WARC files are the interchange)."""
    return crawl_demo_sites(tmp_path_factory.mktemp("worker"))


def _fetches(home: Path) -> list[tuple]:
    return sorted(rows(home, f"SELECT {FETCH_COLUMNS} FROM fetches"), key=repr)


def test_workers_files_give_the_coordinator_the_same_fetch_log_and_documents(worker, tmp_path):
    coordinator = tmp_path / "coordinator"
    shutil.copytree(worker / "warc", coordinator / "warc")  # the shared folder the workers write to
    own = cli_summary("extract", "--workers", "1", home=worker)
    imported = cli_summary("import-warc", str(coordinator / "warc"), home=coordinator)
    run_cli("extract", "--workers", "1", home=coordinator)

    theirs, ours = _fetches(worker), _fetches(coordinator)
    assert imported["fetches"] == len(theirs) > 100
    failed_here = [row for row in theirs if row[4] is None]
    assert failed_here, "the demo crawl has a failed download (a page over DOWNLOAD_MAXSIZE)"
    # Same rows, except that a failure imported from its metadata record knows where that record is.
    assert [row[:12] + row[14:] for row in ours] == [row[:12] + row[14:] for row in theirs]
    assert [row for row in ours if row[4] is not None] == [row for row in theirs if row[4] is not None]
    state = "SELECT url, site, kind, discovered_via, last_status, etag, last_modified, failures FROM urls " \
            "WHERE last_fetch_id IS NOT NULL ORDER BY url"
    assert rows(coordinator, state) == rows(worker, state)
    documents = "SELECT url, outlet, title, text, published, script, encoding FROM documents ORDER BY url"
    assert rows(coordinator, documents) == rows(worker, documents)

    again = cli_summary("import-warc", str(coordinator / "warc"), home=coordinator)
    assert (again["files_unchanged"], again["fetches"]) == (len(list((worker / "warc").iterdir())), 0)
    # The worker's own crawl indexed its files: its extract leaves them alone, and an explicit import adds nothing.
    assert own["imported_fetches"] == 0 and rows(worker, "SELECT count(*) FROM warc_imports") == [(0,)]
    explicit = cli_summary("import-warc", str(worker / "warc"), home=worker)
    assert (explicit["fetches"], explicit["already_indexed"]) == (0, len(theirs))


def test_extract_completes_a_workers_file_that_grew_since_it_was_imported(worker, tmp_path):
    source = next((worker / "warc").iterdir())
    data = source.read_bytes()
    home = tmp_path / "ws"
    growing = home / "warc" / source.name
    growing.parent.mkdir(parents=True)
    growing.write_bytes(data[: len(data) // 2 + 7])   # cut inside a record, as a worker mid-write leaves it
    first = cli_summary("import-warc", str(growing), home=home)
    assert 0 < first["fetches"] < len(_fetches(worker))
    growing.write_bytes(data)
    summary = cli_summary("extract", "--workers", "1", home=home)
    assert first["fetches"] + summary["imported_fetches"] == len(_fetches(worker))
    assert [row[:12] + row[14:] for row in _fetches(home)] == [row[:12] + row[14:] for row in _fetches(worker)]


def _warc(path: Path, records: list[tuple[str, str, bytes, list[tuple[str, str]], dict]]) -> None:
    """A WARC as another tool writes it: no metadata records; (type, url, body, http headers, WARC headers)."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "Wget/1.21.3"}))
        for kind, url, body, headers, extra in records:
            status = extra.pop("status", "200 OK")
            content_type = extra.pop("content_type", None)
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1") if kind in ("response", "revisit") else \
                StatusAndHeaders(f"GET {url} HTTP/1.1", headers, is_http_request=True) if kind == "request" else None
            record = writer.create_warc_record(url, kind, payload=io.BytesIO(body), length=len(body),
                                               http_headers=http, warc_headers_dict=extra or None,
                                               **({"warc_content_type": content_type} if content_type else {}))
            writer.write_record(record)


def test_another_tools_warc_is_sniffed_and_odd_records_are_counted(tmp_path):
    archive = tmp_path / "archive"
    archive.mkdir()
    page = ARTICLE_GB18030.encode("gb18030")
    _warc(archive / "other.warc.gz", [
        ("request", "https://www.cqnews.example/2024/05/01/a1.html", b"", [("Host", "www.cqnews.example")], {}),
        ("response", "https://www.cqnews.example/2024/05/01/a1.html", page, [("Content-Type", "text/html")],
         {"WARC-Date": "2024-05-01T08:00:00Z"}),
        ("response", "https://www.cqnews.example/gone.html", b"<html>404</html>", [("Content-Type", "text/html")],
         {"status": "404 Not Found"}),
        ("response", "https://www.cqnews.example/old.html", b"", [("Location", "/2024/05/01/a1.html")],
         {"status": "301 Moved Permanently"}),
        ("response", "https://www.cqnews.example/cut.html", page[:500], [("Content-Type", "text/html")],
         {"WARC-Truncated": "length"}),
        ("revisit", "https://www.cqnews.example/2024/05/01/a1.html", b"", [("Content-Type", "text/html")],
         {"WARC-Profile": "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"}),
        ("resource", "https://www.cqnews.example/logo.png", b"\x89PNG", [], {}),
        ("metadata", "https://www.cqnews.example/x.html", b'{"format": "newscorpus-fetch/1", "kind": "article"}', [],
         {"content_type": "application/json"}),   # ours in form, but says nothing usable: counted, not fatal
    ])
    (archive / "junk.warc.gz").write_bytes(b"this is not a WARC file at all\n" * 10)

    result = run_cli("import-warc", "--json", str(archive), home=tmp_path / "ws")
    summary = json.loads(result.stdout)["summary"]
    assert "Traceback" not in result.stderr
    assert (summary["files"], summary["files_imported"], summary["files_unreadable"]) == (2, 1, 1)
    assert summary["fetches"] == 3
    skipped = summary["skipped"]
    assert skipped["truncated (length)"] == 1 and skipped["revisit record"] == 1 and skipped["resource record"] == 1
    assert skipped["not a WARC record (ARC or garbage)"] >= 1 and skipped["unreadable record: ValueError"] == 1

    found = {row[0]: row[1:] for row in rows(tmp_path / "ws", "SELECT url, site, kind, status, final_url, encoding, "
                                                            "encoding_evidence FROM fetches")}
    article = found["https://www.cqnews.example/2024/05/01/a1.html"]
    assert article[:4] == ("cqnews.example", "article", 200, "https://www.cqnews.example/2024/05/01/a1.html")
    assert article[4] == "gb18030" and json.loads(article[5])["chosen"] == "gb18030"
    assert found["https://www.cqnews.example/gone.html"][2] == 404
    assert found["https://www.cqnews.example/old.html"][2:4] == (301, "https://www.cqnews.example/2024/05/01/a1.html")

    extracted = cli_summary("extract", "--workers", "1", home=tmp_path / "ws")
    assert extracted["documents"] == 1
    [(title, text)] = rows(tmp_path / "ws", "SELECT title, text FROM documents")
    assert title == "山城晨报 本地新闻" and "老旧小区改造" in text

    twice = cli_summary("import-warc", str(archive), home=tmp_path / "ws")
    assert (twice["fetches"], twice["files_unchanged"]) == (0, 2)
    shutil.copy(archive / "other.warc.gz", tmp_path / "renamed.warc.gz")
    copy = cli_summary("import-warc", str(tmp_path / "renamed.warc.gz"), home=tmp_path / "ws")
    assert (copy["fetches"], copy["files_unchanged"]) == (0, 1)


def test_only_garbage_or_a_missing_path_is_a_clean_error(tmp_path):
    (tmp_path / "junk.warc").write_bytes(b"\x00\x01garbage")
    garbage = run_cli("import-warc", str(tmp_path / "junk.warc"), home=tmp_path / "ws", check=False)
    assert garbage.returncode == 1 and garbage.stderr.startswith("Error: no WARC record could be read")
    missing = run_cli("import-warc", str(tmp_path / "nowhere"), home=tmp_path / "ws", check=False)
    assert missing.returncode == 2 and "no such file or folder" in missing.stderr
    assert "Traceback" not in garbage.stderr + missing.stderr


def test_a_wget_warc_of_the_demo_site_becomes_documents(tmp_path):
    with DemoSite(scale=1, port=0) as site:
        subprocess.run(["wget", "--quiet", "--recursive", "--level=2", "--no-parent", "--delete-after",
                        "--tries=1", "--timeout=10", f"--warc-file={tmp_path / 'wire'}", f"{site.url}/wire/"],
                       cwd=tmp_path, timeout=120, check=False)
    archive = tmp_path / "wire.warc.gz"
    assert archive.exists()
    summary = cli_summary("import-warc", str(archive), home=tmp_path / "ws")
    assert summary["fetches"] > 10 and summary["files_imported"] == 1
    kinds = dict(rows(tmp_path / "ws", "SELECT kind, count(*) FROM fetches GROUP BY kind"))
    assert kinds.get("article", 0) > 5 and kinds.get("listing", 0) >= 1
    extracted = cli_summary("extract", "--workers", "1", home=tmp_path / "ws")
    assert extracted["documents"] >= kinds["article"] * 0.8
    outlets = rows(tmp_path / "ws", "SELECT DISTINCT outlet FROM documents")
    assert outlets == [(OUTLETS["wire"].title,)]   # each page's og:site_name, not the host
    again = cli_summary("import-warc", str(archive), home=tmp_path / "ws")
    assert again["fetches"] == 0
