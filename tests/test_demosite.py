"""The demo news site, checked over real HTTP on 127.0.0.1 as a crawler would meet it."""

from __future__ import annotations

import email.utils
import html
import http.client
import re
import socket
import subprocess
import sys
import urllib.robotparser
import xml.etree.ElementTree as ET
from collections import deque
from urllib.parse import urljoin, urlsplit

import opencc
import pytest

from crawler.demosite import FAULTS, DemoSite
from crawler.demosite.site import build_site
from tests.conftest import ROOT

NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "news": "http://www.google.com/schemas/sitemap-news/0.9",
      "atom": "http://www.w3.org/2005/Atom"}
HREF = re.compile(rb'href="([^"#]+)"')


@pytest.fixture(scope="module")
def site():
    with DemoSite(scale=1, port=0) as demo:
        yield demo


class Client:
    """One keep-alive connection to the demo site."""

    def __init__(self, base: str, timeout: float = 10):
        parts = urlsplit(base)
        self.conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)

    def get(self, url: str, method: str = "GET", **headers) -> tuple[int, dict, bytes]:
        self.conn.request(method, urlsplit(url).path or "/", headers=headers)
        response = self.conn.getresponse()
        body = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, body

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc) -> None:
        self.conn.close()


@pytest.fixture(scope="module")
def client(site):
    with Client(site.url) as c:
        yield c


def visible_text(body: str) -> str:
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", "", body)
    return html.unescape(re.sub(r"<[^>]+>", "", body))


def shingles(text: str, k: int = 5) -> set[str]:
    chars = re.sub(r"[\W_]", "", text)
    return {chars[i:i + k] for i in range(len(chars) - k + 1)}


def containment(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b))


def crawl(site: DemoSite, client: Client, obey_robots: bool = True) -> dict[str, int]:
    """Breadth-first over every same-site link from /; returns path -> status. Stops at the calendar."""
    robots = urllib.robotparser.RobotFileParser(site.url + "/robots.txt")
    robots.read()
    seen, queue = {}, deque(["/"])
    while queue:
        path = queue.popleft()
        if path in seen or (obey_robots and not robots.can_fetch("*", site.url + path)):
            continue
        status, headers, body = client.get(site.url + path, method="HEAD" if path == FAULTS["oversized"] else "GET")
        seen[path] = status
        if status != 200 or "calendar" in path or not headers["content-type"].startswith("text/html"):
            continue
        for href in HREF.findall(body):
            link = urljoin(site.url + path, href.decode("ascii"))
            if link.startswith(site.url):
                queue.append(urlsplit(link).path)
    return seen


def test_robots_sitemaps_and_feeds_point_at_real_pages(site, client):
    robots = urllib.robotparser.RobotFileParser(site.url + "/robots.txt")
    robots.read()
    assert not robots.can_fetch("*", site.url + FAULTS["private"])
    assert robots.can_fetch("*", site.url + "/wire/")
    assert robots.site_maps() == [site.url + "/sitemap_index.xml"]

    index = ET.fromstring(client.get(robots.site_maps()[0])[2])
    sitemap_urls = [loc.text for loc in index.findall("sm:sitemap/sm:loc", NS)]
    assert len(sitemap_urls) == 4
    listed = set()
    for sitemap_url in sitemap_urls:
        urlset = ET.fromstring(client.get(sitemap_url)[2])
        for url in urlset.findall("sm:url", NS):
            listed.add(url.find("sm:loc", NS).text)
            if "sitemap-news" in sitemap_url:
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00",
                                    url.find("news:news/news:publication_date", NS).text)
                assert url.find("news:news/news:title", NS).text.strip()
    assert any("sitemap-news" in u for u in sitemap_urls)

    rss = ET.fromstring(client.get(site.url + "/wire/rss.xml")[2])
    items = rss.findall("channel/item")
    assert items and all(email.utils.parsedate_to_datetime(i.findtext("pubDate")) for i in items)
    atom = ET.fromstring(client.get(site.url + "/agg/atom.xml")[2])
    entries = atom.findall("atom:entry", NS)
    assert entries and all(e.findtext("atom:published", namespaces=NS) for e in entries)
    feed_links = [i.findtext("link") for i in items] + [e.find("atom:link", NS).get("href") for e in entries]
    for url in sorted(listed | set(feed_links)):
        assert client.get(url)[0] == 200, url


