"""`newscorpus clean`: saved files in, one JSON line per input, in input order."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

from conftest import run_cli

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cleaners"


def test_clean_prints_one_line_per_input_in_order(tmp_path):
    udn = tmp_path / "udn.html"
    udn.write_bytes(lzma.decompress((FIXTURES / "twnews" / "udn.html.xz").read_bytes()))
    short = tmp_path / "short.txt"
    short.write_text("只有一句话。", encoding="utf-8")
    paths = [str(FIXTURES / "encoding" / "cleaneval-10.html"), str(FIXTURES / "seeds" / "004_23808ed94ab39eb3.txt"),
             str(short), str(udn)]
    result = run_cli("clean", *paths)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["path"] for row in rows] == paths
    gbk, seed, rejected, taiwan = rows
    assert gbk["encoding"] == "gb18030" and gbk["script"] == "zh-Hans"
    assert "快照生成时间" not in seed["text"] and seed["date_source"] == "text"
    assert seed["published"] == "2024-05-26T10:09:00+08:00"
    assert rejected["reject"] == "too-short" and "characters" in rejected["detail"]
    assert taiwan["script"] == "zh-Hant" and taiwan["published"].startswith("2019-03-18")


def test_clean_with_url_and_encoding_override(tmp_path):
    page = tmp_path / "page.html"
    text = "".join(f"<p>重庆与香港两地在经贸投资、金融科技等方面的交流合作十分广泛，第{n}段。</p>" for n in range(6))
    page.write_bytes(f"<html><body><article>{text}</article></body></html>".encode("gbk"))
    row = json.loads(run_cli("clean", str(page), "--url", "https://cq.example.cn/2024/05/26/a.html",
                             "--encoding", "gbk").stdout)
    assert row["url"] == "https://cq.example.cn/2024/05/26/a.html" and row["encoding"] == "gb18030"
    assert row["published"].startswith("2024-05-26") and row["date_source"] == "url"


def test_clean_reports_unreadable_inputs_and_bad_encodings(tmp_path):
    result = run_cli("clean", str(tmp_path / "missing.html"), check=False)
    assert result.returncode != 0 and json.loads(result.stdout)["error"].startswith("cannot read")
    result = run_cli("clean", str(FIXTURES / "seeds" / "001_b2decae2bf799c5f.txt"), "--encoding", "klingon", check=False)
    assert result.returncode != 0 and "unknown encoding" in result.stderr
