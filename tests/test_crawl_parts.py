"""The crawl's pure parts on their own: discovery parsers, page kinds, trap guards, the WARC writer,
who published a page and which outlet a section belongs to."""

from __future__ import annotations

import gzip

import pytest
from scrapy.settings import Settings
from warcio.archiveiterator import ArchiveIterator

from cleaners.pages import classify_html, looks_like_html
from cleaners.publisher import NAME_MAX_CHARS, publisher_name
from corpus.store import utc_now
from crawler.discovery import gunzip_capped, parse_feed, parse_sitemap
from crawler.fetchlog import Fetch, FetchLog
from crawler.outlets import OutletNames
from crawler.retry import BackoffRetryMiddleware
from crawler.urls import TrapGuard, absolute, guess_kind
from crawler.warc import WarcWriterRotating

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
 <url><loc>https://n.example/a/2024-05-31/1.htm</loc>
  <news:news><news:publication><news:name>N</news:name></news:publication>
   <news:publication_date>2024-05-31T10:00:00+08:00</news:publication_date><news:title>\xe6\x96\xb0\xe9\x97\xbb</news:title>
  </news:news></url>
 <url><loc>https://n.example/about.html</loc></url>
</urlset>"""
INDEX = b"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://n.example/s1.xml</loc></sitemap><sitemap><loc>https://n.example/s2.xml.gz</loc></sitemap>
</sitemapindex>"""


def test_news_sitemap_keeps_title_publication_date_and_publication_name():
    children, entries = parse_sitemap(NEWS_SITEMAP)
    assert children == []
    assert [e.url for e in entries] == ["https://n.example/a/2024-05-31/1.htm", "https://n.example/about.html"]
    assert entries[0].hints == {"news:title": "新闻", "news:publication_date": "2024-05-31T10:00:00+08:00",
                                "news:publication": "N"}
    assert entries[1].hints == {}


def test_sitemap_index_and_gzip_with_a_size_cap():
    assert parse_sitemap(INDEX)[0] == ["https://n.example/s1.xml", "https://n.example/s2.xml.gz"]
    packed = gzip.compress(NEWS_SITEMAP)
    assert gunzip_capped(packed, 10_000) == NEWS_SITEMAP
    with pytest.raises(ValueError, match="larger than"):
        gunzip_capped(packed, 100)


def test_hostile_xml_is_not_expanded():
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>' \
           b'<urlset><url><loc>https://n.example/&b;</loc></url></urlset>'
    _, entries = parse_sitemap(bomb)
    assert all("aaaa" not in e.url for e in entries)
    assert parse_sitemap(b"not xml at all") == ([], [])


def test_rss_and_atom_items_with_hints():
    rss = b"""<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>C</title>
      <item><title>T1</title><link>https://n.example/1.html</link><pubDate>Fri, 31 May 2024 10:00:00 +0800</pubDate>
      <dc:creator>Li</dc:creator></item></channel></rss>"""
    atom = b"""<feed xmlns="http://www.w3.org/2005/Atom"><title>F</title>
      <entry><title>T2</title><link rel="alternate" href="https://n.example/2.html"/><link rel="edit" href="x"/>
      <published>2024-05-31T10:00:00+08:00</published><author><name>Wang</name></author></entry></feed>"""
    (item,) = parse_feed(rss)
    assert item.url == "https://n.example/1.html"
    assert item.hints == {"feed:title": "T1", "feed:published": "Fri, 31 May 2024 10:00:00 +0800", "feed:author": "Li"}
    (entry,) = parse_feed(atom)
    assert entry.url == "https://n.example/2.html"
    assert entry.hints == {"feed:title": "T2", "feed:published": "2024-05-31T10:00:00+08:00", "feed:author": "Wang"}


def test_links_are_made_absolute_and_non_pages_dropped():
    base = "https://n.example/news/list.html"
    assert absolute(base, " 2024/1.html#top ") == "https://n.example/news/2024/1.html"
    assert [absolute(base, h) for h in ("javascript:void(0)", "mailto:a@b", "#x", "ftp://f/")] == [None] * 4
    assert absolute(base, "1.html?utm_source=x&id=3&utm_medium=y") == "https://n.example/news/1.html?id=3"
    assert absolute(base, "1.html?utm_source=x") == "https://n.example/news/1.html"
    assert guess_kind("", "/wire/2024-05/31/c_123.htm") == "article"
    assert guess_kind("", "/hk/epaper/2024-05/31/index.htm") is None
    assert guess_kind("", "/sitemap-news.xml") == "sitemap" and guess_kind("", "/agg/atom.xml") == "feed"


