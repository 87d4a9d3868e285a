"""`newscorpus crawl` against a hostile site (issue 14): nothing a site serves reaches the crawl
machine's files or internal services, and no page breaks a run.

One crawl of a site full of traps is shared by the read-only checks; a second server plays the
internal service the crawl must never reach, and its request log is the proof.
"""

from __future__ import annotations

import brotli
import gzip
import json
import subprocess
import sys
import zlib

import pytest

from conftest import ROOT, run_cli
from crawl_support import FAST, all_records, crawl, rows
from crawler.origins import is_public
from hostile_site import ARTICLE_TEXT, HostileSite, article, listing, rss, sitemap

NOT_TEXT_CODECS = ["zlib_codec", "base64", "rot13", "hex", "bz2_codec", "uu", "quopri", "idna", "punycode"]
SECRET = "SECRET-内部资料-do-not-publish"
ENCODED = {  # path: (Content-Encoding, encode)
    "/enc/x-gzip.html": ("x-gzip", gzip.compress),
    "/enc/gzip-gzip.html": ("gzip, gzip", lambda body: gzip.compress(gzip.compress(body))),
    "/enc/br.html": ("br", brotli.compress),
    "/enc/deflate.html": ("deflate", zlib.compress),
}


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """1 GiB of zeros, deflated to about 1 MB."""
    packer = zlib.compressobj(9)
    chunk = bytes(1 << 24)
    return b"".join(packer.compress(chunk) for _ in range(64)) + packer.flush()