def test_outlet_homes_autodiscover_their_feeds(site, client):
    for outlet, kind in [("wire", "rss"), ("morning", "rss"), ("hk", "rss"), ("agg", "atom")]:
        page = client.get(f"{site.url}/{outlet}/")[2]
        match = re.search(rb'<link rel="alternate" type="application/(rss|atom)\+xml"[^>]*href="([^"]+)"', page)
        assert match and match[1].decode() == kind, outlet
        status, headers, body = client.get(match[2].decode())
        assert status == 200 and ET.fromstring(body).tag in ("rss", "{http://www.w3.org/2005/Atom}feed")


def test_every_ground_truth_url_serves_200_and_is_reachable_by_links(site, client):
    truth = site.ground_truth()
    assert {row["outlet"] for row in truth} == {"hk", "morning", "wire", "agg"}
    assert {row["script"] for row in truth} == {"zh-Hans", "zh-Hant"}
    status, _, body = client.get(site.url + "/ground-truth.json")
    assert status == 200 and len(__import__("json").loads(body)) == len(truth)
    reached = crawl(site, client)
    for row in truth:
        path = urlsplit(row["url"]).path
        assert client.get(row["url"])[0] == 200, row
        assert path in reached, f"{path} is linked from nowhere"
    assert 150 <= len(reached) <= 400


def test_listings_are_paginated_with_next_links(site, client):
    for outlet, label in [("wire", "下一页"), ("morning", "下一页"), ("hk", "下一頁"), ("agg", "下一页")]:
        _, headers, body = client.get(f"{site.url}/{outlet}/")
        declared = headers["content-type"].partition("charset=")[2] or "gbk"
        text = body.decode({"big5": "big5hkscs"}.get(declared, declared))
        match = re.search(rf'<a href="([^"]+)">{label}</a>', text)
        assert match, outlet
        assert client.get(urljoin(site.url + f"/{outlet}/", match[1]))[0] == 200


def test_big5_and_gbk_pages_decode_with_their_codecs(site, client):
    truth = site.ground_truth()
    hk = next(r["url"] for r in truth if r["outlet"] == "hk" and r["kind"] == "article")
    _, headers, body = client.get(hk)
    assert headers["content-type"] == "text/html; charset=big5"
    assert b'charset=big5"' in body
    text = body.decode("big5hkscs")  # strict: no byte out of place
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "發佈時間" in text

    undeclared = 0
    for row in (r for r in truth if r["outlet"] == "morning" and r["kind"] == "article" and "declares" not in r["variant"]):
        _, headers, body = client.get(row["url"])
        text = body.decode("gbk")
        assert "发布时间" in text
        if "charset" not in headers["content-type"] and b"charset" not in body.lower():
            undeclared += 1
            with pytest.raises(UnicodeDecodeError):
                body.decode("utf-8")
    assert undeclared >= 3, "some GBK pages must declare no charset anywhere"


def test_conditional_get_answers_304(site, client):
    url = next(r["url"] for r in site.ground_truth() if r["outlet"] == "wire")
    status, headers, body = client.get(url)
    assert status == 200 and headers["etag"] and headers["last-modified"]
    assert client.get(url, **{"If-None-Match": headers["etag"]})[:1] == (304,)
    status, _, body = client.get(url, **{"If-Modified-Since": headers["last-modified"]})
    assert (status, body) == (304, b"")
    assert client.get(url, **{"If-None-Match": '"stale"'})[0] == 200
    assert client.get(url, **{"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"})[0] == 200


def test_keep_alive_reuses_one_connection(site):
    with Client(site.url) as c:
        c.get(site.url + "/wire/")
        first = c.conn.sock
        c.get(site.url + "/hk/")
        assert c.conn.sock is first