def test_page_kind_from_og_type_json_ld_and_text_shape():
    article_og = '<html><head><meta property="og:type" content="article"></head><body></body></html>'
    listing_og = '<html><head><meta property="og:type" content="website"></head><body></body></html>'
    ld = '<script type="application/ld+json">{"@type": "NewsArticle"}</script>'
    text = "<p>" + "新闻" * 150 + "</p>" + '<a href="/x">x</a>' * 5
    links = "<p>短</p>" + '<li><a href="/x">标题标题</a></li>' * 80
    assert classify_html("https://n.example/a", article_og)[0] == "article"
    assert classify_html("https://n.example/a", listing_og)[0] == "listing"
    assert classify_html("https://n.example/a", ld) == ("article", "json-ld")
    assert classify_html("https://n.example/a", text) == ("article", "text-shape")
    assert classify_html("https://n.example/a", links) == ("listing", "text-shape")
    assert classify_html("https://n.example/a", links, listing_patterns=[r"/a$"]) == ("listing", "site-pattern")
    assert not looks_like_html(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR<html>")


def test_trap_guard_bounds_query_variants_and_url_shapes():
    guard = TrapGuard(max_query_variants=3, max_per_pattern=5)
    refused = [guard.refuse(f"https://n.example/search?q={i}", False) for i in range(5)]
    assert refused.count(None) == 3 and refused[-1] == "query-variants"
    months = [guard.refuse(f"https://n.example/cal/{2000 + i}-01.html", False) for i in range(8)]
    assert months.count(None) == 5 and months[-1] == "pattern-cap"
    assert guard.refuse("https://n.example/cal/2100-01.html", True) is None  # articles are not capped by shape


def test_warc_rotates_and_a_torn_last_record_leaves_the_rest_readable(tmp_path):
    writer = WarcWriterRotating(tmp_path, "t", max_size=2500)
    locations = [writer.write_exchange(f"https://n.example/{i}", "GET", [("Host", "n.example")], 200, "OK",
                                       [("Content-Type", "text/html")], f"<p>{i}</p>".encode() * 300)
                 for i in range(6)]
    writer.close()
    assert len(writer.files) >= 2
    torn = locations[-1]
    path = tmp_path / torn.file
    path.write_bytes(path.read_bytes()[:torn.offset + torn.length // 2])  # as if killed inside a write
    with open(path, "rb") as stream:
        seen = [(r.rec_type, r.rec_headers.get_header("WARC-Target-URI")) for r in ArchiveIterator(stream)]
    whole = [loc for loc in locations[:-1] if loc.file == torn.file]
    assert whole, "the torn record should follow whole ones in its file"
    assert seen[0] == ("warcinfo", None)
    assert [uri for kind, uri in seen if kind == "response"] == [f"https://n.example/{locations.index(loc)}"
                                                                 for loc in whole]


def test_retry_backoff_doubles_up_to_its_cap():
    retry = BackoffRetryMiddleware(Settings({"NEWSCORPUS_RETRY_BACKOFF": 0.5, "NEWSCORPUS_RETRY_BACKOFF_MAX": 3}))
    assert [retry.delay(n) for n in (1, 2, 3, 4)] == [0.5, 1.0, 2.0, 3]


def test_retried_attempts_count_as_one_failure_per_crawl_and_success_resets(workspace):
    def crawl_once(*statuses):
        log = FetchLog(workspace.open_store(), batch=1000)
        log.begin_run(["s"], {})
        for status in statuses:
            log.fetched(Fetch(url="https://n.example/a", site="s", kind="article", fetched_at=utc_now(),
                              status=status, revisit_after=None))
        log.finish_run("finished", {})
        state = log.visits(["s"])["https://n.example/a"]
        log.store.close()
        return state.failures, state.last_status

    assert crawl_once(500, 500, 500) == (1, 500)
    assert crawl_once(503) == (2, 503)
    assert crawl_once(200) == (0, 200)


def test_content_encodings_are_undone_in_order_and_bounded():
    import gzip
    import zlib

    import brotli
    import pytest

    from cleaners.content_encoding import ContentEncodingError, decode_content

    page = "<html><p>新闻正文</p></html>".encode() * 100
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    cases = {"gzip": gzip.compress(page), "x-gzip": gzip.compress(page), "br": brotli.compress(page),
             "deflate": zlib.compress(page), "gzip, gzip": gzip.compress(gzip.compress(page)),
             "gzip, br": brotli.compress(gzip.compress(page)), "identity": page,
             " Deflate ": raw_deflate.compress(page) + raw_deflate.flush()}
    for header, body in cases.items():
        assert decode_content(body, header, len(page)) == page, header
    truncated = decode_content(gzip.compress(page)[:200], "gzip", len(page))  # a download stopped early
    assert truncated and page.startswith(truncated)
    for header, body in cases.items():
        if header != "identity":
            with pytest.raises(ContentEncodingError, match="larger than"):
                decode_content(body, header, len(page) - 1)
    with pytest.raises(ContentEncodingError, match="unsupported"):
        decode_content(page, "compress", 10 ** 6)
    with pytest.raises(ContentEncodingError, match="not valid gzip"):
        decode_content(page, "gzip", 10 ** 6)


@pytest.mark.parametrize("head, name", [
    ('<meta property="og:site_name" content="新华网">', "新华网"),
    ("<META CONTENT='人民网' NAME='og:site_name'>", "人民网"),                      # order, case, quotes
    ('<meta property="og:site_name" content=" 南方&amp;日报\u2028\x07\n">', "南方&日报"),  # unescaped, one line
    ('<meta property="og:site_name" content="">', None),
    ('<meta property="og:site_name" content="' + "长" * 500 + '">', "长" * NAME_MAX_CHARS),
    ('<script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, {"@type": "NewsArticle", '
     '"publisher": {"@type": "Organization", "name": "澎湃新闻"}}]}</script>', "澎湃新闻"),
    ('<script type="application/ld+json">[{"publisher": [{"name": "财新网"}]}]</script>', "财新网"),
    ('<script type="application/ld+json">{"publisher": "a string"} broken</script>', None),
    ('<script type="application/ld+json">' + "[" * 100_000 + '</script>', None),           # too deep: skipped
    ('<meta name="description" content="og:site_name">', None),
])
def test_publisher_name_reads_the_pages_own_word_and_keeps_it_harmless(head, name):
    page = f"<!doctype html><html><head><title>t</title>{head}</head><body><p>正文</p></body></html>"
    assert publisher_name(page) == name


def test_og_site_name_outside_the_head_is_not_evidence_but_json_ld_in_the_body_is():
    body = '<body><meta property="og:site_name" content="评论区"><script type="application/ld+json">' \
           '{"publisher": {"name": "新京报"}}</script></body>'
    assert publisher_name(f"<html><head></head>{body}</html>") == "新京报"


def test_a_section_takes_the_name_most_of_its_pages_gave_and_the_root_stays_the_hosts(workspace):
    with workspace.open_store() as store:
        names = OutletNames(store)
        names.announce("https://e.example/papers/hk/sitemap.xml")       # sections deeper than /papers/
        names.announce("https://e.example/papers/am/rss.xml")
        for n in range(3):
            names.learn(f"https://e.example/papers/hk/2024/{n}.html", "香江日報")
        names.learn("https://e.example/papers/hk/2024/9.html", "香江日报")  # one page says otherwise
        names.learn("https://e.example/papers/am/1.html", "晨報")
        names.learn("https://e.example/wire/2024/1.html", "通訊社")         # no sitemap: the first segment
        names.learn("https://e.example/index.html", "門戶")                 # the root is no section
        assert names.name_for("https://e.example/papers/hk/list_2.html") == "香江日報"
        assert names.name_for("https://e.example/papers/am/2024/x.html") == "晨報"
        assert names.name_for("https://e.example/papers/other/1.html") is None
        assert names.name_for("https://e.example/wire/") == "通訊社"
        assert names.name_for("https://e.example/robots.txt") is None
        assert names.name_for("https://other.example/papers/hk/1.html") is None
        assert names.unreachable_outlets({"other.example"}) == set()
        assert names.unreachable_outlets({"e.example"}) == {"香江日報", "晨報", "通訊社"}
        assert names.outlet_of("https://e.example/wire/2.html", None, answered=True) == "通訊社"
        assert names.unreachable_outlets({"e.example"}) == set()   # the host answered
        # What was learned outlives the crawl: a new crawl's map knows the sections from its first request.
        run = FetchLog(store).begin_run(["e.example"], {})
        names.settle(run, {"e.example"}, {"e.example"})
        again = OutletNames(store)
        assert again.name_for("https://e.example/papers/hk/2024/new.html") == "香江日報"
