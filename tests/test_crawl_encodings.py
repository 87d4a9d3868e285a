"""Real GBK/GB2312 pages served with no charset header are recorded as gb18030 by the crawl.

Optional: reads ../shared/realdata (CleanEval-zh and cx-extractor's NetEase pages) and is skipped
where that folder is absent. A page counts as GB when it is not valid UTF-8.
"""

from __future__ import annotations

import json

import pytest

from conftest import ROOT
from crawl_support import StaticServer, crawl, rows

REALDATA = ROOT.parent / "shared" / "realdata"
FOLDERS = {"cleaneval": REALDATA / "cleaneval-zh/eval/benchmark/zh-original/zh-original",
           "netease": REALDATA / "cx-extractor-netease-gbk/RawHtml"}

pytestmark = pytest.mark.skipif(not all(folder.is_dir() for folder in FOLDERS.values()),
                                reason="../shared/realdata is not available")


def _is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _pages() -> dict[str, bytes]:
    pages = {}
    for name, folder in FOLDERS.items():
        for path in sorted(folder.glob("*.htm*")):
            body = path.read_bytes()
            if name == "cleaneval":  # line 1 is CleanEval's <text id=... encoding=...> header, not the page
                body = body.split(b"\n", 1)[1]
            pages[f"/{name}/{path.name}"] = body
    return pages


def test_gb_pages_without_charset_header_are_recorded_as_gb18030(tmp_path):
    pages = _pages()
    gb = {path for path, body in pages.items() if not _is_utf8(body)}
    assert len(gb) >= 110
    index = "".join(f'<li><a href="{path}">{path}</a></li>' for path in pages)
    pages["/"] = f"<!doctype html><html><body><ul>{index}</ul></body></html>".encode()
    with StaticServer(pages) as server:
        crawl(tmp_path / "ws", "--start-url", server.url + "/", "--set", "NEWSCORPUS_DEPTH_LIMIT=1",
              "--set", "ROBOTSTXT_OBEY=false")
    found = {url.removeprefix(server.url): (encoding, evidence) for url, encoding, evidence in rows(
        tmp_path / "ws", "SELECT url, encoding, encoding_evidence FROM fetches WHERE status = 200")}
    wrong = {path: found.get(path, ("not fetched", None))[0] for path in gb if found.get(path, ("",))[0] != "gb18030"}
    assert not wrong, f"{len(wrong)} GB pages not decoded as gb18030: {sorted(wrong.items())[:5]}"
    for path in gb:
        evidence = json.loads(found[path][1])
        assert evidence["header"] is None and evidence["chosen"] == "gb18030"
