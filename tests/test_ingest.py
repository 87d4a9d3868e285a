"""`newscorpus ingest` then `newscorpus export documents`: plain text through the same rules."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from conftest import run_cli

SEEDS = Path(__file__).resolve().parent / "fixtures" / "cleaners" / "seeds"


def test_ingest_cleans_reports_bad_lines_and_exports(workspace, tmp_path):
    seed = (SEEDS / "004_23808ed94ab39eb3.txt").read_text("utf-8")
    hk = (SEEDS / "000_4834dbcc47b7c92d.txt").read_text("utf-8")
    lines = [
        json.dumps({"url": "https://agg.example.cn/news/1.html", "text": seed, "source": "agg"}, ensure_ascii=False),
        "{not json",
        json.dumps({"url": "https://hk.example.com/a.htm", "text": hk, "title": "全球渝商大會", "published": "2025-11-04 08:00",
                    "lang": "zh-Hant"}, ensure_ascii=False),
        json.dumps({"url": "https://x.example.cn/empty", "text": ""}),
        json.dumps({"url": "https://x.example.cn/short", "text": "太短。"}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("ingest", str(source), home=workspace)
    assert "in.jsonl:2: skipped" in result.stderr and "in.jsonl:4: skipped: missing or empty 'text'" in result.stderr
    assert "ingested 2 documents" in result.stdout and "too-short 1" in result.stdout

    exported = [json.loads(line) for line in run_cli("export", "documents", home=workspace).stdout.splitlines()]
    by_url = {doc["url"]: doc for doc in exported}
    agg = by_url["https://agg.example.cn/news/1.html"]
    assert agg["source"] == "ingest" and agg["outlet"] == "agg" and "快照生成时间" not in agg["text"]
    assert agg["extra"]["rules"]["snapshot-footer"] == 4
    hk_doc = by_url["https://hk.example.com/a.htm"]
    assert hk_doc["outlet"] == "hk.example.com" and hk_doc["script"] == "zh-Hant" and hk_doc["title"] == "全球渝商大會"
    assert (hk_doc["published"], hk_doc["date_source"]) == ("2025-11-04T08:00:00+08:00", "given")

    rows = list(csv.DictReader(io.StringIO(run_cli("export", "documents", "--format", "csv", home=workspace).stdout)))
    assert sorted(row["url"] for row in rows) == sorted(by_url)
    assert json.loads(rows[0]["extra"])["rules"] is not None

    run_cli("ingest", str(source), home=workspace)                       # idempotent by URL
    assert len(run_cli("export", "documents", home=workspace).stdout.splitlines()) == 2


def test_ingest_of_a_missing_file_says_so(workspace, tmp_path):
    result = run_cli("ingest", str(tmp_path / "none.jsonl"), home=workspace, check=False)
    assert result.returncode != 0 and "cannot read" in result.stderr