def test_edit_article_changes_etag_and_last_modified():
    with DemoSite(scale=1, port=0) as demo, Client(demo.url) as c:
        url = next(r["url"] for r in demo.ground_truth() if r["outlet"] == "agg")
        _, before, _ = c.get(url)
        demo.edit_article(url, "更正：本文第一段有误。\n第二段。")
        status, after, body = c.get(url, **{"If-None-Match": before["etag"]})
        assert status == 200 and after["etag"] != before["etag"]
        assert "更正：本文第一段有误。" in body.decode("utf-8")
        assert (email.utils.parsedate_to_datetime(after["last-modified"])
                > email.utils.parsedate_to_datetime(before["last-modified"]))


def test_same_story_appears_across_outlets_in_both_scripts(site, client):
    """Read the pages back, fold Traditional to Simplified, and compare characters: copies overlap."""
    to_simplified = opencc.OpenCC("hk2s")
    by_story: dict[str, dict[str, dict]] = {}
    for row in site.ground_truth():
        if row["kind"] == "article" and "declares" not in row["variant"]:
            by_story.setdefault(row["story"], {})[row["outlet"]] = row

    def story_shingles(url: str) -> set[str]:
        _, headers, body = client.get(url)
        declared = headers["content-type"].partition("charset=")[2] or "gbk"
        page = body.decode({"big5": "big5hkscs"}.get(declared, declared))  # big5 means HKSCS, as browsers read it
        story = re.search(r'(?s)<div id="content".*?</div>', page)[0]
        return shingles(to_simplified.convert(visible_text(story)))

    for outlet in ("hk", "morning"):
        pairs = [(rows["wire"]["url"], rows[outlet]["url"]) for rows in by_story.values() if {"wire", outlet} <= rows.keys()]
        assert len(pairs) >= 5, outlet
        wire_copies = [story_shingles(wire) for wire, _ in pairs]
        outlet_copies = [story_shingles(other) for _, other in pairs]
        for i, copy in enumerate(outlet_copies):
            assert containment(copy, wire_copies[i]) > 0.7, pairs[i]
            others = [containment(copy, wire) for j, wire in enumerate(wire_copies) if j != i]
            assert max(others) < 0.2, "different stories must not look like copies"
    scripts = {row["script"] for rows in by_story.values() for row in rows.values() if len(rows) >= 3}
    assert scripts == {"zh-Hans", "zh-Hant"}, "some stories are carried by three outlets, in both scripts"


def test_hard_negatives_share_figures_but_not_text(site, client):
    """Seeds 000a (hk e-paper), 001 (morning) and 004 (wire): one topic, shared names and figures, three stories."""
    truth = site.ground_truth()
    to_simplified = opencc.OpenCC("hk2s")
    urls = {story: next(r["url"] for r in truth if r["story"] == story and r["outlet"] in ("hk", "morning", "wire"))
            for story in ("seed000a", "seed001", "seed004")}
    assert len({r["topic"] for r in truth if r["story"] in urls}) == 1
    texts = {}
    for story, url in urls.items():
        _, headers, body = client.get(url)
        # seed 001's morning page declares gb2312 but is UTF-8; the e-paper is Big5
        text = visible_text(body.decode("big5hkscs" if "/hk/" in url else "utf-8"))
        texts[story] = to_simplified.convert(text)
    for story, shared in [("seed000a", ("575", "19家")), ("seed004", ("钟永喜", "3500", "李泽湘", "明月湖"))]:
        for figure in shared:
            assert figure in texts[story] and figure in texts["seed001"], (story, figure)
    pages = {story: shingles(text) for story, text in texts.items()}
    assert containment(pages["seed001"], pages["seed004"]) < 0.2
    assert containment(pages["seed001"], pages["seed000a"]) < 0.2


