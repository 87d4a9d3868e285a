"""Site YAML files: the shipped examples, a date back-fill crawl, and clear refusals of bad files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from conftest import ROOT
from crawl_support import crawl, rows
from crawler.demosite import DemoSite
from crawler.sites import SiteConfigError, load_site, site_from_json

EXAMPLES = sorted((ROOT / "crawler" / "sites").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_site_files_are_valid_and_point_at_the_demo_default_port(path):
    site = load_site(path)
    assert site.name == path.stem
    assert all(url.startswith("http://127.0.0.1:8410/") for url in site.start_urls + site.sitemaps + site.feeds)


def test_backfill_walks_each_day_of_the_range_and_only_that(tmp_path):
    with DemoSite(scale=1, port=0) as site:
        example = yaml.safe_load((ROOT / "crawler/sites/hk.yaml").read_text("utf-8"))
        config = {"name": "hk-epaper", "allowed_domains": ["127.0.0.1"], "allowed_paths": ["/hk/epaper/"],
                  "politeness": {"delay": 0, "autothrottle": False}, "depth_limit": 0,
                  "backfill": {**example["backfill"], "template": site.url + example["backfill"]["template"]}}
        path = tmp_path / "hk-epaper.yaml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
        crawl(tmp_path / "ws", "--site", str(path), "--since", "2025-11-01", "--until", "2025-11-06")
        node = re.compile(r"/hk/epaper/2025-11/0[1-6]/node_\d+\.htm")
        expected = {site.url + p for p, page in site.pages.items() if node.fullmatch(p) and page.status == 200}
    assert expected, "the demo site should have e-paper pages in that week"
    fetched = {url for (url,) in rows(tmp_path / "ws", "SELECT url FROM fetches WHERE status = 200 AND url LIKE '%/hk/%'")}
    assert fetched == expected
    (site_name,), = rows(tmp_path / "ws", "SELECT DISTINCT site FROM fetches WHERE url LIKE '%/hk/%'")
    assert site_name == "hk-epaper"


@pytest.mark.parametrize("content,message", [
    ("name: x\nstart_urls: [http://a.example/]\nstart_url: http://b.example/\n", "unknown key(s) start_url"),
    ("name: x\nstart_urls: [a.example]\n", "is not an absolute http(s) URL"),
    ("name: x\nstart_urls: [http://a.example/]\narticle_patterns: ['(']\n", "is not a valid regex"),
    ("name: x\nstart_urls: [http://a.example/]\nbackfill: /e/{yyyy}/{month}.htm\n", "must contain {dd}"),
    ("name: x\nstart_urls: [http://a.example/]\npoliteness: {delay: fast}\n", "politeness.delay"),
    ("name: x\nstart_urls: [http://a.example/]\nrevisit_after: soon\n", "revisit_after"),
    ("start_urls: [http://a.example/]\n", "`name` must be"),
])
def test_bad_site_file_is_refused_with_a_clear_message(tmp_path, content, message):
    path = tmp_path / "bad.yaml"
    path.write_text(content, "utf-8")
    with pytest.raises(SiteConfigError) as refused:
        load_site(path)
    assert message in str(refused.value) and str(path) in str(refused.value)


def test_the_cli_refuses_a_bad_site_file_before_crawling(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("name: x\nstart_urls: [http://a.example/]\nstart_url: http://b.example/\n", "utf-8")
    result = crawl(tmp_path / "ws", "--site", str(path), check=False)
    assert result.returncode != 0
    assert "unknown key(s) start_url" in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr
    assert not rows(tmp_path / "ws", "SELECT id FROM crawl_runs") if (tmp_path / "ws" / "store.sqlite").exists() else True


def test_since_without_a_backfill_template_is_refused(tmp_path):
    result = crawl(tmp_path / "ws", "--start-url", "http://127.0.0.1:9/", "--since", "2025-01-01", check=False)
    assert result.returncode != 0 and "no site file has a `backfill` template" in result.stderr


def test_load_site_reports_the_file_it_could_not_read(tmp_path):
    with pytest.raises(SiteConfigError, match="cannot read"):
        load_site(Path(tmp_path / "missing.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_stored_site_config_reads_back_the_same(path):
    site = load_site(path)
    assert site_from_json(json.loads(json.dumps(site.to_json()))) == site
