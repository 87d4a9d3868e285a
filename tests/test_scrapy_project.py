"""`scrapy crawl news` (the Scrapy project, scrapy.cfg) crawls with the workspace's settings, as `newscorpus crawl` does."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import pytest
from conftest import ROOT

from crawler.demosite import DemoSite


@pytest.fixture(scope="module")
def site():
    with DemoSite(scale=1, port=0) as demo:
        yield demo


def scrapy_crawl(home, site, *args: str, env: dict | None = None) -> int:
    """Run `scrapy crawl news` from the project folder; the number of responses the workspace recorded."""
    command = [sys.executable, "-m", "scrapy.cmdline", "crawl", "news", "-a", f"start_url={site.url}/", *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "NEWSCORPUS_HOME": str(home), "PYTHONIOENCODING": "utf-8", **(env or {})})
    assert result.returncode == 0, result.stderr[-3000:]
    db = sqlite3.connect(home / "store.sqlite")
    try:
        return db.execute("SELECT count(*) FROM fetches WHERE status IS NOT NULL").fetchone()[0]
    finally:
        db.close()


def test_scrapy_crawl_takes_the_workspace_file_and_environment(site, tmp_path):
    home = tmp_path / "ws"
    home.mkdir()
    (home / "newscorpus.toml").write_text("[crawler]\nCLOSESPIDER_PAGECOUNT = 5\n", encoding="utf-8")
    # One request at a time (from the environment), so the page cap (from the file) stops the crawl at 5 or 6.
    assert scrapy_crawl(home, site, env={"NEWSCORPUS_CONCURRENT_REQUESTS": "1"}) <= 6


def test_scrapy_command_line_settings_still_win(site, tmp_path):
    home = tmp_path / "ws"
    home.mkdir()
    (home / "newscorpus.toml").write_text("CLOSESPIDER_PAGECOUNT = 5\nCONCURRENT_REQUESTS = 1\n", encoding="utf-8")
    assert scrapy_crawl(home, site, "-s", "CLOSESPIDER_PAGECOUNT=12") >= 12
