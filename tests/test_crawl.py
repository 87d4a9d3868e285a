"""`newscorpus crawl` end to end: the real CLI crawls the real demo site on 127.0.0.1.

One crawl from the bare root URL (as a new user would start) is shared by the read-only checks:
what was found and fetched, how it was decoded, what the WARC files hold, robots.txt, faults.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from crawl_support import all_records, crawl, record_at, rows, sha1_digest
from crawler.demosite import FAULTS, DemoSite
from crawler.demosite.outlets import OUTLETS
from crawler.settings import NEWSCORPUS_DEPTH_LIMIT


@pytest.fixture(scope="module")
def site():
    with DemoSite(scale=1, port=0) as demo:
        yield demo


@pytest.fixture(scope="module")
def crawled(site, tmp_path_factory):
    home = tmp_path_factory.mktemp("crawl") / "ws"
    result = crawl(home, "--start-url", site.url + "/")
    return home, result


def _fetch(home, url):
    found = rows(home, "SELECT status, kind, final_url, error, encoding, encoding_evidence FROM fetches "
                       "WHERE url = ? ORDER BY id", (url,))
    assert found, f"{url} was never requested"
    return found


def _fetched_ok(home, url):
    """The 200 fetch that brought this page, asked for directly or reached through a redirect."""
    found = rows(home, "SELECT status, kind, final_url, error, encoding, encoding_evidence FROM fetches "
                       "WHERE status = 200 AND (url = ? OR final_url = ?)", (url, url))
    assert len(found) == 1, f"{url} fetched {len(found)} times with 200"
    return found[0]


def test_finds_every_article_of_all_four_outlets_from_the_root_url(site, crawled):
    home, result = crawled
    truth = {row["url"]: row["outlet"] for row in site.ground_truth()}
    stored = {url for pair in rows(home, "SELECT url, final_url FROM fetches WHERE status = 200 AND kind = 'article'")
              for url in pair}
    missing = sorted(set(truth) - stored)
    assert not missing, f"{len(missing)} ground-truth pages not fetched as articles, e.g. {missing[:5]}"
    outlets = {urlsplit(url).path.split("/")[1] for url in stored}
    assert {"hk", "morning", "wire", "agg"} <= outlets
    assert "pages by kind" in result.stdout and "article" in result.stdout


def test_a_crawl_of_the_root_names_each_outlet_by_its_masthead(site, crawled):
    """No site file: each page's outlet comes from the pages (og:site_name, or its section's name)."""
    home, _ = crawled
    masthead = {row["url"]: OUTLETS[row["outlet"]].title for row in site.ground_truth()}
    named = dict(rows(home, "SELECT COALESCE(final_url, url), site FROM fetches WHERE status = 200"))
    wrong = {url: (named.get(url), name) for url, name in masthead.items() if named.get(url) != name}
    assert not wrong, f"{len(wrong)} ground-truth pages under another outlet, e.g. {list(wrong.items())[:3]}"
    # Listings, feeds and sitemaps of an outlet's section carry its name too; the host keeps its root.
    by_section = {}
    for url, name in rows(home, "SELECT COALESCE(final_url, url), site FROM fetches"):
        path = urlsplit(url).path
        by_section.setdefault(path.split("/")[1] if path.count("/") > 1 else "", set()).add(name)
    assert {section: names for section, names in by_section.items() if section in OUTLETS} == \
        {name: {OUTLETS[name].title} for name in OUTLETS}
    assert by_section[""] == {"127.0.0.1"}


def test_listings_are_not_taken_for_articles(site, crawled):
    home, _ = crawled
    listings = [f"{site.url}/{outlet}/" for outlet in ("hk", "morning", "wire", "agg")]
    listings += [f"{site.url}/hk/epaper/2025-11/05/index.htm"]
    for url in listings:
        assert _fetch(home, url)[-1][:2] == (200, "listing"), url


def test_each_page_decoded_with_the_right_codec_and_evidence(site, crawled):
    home, _ = crawled
    expected = {"hk": "big5hkscs", "morning": "gb18030", "wire": "utf-8", "agg": "utf-8"}
    for row in site.ground_truth():
        if row["url"].endswith(tuple(FAULTS.values())):
            continue
        status, _, _, _, encoding, evidence = _fetched_ok(home, row["url"])
        assert status == 200 and encoding == expected[row["outlet"]], (row["url"], encoding)
        assert json.loads(evidence)["chosen"] == encoding
    lying_utf8 = _fetch(home, site.url + FAULTS["charset_declares_gb2312_is_utf8"])[-1]
    lying_gbk = _fetch(home, site.url + FAULTS["charset_declares_utf8_is_gbk"])[-1]
    assert lying_utf8[4] == "utf-8" and lying_gbk[4] == "gb18030"


def test_warc_records_are_where_the_store_says_with_matching_digests(crawled):
    home, _ = crawled
    fetched = rows(home, "SELECT url, final_url, status, warc_file, warc_offset, content_hash, content_length "
                         "FROM fetches WHERE warc_file IS NOT NULL")
    assert len(fetched) > 150
    for url, final_url, status, warc_file, offset, digest, length in fetched:
        record, payload = record_at(home, warc_file, offset)
        assert record.rec_type == "response"
        answered = url if 300 <= status < 400 else final_url  # a redirect hop's row points onwards
        assert record.rec_headers.get_header("WARC-Target-URI") == answered
        assert record.rec_headers.get_header("WARC-Date")
        assert record.http_headers.get_statuscode() == str(status)
        assert record.rec_headers.get_header("WARC-Payload-Digest") == digest == sha1_digest(payload)
        assert len(payload) == length
    types = [kind for kind, _ in all_records(home)]
    assert types.count("response") == len(fetched) and types.count("request") == len(fetched)


def test_robots_txt_is_obeyed(site, crawled):
    home, _ = crawled
    assert not rows(home, "SELECT url FROM fetches WHERE url LIKE '%/private/%' OR final_url LIKE '%/private/%'")
    assert not [uri for _, uri in all_records(home) if uri and "/private/" in uri]
    assert "refused by robots.txt: 1" in crawled[1].stdout


def test_faults_are_recorded_and_do_not_stop_the_crawl(site, crawled):
    home, _ = crawled
    base = site.url
    assert [row[0] for row in _fetch(home, base + FAULTS["not_found"])] == [404]
    assert [row[0] for row in _fetch(home, base + FAULTS["server_error"])] == [500, 500, 500]  # 2 retries
    hops = _fetch(home, base + FAULTS["redirect"])
    target = site.pages[urlsplit(base + FAULTS["redirect"]).path].location
    assert hops[0][0] == 301 and hops[0][2] == target
    fetched_target = rows(home, "SELECT id FROM fetches WHERE status = 200 AND (url = ? OR final_url = ?)",
                          (target, target))
    assert len(fetched_target) == 1, "a redirect target is fetched once, directly or through the redirect"
    oversized = _fetch(home, base + FAULTS["oversized"])
    assert oversized[0][0] is None and "max size" in oversized[0][3]
    assert _fetch(home, base + FAULTS["slow"])[-1][0] == 200
    calendar = rows(home, "SELECT count(*) FROM fetches WHERE url LIKE '%/agg/calendar/%'")[0][0]
    # The calendar links both ways: at most two chains of NEWSCORPUS_DEPTH_LIMIT hops.
    assert 1 <= calendar <= 2 * (NEWSCORPUS_DEPTH_LIMIT + 1), "the endless calendar is cut off by the depth limit"
    binary = _fetch(home, base + FAULTS["binary"])[-1]
    assert binary[:2] == (200, "other") and binary[4] is None


def test_sitemap_and_feed_hints_are_kept_with_the_url(site, crawled):
    home, _ = crawled
    hints = dict(rows(home, "SELECT url, hints FROM urls WHERE hints IS NOT NULL"))
    wire = [json.loads(h) for url, h in hints.items() if "/wire/" in url]
    assert any("news:publication_date" in h and "news:title" in h for h in wire)
    agg = [json.loads(h) for url, h in hints.items() if "/agg/news/" in url]
    assert any("feed:title" in h and "feed:published" in h for h in agg)


def test_the_run_is_recorded_with_its_stats(crawled):
    home, _ = crawled
    (status, sites, stats), = rows(home, "SELECT status, sites, stats FROM crawl_runs")
    stats = json.loads(stats)
    # The ad hoc site (the host) and the outlets its pages named, each measured by site health.
    assert status == "finished" and set(json.loads(sites)) == {"127.0.0.1"} | {o.title for o in OUTLETS.values()}
    assert stats["newscorpus/fetches"] == rows(home, "SELECT count(*) FROM fetches")[0][0]


def test_max_pages_stops_the_crawl_early_and_cleanly(site, tmp_path):
    result = crawl(tmp_path / "ws", "--start-url", site.url + "/", "--max-pages", "15")
    (status, stats), = rows(tmp_path / "ws", "SELECT status, stats FROM crawl_runs")
    fetched = rows(tmp_path / "ws", "SELECT count(*) FROM fetches")[0][0]
    assert status == "finished" and json.loads(stats)["finish_reason"] == "closespider_pagecount"
    assert 15 <= fetched < len(site.pages) / 2
    assert "closespider_pagecount" in result.stdout
