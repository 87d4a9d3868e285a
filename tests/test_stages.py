"""One contract for every stage, through the real CLI: the run record, --json, settings layered and recorded."""

from __future__ import annotations

import codecs
import csv
import io
import json
import sqlite3

from conftest import run_cli
from crawl_support import rows

STORY = "市政府今天公布新的交通计划，将在明年完成三条地铁线路的建设，方便市民出行。" * 3


def _ingest(home, count: int = 4) -> None:
    lines = [json.dumps({"url": f"https://s.example.cn/{n}.html", "text": f"第{n}篇。" + STORY, "source": "晨报",
                         "title": "=HYPERLINK(\"http://x\")"}, ensure_ascii=False) for n in range(count)]
    run_cli("ingest", "-", home=home, input="\n".join(lines) + "\n")


def test_every_stage_prints_its_run_record_and_records_what_made_it(tmp_path):
    home = tmp_path / "ws"
    _ingest(home)
    (home / "newscorpus.toml").write_text("[dedup]\nDEDUP_THRESHOLD = 0.75\nDEDUP_NUM_PERM = 64\n", encoding="utf-8")
    env = {"NEWSCORPUS_DEDUP_THRESHOLD": "0.7"}
    records = {}
    for args in (["dedup", "--set", "DEDUP_NUM_PERM=96"], ["report"], ["release", "--version", "v1"],
                 ["takedown", "https://s.example.cn/1.html", "--reason", "publisher request"]):
        result = run_cli(*args, "--json", home=home, env=env)
        records[args[0]] = json.loads(result.stdout)
    for stage, record in records.items():
        assert (record["stage"], record["status"], record["error"]) == (stage, "finished", None)
        assert record["pid"] > 0 and record["host"] and record["finished_at"] >= record["started_at"]
        assert record["libraries"]["newscorpus"] and record["libraries"]["datasketch"]
    # The file, then the environment, then --set: each recorded where the stage reads it.
    assert records["dedup"]["settings"] == {"DEDUP_THRESHOLD": 0.7, "DEDUP_NUM_PERM": 96}
    assert records["dedup"]["summary"]["documents"] == 4
    assert records["report"]["settings"] == {} and records["report"]["summary"]["path"].endswith("report.html")
    assert records["release"]["summary"]["version"] == "v1"
    assert records["takedown"]["options"]["url"] == "https://s.example.cn/1.html"

    stored = rows(home, "SELECT id, stage, status, settings FROM runs ORDER BY id")
    assert [row[1:3] for row in stored] == [("ingest", "finished"), ("dedup", "finished"), ("report", "finished"),
                                            ("release", "finished"), ("takedown", "finished")]
    assert json.loads(stored[1][3]) == {"DEDUP_THRESHOLD": 0.7, "DEDUP_NUM_PERM": 96}
    assert stored[1][0] == records["dedup"]["run_id"]

    shown = json.loads(run_cli("config", "--component", "dedup", "--format", "json", "--set", "DEDUP_NUM_PERM=96",
                               home=home, env=env).stdout)
    assert shown["DEDUP_THRESHOLD"] == {"value": 0.7, "default": 0.6, "source": "env NEWSCORPUS_DEDUP_THRESHOLD",
                                        "component": "dedup"}
    assert shown["DEDUP_NUM_PERM"]["source"] == "--set" and shown["DEDUP_SEED"]["source"] == "default"
    text = run_cli("config", "--changed", home=home).stdout
    assert "DEDUP_THRESHOLD = 0.75" in " ".join(text.split()) and "# newscorpus.toml" in text


def test_a_killed_stage_is_shown_killed_and_closed_by_the_next_writer(tmp_path):
    home = tmp_path / "ws"
    _ingest(home)
    with sqlite3.connect(home / "store.sqlite") as db:  # what a SIGKILLed dedup leaves behind
        db.execute("INSERT INTO runs (stage, status, started_at, pid, host) VALUES ('dedup', 'running', "
                   "'2026-01-01T00:00:00+00:00', 999999, 'elsewhere')")
    state = json.loads(run_cli("status", "--json", home=home).stdout)
    assert [(run["stage"], run["status"]) for run in state["runs"]][:2] == [("dedup", "killed"), ("ingest", "finished")]
    run_cli("dedup", home=home)
    assert rows(home, "SELECT status, error FROM runs WHERE pid = 999999") == [("killed", "the process was killed")]


def test_csv_exports_open_in_a_spreadsheet_with_the_chinese_intact(tmp_path):
    home = tmp_path / "ws"
    _ingest(home)
    run_cli("dedup", home=home)
    for args in (["export", "documents", "--format", "csv", "--bom"], ["export", "clusters", "--format", "csv",
                                                                       "--all", "--bom"]):
        raw = run_cli(*args, home=home).stdout.encode("utf-8")
        assert raw.startswith(codecs.BOM_UTF8), args
        table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
        assert len(table) == 4 and "url" in table[0], args
    plain = run_cli("export", "documents", "--format", "csv", home=home).stdout
    assert not plain.startswith("\ufeff") and "晨报" in plain
