"""The README tour, as a new user types it: the bundled site files work on any port (--base-url)."""

from __future__ import annotations

from conftest import ROOT, run_cli
from crawl_support import FAST, rows
from crawler.demosite import DemoSite


def test_bundled_site_files_crawl_the_demo_site_on_any_port(tmp_path):
    home = tmp_path / "ws"
    sites = [str(ROOT / "crawler" / "sites" / f"{name}.yaml") for name in ("wire", "hk")]
    with DemoSite(scale=1, port=0) as site:
        url = site.url
        assert not url.endswith(":8410")
        result = run_cli("crawl", "--site", sites[0], "--site", sites[1], "--base-url", url, "--max-pages", "40",
                         *FAST, home=home)
    assert "no server answered" not in result.stdout + result.stderr
    fetched = dict(rows(home, "SELECT site, count(*) FROM fetches WHERE status = 200 GROUP BY site"))
    assert set(fetched) == {"wire", "hk"}
    assert all(fetch.startswith(url) for (fetch,) in rows(home, "SELECT url FROM fetches"))


def test_a_bad_base_url_is_a_usage_mistake(tmp_path):
    wire = str(ROOT / "crawler" / "sites" / "wire.yaml")
    result = run_cli("crawl", "--site", wire, "--base-url", "http://[::1", home=tmp_path / "ws", check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "`base_url`: 'http://[::1' is not an absolute http(s) URL" in result.stderr
    assert not (tmp_path / "ws").exists()