@pytest.fixture(scope="module")
def hostile(tmp_path_factory, bomb):
    local = tmp_path_factory.mktemp("local") / "secret.html"
    local.write_text(f"<html><body><p>{SECRET}</p></body></html>", "utf-8")
    with HostileSite() as site, HostileSite() as internal:
        internal.route("/secret.html", f"<html><body><p>{SECRET}</p></body></html>".encode())
        h, q = site.url, internal.port
        site.route("/robots.txt", f"User-agent: *\nDisallow: /private/\nSitemap: {h}/sitemap.xml.gz\n".encode(),
                   headers={"Content-Type": "text/plain"})
        site.route("/", listing([
            "/a/1.html", "/bad-links.html", "/redirect-internal.html", "/redirect-localhost.html",
            "/redirect-file.html", "/redirect-port.html", "/private/1.html", "/enc/bomb.html", *ENCODED,
            *(f"/charset/header-{codec}.html" for codec in NOT_TEXT_CODECS),
            *(f"/charset/meta-{codec}.html" for codec in NOT_TEXT_CODECS),
            f"http://127.0.0.1:{q}/secret.html", f"http://localhost:{site.port}/a/9.html",
        ], feeds=["/rss.xml"]))
        site.route("/rss.xml", rss([f"file://127.0.0.1{local}", f"file://localhost{local}", f"file://{local}",
                                    f"{h}/a/3.html"]), headers={"Content-Type": "application/rss+xml"})
        site.route("/sitemap.xml.gz", sitemap([f"file://{local}", f"{h}/a/4.html", f"ftp://127.0.0.1:{site.port}/a/5.html"],
                                              gzipped=True), headers={"Content-Type": "application/x-gzip"})
        site.route("/bad-links.html", listing([
            "/a/6.html", "http://127.0.0.1:99999/x.html", "http://\u2100.com/x.html", "http://[::1/x.html",
            f"ftp://127.0.0.1:{site.port}/a/7.html", "file:///etc/passwd", "/a/8.html"]))
        for path, target in (("/redirect-internal.html", f"http://127.0.0.1:{q}/secret.html"),
                             ("/redirect-localhost.html", f"http://localhost:{q}/secret.html"),
                             ("/redirect-file.html", f"file://{local}"),
                             ("/redirect-port.html", f"http://127.0.0.1:{q}/a/1.html")):
            site.route(path, b"", status=302, headers={"Location": target})
        for n in range(1, 10):
            site.route(f"/a/{n}.html", article(f"文章{n}"))
        site.route("/private/1.html", article("内部"))
        site.route("/enc/bomb.html", bomb, headers={"Content-Type": "text/html", "Content-Encoding": "deflate"})
        for path, (coding, encode) in ENCODED.items():
            site.route(path, encode(article(f"压缩{coding}", f"{coding}编码的正文完整无损。" + ARTICLE_TEXT)),
                       headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": coding})
        for codec in NOT_TEXT_CODECS:
            # GBK bytes: not valid UTF-8, so the declared label is really tried.
            site.route(f"/charset/header-{codec}.html", article(f"头{codec}", encoding="gbk", charset_meta=codec),
                       headers={"Content-Type": f"text/html; charset={codec}"})
            site.route(f"/charset/meta-{codec}.html", article(f"元{codec}", encoding="gbk", charset_meta=codec),
                       headers={"Content-Type": "text/html"})
        home = tmp_path_factory.mktemp("hostile") / "ws"
        first, peak_kb = _crawl_measured(home, "--start-url", h + "/")
        second = crawl(home, "--start-url", h + "/", check=False)
        yield site, internal, home, first, second, peak_kb, local


def _crawl_measured(home, *args):
    """Run the crawl in a child of a small wrapper, so its peak RSS is measured alone."""
    command = [sys.executable, "-m", "corpus.cli", "--home", str(home), "crawl", *args, *FAST]
    wrapper = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
               "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); print(r.returncode); "
               "sys.stderr.write(r.stdout + r.stderr)")
    result = subprocess.run([sys.executable, "-c", wrapper, *command], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    peak_kb, code = result.stdout.split()
    return subprocess.CompletedProcess(command, int(code), result.stderr, ""), int(peak_kb)


def _stats(home, run=0) -> dict:
    return json.loads(rows(home, "SELECT stats FROM crawl_runs ORDER BY id")[run][0])


def test_every_crawl_finishes(hostile):
    _, _, home, first, second, _, _ = hostile
    assert "Traceback" not in first.stdout + second.stderr
    assert first.returncode == 0, first.stdout
    assert second.returncode == 0, second.stdout + second.stderr
    assert [status for (status,) in rows(home, "SELECT status FROM crawl_runs")] == ["finished", "finished"]


def test_no_local_file_is_read(hostile):
    _, _, home, *_, local = hostile
    requested = rows(home, "SELECT url, final_url FROM fetches WHERE url NOT LIKE 'http%' "
                           "OR (final_url NOT LIKE 'http%' AND status NOT BETWEEN 300 AND 399)")
    assert not requested  # a redirect hop's final_url says where it pointed: that is not a request
    for kind, uri in all_records(home):
        assert uri is None or uri.startswith("http://"), uri
    assert not _warc_contains(home, SECRET.encode())


def test_no_other_origin_is_touched_by_links_or_redirects(hostile):
    site, internal, home, *_ = hostile
    assert internal.requested == [], "the internal service was reached"
    requested = rows(home, "SELECT url FROM fetches UNION SELECT final_url FROM fetches WHERE status NOT BETWEEN 300 AND 399")
    hosts = {url.split("/")[2] for (url,) in requested if url}
    assert hosts == {f"127.0.0.1:{site.port}"}
    refused = {key.split("/")[-1]: value for key, value in _stats(home).items() if key.startswith("newscorpus/")
               and ("/refused/" in key or "/dropped/" in key)}
    assert refused.get("offsite", 0) >= 2 and refused.get("bad-scheme", 0) >= 3
    # A redirect the crawl refuses to follow settles its URL: it is not fetched again next crawl.
    second_run = rows(home, "SELECT url FROM fetches WHERE run_id = 2 AND url LIKE '%/redirect-%'")
    assert not second_run


def test_bad_urls_are_dropped_and_the_links_after_them_followed(hostile):
    site, _, home, *_ = hostile
    fetched = {url for (url,) in rows(home, "SELECT url FROM fetches WHERE status = 200")}
    assert {f"{site.url}/a/6.html", f"{site.url}/a/8.html", f"{site.url}/a/3.html"} <= fetched
    assert _stats(home)["newscorpus/dropped/bad-url"] >= 1  # the port 99999 link
    assert _stats(home, 1).get("newscorpus/dropped/bad-url", 0) >= 1  # a stored bad URL poisons nothing


def test_gzipped_sitemap_is_read(hostile):
    site, _, home, *_ = hostile
    assert "/sitemap.xml.gz" in site.requested
    assert rows(home, "SELECT status FROM fetches WHERE url = ?", (f"{site.url}/a/4.html",)) == [(200,)]


def test_robots_disallowed_page_is_never_requested(hostile):
    site, *_ = hostile
    assert not [path for path in site.requested if path.startswith("/private/")]


def test_decompression_bomb_is_bounded_and_recorded(hostile):
    site, _, home, _, _, peak_kb, _ = hostile
    (status, error), = rows(home, "SELECT status, error FROM fetches WHERE url = ?", (f"{site.url}/enc/bomb.html",))
    assert status == 200 and "larger than" in error
    assert peak_kb < 600 * 1024, f"the crawl peaked at {peak_kb // 1024} MB for a 1 GiB bomb"


def test_compressed_bodies_are_decoded_by_crawl_and_extraction(hostile):
    site, _, home, *_ = hostile
    run_cli("extract", home=home)
    for path, (coding, _) in ENCODED.items():
        (kind, error), = rows(home, "SELECT kind, error FROM fetches WHERE url = ?", (site.url + path,))
        assert kind == "article" and error is None, (path, kind, error)
        text = rows(home, "SELECT text FROM documents WHERE url = ?", (site.url + path,))
        assert text and f"{coding}编码的正文完整无损" in text[0][0], (path, text)


def test_pages_naming_non_text_codecs_are_recorded_once(hostile):
    site, _, home, *_ = hostile
    for codec in NOT_TEXT_CODECS:
        for where in ("header", "meta"):
            url = f"{site.url}/charset/{where}-{codec}.html"
            found = rows(home, "SELECT run_id, status, encoding FROM fetches WHERE url = ?", (url,))
            assert [(run, status) for run, status, _ in found] == [(1, 200)], (url, found)
            assert found[0][2] == "gb18030", (url, found)


def _warc_contains(home, needle: bytes) -> bool:
    from warcio.archiveiterator import ArchiveIterator

    for path in (home / "warc").glob("*.warc.gz"):
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                if needle in record.raw_stream.read():
                    return True
    return False



def test_a_name_that_resolves_to_an_internal_address_is_refused(tmp_path):
    """`localhost` is an allowed domain here, on the default port: only its resolved address refuses it."""
    with HostileSite() as site:
        site.route("/robots.txt", b"", headers={"Content-Type": "text/plain"})
        site.route("/", listing(["http://localhost/admin.html", "/a/1.html"]))
        site.route("/a/1.html", article("一"))
        crawl(tmp_path / "ws", "--start-url", site.url + "/", "--allow-domain", "localhost")
    assert not rows(tmp_path / "ws", "SELECT url FROM fetches WHERE url LIKE '%localhost%'")
    assert _stats(tmp_path / "ws")["newscorpus/refused/private-address"] == 1
    assert rows(tmp_path / "ws", "SELECT status FROM fetches WHERE url = ?", (site.url + "/a/1.html",)) == [(200,)]


@pytest.mark.parametrize("address, public", [
    ("93.184.215.14", True), ("2606:4700::1111", True), ("127.0.0.1", False), ("10.1.2.3", False),
    ("192.168.0.1", False), ("169.254.169.254", False), ("::1", False), ("fe80::1", False),
    ("::ffff:127.0.0.1", False), ("0.0.0.0", False), ("100.64.0.1", False), ("224.0.0.1", False)])
def test_internal_addresses_are_told_apart(address, public):
    assert is_public(address) is public