def test_e_paper_editions_are_addressable_by_date(site, client):
    rows = [r for r in site.ground_truth() if r["kind"] == "epaper"]
    pages = {urlsplit(r["url"]).path for r in rows}
    assert all(re.fullmatch(r"/hk/epaper/\d{4}-\d\d/\d\d/node_\d+\.htm", p) for p in pages)
    assert len(rows) > len(pages), "e-paper pages carry several stories"
    day = sorted(pages)[0].rsplit("/", 1)[0]
    numbers = []
    for n in range(1, 20):
        status, headers, body = client.get(f"{site.url}{day}/node_{n}.htm")
        if status == 404:
            break
        numbers.append(n)
        assert "<figcaption>" in body.decode("big5hkscs") or n == numbers[-1]
    assert len(numbers) >= 2
    toc = client.get(f"{site.url}{day}/index.htm")[2]
    assert all(f"node_{n}.htm".encode() in toc for n in numbers)


def test_aggregator_pages_carry_the_snapshot_footer_and_related_links(site, client):
    url = next(r["url"] for r in site.ground_truth() if r["outlet"] == "agg")
    text = visible_text(client.get(url)[2].decode("utf-8"))
    for line in ("以上内容为资讯信息快照", "快照生成时间:", "本站信息快照查询为非营利公共服务", "信息原文地址:", "扫码阅读手机版"):
        assert line in text
    assert len(re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", text)) >= 5  # related links with dates


def test_faults_behave_as_documented(site, client):
    reached = crawl(site, client)
    for name, path in FAULTS.items():
        if name != "private":
            assert path in reached, f"fault {name} is linked from nowhere crawlable"
    private_linked = crawl(site, client, obey_robots=False)
    assert FAULTS["private"] in private_linked

    assert reached[FAULTS["not_found"]] == 404
    assert client.get(site.url + FAULTS["server_error"])[0] == 500
    assert client.get(site.url + FAULTS["server_error"])[0] == 500
    status, headers, _ = client.get(site.url + FAULTS["redirect"])
    assert status == 301 and headers["location"] in {r["url"] for r in site.ground_truth()}

    status, headers, body = client.get(site.url + FAULTS["binary"])
    assert headers["content-type"].startswith("text/html") and body.startswith(b"\x89PNG\r\n\x1a\n")
    status, headers, body = client.get(site.url + FAULTS["oversized"], method="HEAD")
    assert status == 200 and int(headers["content-length"]) > 10 * 2**20 and body == b""

    _, headers, body = client.get(site.url + FAULTS["charset_declares_gb2312_is_utf8"])
    assert b"charset=gb2312" in body and "charset" not in headers["content-type"]
    assert "发布时间" in body.decode("utf-8")
    _, headers, body = client.get(site.url + FAULTS["charset_declares_utf8_is_gbk"])
    assert headers["content-type"].endswith("charset=utf-8")
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert "发布时间" in body.decode("gbk")


def test_slow_page_is_slow():
    with DemoSite(scale=1, port=0) as demo, Client(demo.url, timeout=0.3) as impatient:
        with pytest.raises(socket.timeout):
            impatient.get(demo.url + FAULTS["slow"])


def test_calendar_trap_never_ends(site, client):
    path, seen = FAULTS["calendar_trap"], set()
    for _ in range(40):
        status, _, body = client.get(site.url + path)
        assert status == 200 and path not in seen
        seen.add(path)
        path = urljoin(path, re.search(r'<a href="([^"]+)">下个月</a>', body.decode("utf-8"))[1])
    assert path.startswith("/agg/calendar/2027-")


def test_same_scale_gives_identical_pages_and_scale_grows_the_site():
    first, second = build_site(1, "http://127.0.0.1:1"), build_site(1, "http://127.0.0.1:1")
    assert first.pages.keys() == second.pages.keys()
    assert all(first.pages[p].body == second.pages[p].body for p in first.pages)
    bigger = build_site(2, "http://127.0.0.1:1")
    assert len(bigger.articles) > 1.8 * len(first.articles)


def test_cli_prints_a_url_that_serves():
    with subprocess.Popen([sys.executable, "-m", "corpus.cli", "demo-site", "--port", "0"], stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True, cwd=ROOT) as process:
        try:
            url = process.stdout.readline().strip()
            assert re.fullmatch(r"http://127\.0\.0\.1:\d+", url)
            with Client(url) as c:
                status, _, body = c.get(url + "/")
            assert status == 200 and b'href="/wire/"' in body
        finally:
            process.kill()
