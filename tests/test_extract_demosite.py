"""End to end on the demo site: crawl four outlets via the CLI, extract, and check the documents."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime

import pytest

from conftest import run_cli
from crawl_support import demo_site_files
from crawler.demosite import DemoSite

pytestmark = pytest.mark.slow
OUTLETS = ("hk", "morning", "wire", "agg")
NOISE = ("快照生成时间", "资讯信息快照", "信息原文地址", "扫码阅读手机版", "网友评论", "文明上网", "更多关于", "分享到")


def test_crawl_then_extract_gives_clean_documents_with_scripts_and_dates(tmp_path):
    home = tmp_path / "ws"
    with DemoSite(scale=1, port=0) as site:
        truth = {item["document_url"]: item for item in site.ground_truth()}   # a story of an e-paper page: PAGE#story-N
        run_cli("crawl", *demo_site_files(tmp_path, site.url, politeness={"delay": 0, "concurrency": 8, "autothrottle": False}, backfill=None), "--set", "NEWSCORPUS_PROGRESS=off", home=home)
    summary = json.loads(run_cli("extract", "--workers", "2", "--json", home=home).stdout)["summary"]
    assert summary["errors"] == 0 and summary["documents"] >= 0.9 * len(truth)

    db = sqlite3.connect(home / "store.sqlite")
    docs = db.execute("SELECT url, outlet, script, published, date_source, text, title FROM documents").fetchall()
    db.close()
    assert {outlet for _, outlet, *_ in docs} == set(OUTLETS)
    judged = [(url, script) for url, _, script, *_ in docs if url in truth]
    assert len(judged) >= 0.9 * len(truth)
    wrong_script = [(url, script) for url, script in judged if script != truth[url]["script"]]
    assert len(wrong_script) <= 0.01 * len(judged), wrong_script

    wrong_date = []
    for url, _, _, published, source, _, _ in docs:
        if url in truth and truth[url].get("published"):
            delta = abs(datetime.fromisoformat(published) - datetime.fromisoformat(truth[url]["published"]))
            if delta.total_seconds() > 86400:
                wrong_date.append((url, published, source, truth[url]["published"]))
    assert len(wrong_date) <= 0.02 * len(judged), wrong_date

    for url, outlet, _, _, _, text, title in docs:
        assert not any(noise in text for noise in NOISE), (url, [n for n in NOISE if n in text])
        assert title, url
