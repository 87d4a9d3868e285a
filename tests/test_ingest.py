"""`newscorpus ingest` then `newscorpus export documents`: plain text through the same rules."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import ROOT, run_cli

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


STORY = "市政府今天公布新的交通计划，将在明年完成三条地铁线路的建设，方便市民出行。" * 3


def _line(**fields) -> str:
    return json.dumps({"text": STORY, **fields}, ensure_ascii=False)


def test_hostile_lines_are_reported_and_every_good_line_is_stored(workspace, tmp_path):
    lines = [
        _line(url="https://a.example.cn/1.html"),                                   # 1 good
        _line(url="not a url"),                                                      # 2
        _line(url="javascript:alert(1)"),                                            # 3
        _line(url="http://[::1"),                                                    # 4
        _line(url="https://a.example.cn/2.html", published="2024-13-45"),            # 5
        '{"url": "https://a.example.cn/3.html", "text": "\\ud800' + STORY + '"}',    # 6 lone surrogate in text
        '{"url": "https://a.example.cn/4.html\\udfff", "text": "' + STORY + '"}',    # 7 ... in the URL
        "[" * 100_000 + "]" * 100_000,                                               # 8 deep nesting
        '{"a": ' * 50_000 + "1" + "}" * 50_000,                                      # 9
        _line(url="https://a.example.cn/1.html", title="再来一次"),                   # 10 duplicate of line 1
        _line(url="ftp://a.example.cn/5.html"),                                      # 11
        _line(url="https://a.example.cn:99999/6.html"),                              # 12 port out of range
        _line(url="https://a.example.cn/7.html", published="2024-05-26"),            # 13 good
        _line(url="https://a.example.cn/8.html", title={"nested": 1}),               # 14
    ]
    source = tmp_path / "hostile.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_cli("ingest", str(source), "--json", home=workspace)
    record = json.loads(result.stdout)
    assert record["stage"] == "ingest" and record["status"] == "finished"
    bad = {row["line"]: row["reason"] for row in record["summary"]["bad_lines"]}
    assert sorted(bad) == [2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14]
    assert "contains spaces" in bad[2] and "not an http(s) URL" in bad[3] and "not a valid URL" in bad[4]
    assert "'published' '2024-13-45' is not a date" in bad[5]
    assert "lone surrogate" in bad[6] and "lone surrogate" in bad[7]
    assert "nested deeper than" in bad[8] and "nested deeper than" in bad[9]
    assert "duplicate url 'https://a.example.cn/1.html' (first on line 1)" in bad[10]
    assert "not a valid URL" in bad[12] and "'title' must be a string" in bad[14]
    for number, reason in bad.items():
        assert f"hostile.jsonl:{number}: skipped: {reason}" in result.stderr
    stored = {doc["url"]: doc for doc in map(json.loads, run_cli("export", "documents", home=workspace).stdout.splitlines())}
    assert sorted(stored) == ["https://a.example.cn/1.html", "https://a.example.cn/7.html"]
    assert stored["https://a.example.cn/1.html"]["title"] is None          # the first line kept, not line 10
    assert stored["https://a.example.cn/7.html"]["published"].startswith("2024-05-26")


def test_ingest_reads_stdin_and_fails_when_nothing_was_ingested(workspace):
    result = run_cli("ingest", "-", home=workspace, input=_line(url="https://b.example.cn/1.html") + "\n")
    assert "ingested 1 documents from 1 lines" in result.stdout
    again = run_cli("ingest", "-", home=workspace, input=_line(url="https://b.example.cn/1.html") + "\n")
    assert "(1 already stored, updated)" in again.stdout
    nothing = run_cli("ingest", "-", home=workspace, check=False, input='{"url": "javascript:x", "text": "x"}\n\n')
    assert nothing.returncode == 1
    assert "<stdin>" not in nothing.stderr and "-:1: skipped" in nothing.stderr
    assert nothing.stderr.strip().splitlines()[-1].startswith("Error: nothing ingested from -: 1 bad line(s)")
    empty = run_cli("ingest", "-", home=workspace, check=False, input="")
    assert empty.returncode == 1 and "no input lines" in empty.stderr


def test_fuzzed_ingest_never_raises_out_of_the_command(workspace):
    """1,000 fuzzed lines (random bytes, broken and deep JSON, odd types) around known good lines."""
    import random

    rng = random.Random(14)
    good = {f"https://fuzz.example.cn/{n}.html" for n in range(0, 1000, 50)}
    pieces = ['{"url": ', '"text": ', "[", "]", "{", "}", '"\\ud83d"', '"\\u0000"', "null", "1e999", ",", ":",
              '"http://[::1"', '"https://x.cn/\\n"', '"\\x"', "\ufeff", "\u2028", "\x00", "\x7f"]
    lines = []
    for n in range(1000):
        url = f"https://fuzz.example.cn/{n}.html"
        if url in good:
            lines.append(_line(url=url, source=rng.choice(["晨报", "wire", None])))
        elif n % 3 == 0:
            lines.append(rng.randbytes(rng.randint(1, 300)).replace(b"\n", b" ").decode("latin-1"))
        elif n % 3 == 1:
            lines.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))))
        else:
            depth = rng.choice([1, 40, 5000])
            value = rng.choice(['"' + STORY + '"', "[1]", "{}", "true", '"\\udc80"', str(rng.random())])
            fields = {"url": rng.choice([url, "mailto:a@b.cn", "//x.cn/a", "https:///nohost", url + "#\u3000"]),
                      "text": rng.choice([STORY, "", None, 7, ["段落"]]),
                      "published": rng.choice(["2024-02-30", "昨天", "2024-05-26T08:00:00+08:00", 20240526, None])}
            lines.append(json.dumps(fields, ensure_ascii=False)[:-1] + ', "x": ' + "[" * depth + value
                         + "]" * depth + "}")
    data = "\n".join(lines).encode("utf-8", "surrogatepass") + b"\n\xff\xfe\n"
    result = subprocess_run_ingest(workspace, data)
    assert "Traceback" not in result.stderr
    assert result.returncode == 0, result.stderr[-2000:]
    summary = json.loads(result.stdout)["summary"]
    assert summary["lines"] == 1001
    non_blank = sum(1 for line in data.decode("utf-8", "replace").split("\n") if line.strip())
    stored = {doc["url"] for doc in map(json.loads, run_cli("export", "documents", home=workspace).stdout.splitlines())}
    assert good <= stored
    reported = {row["line"] for row in summary["bad_lines"]}
    assert len(reported) + summary["documents"] + sum(summary["rejects"].values()) == non_blank


def subprocess_run_ingest(workspace, data: bytes) -> subprocess.CompletedProcess:
    """`newscorpus ingest - --json` fed raw bytes (run_cli sends text only)."""
    result = subprocess.run([sys.executable, "-m", "corpus.cli", "--home", str(workspace.home), "ingest", "-", "--json"],
                            input=data, capture_output=True, cwd=ROOT, timeout=300,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    result.stdout = result.stdout.decode("utf-8", "replace")
    result.stderr = result.stderr.decode("utf-8", "replace")
    return result
