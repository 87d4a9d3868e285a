"""Exit codes cron can trust, through the real CLI: 0 done, 3 a site is down, 75 busy; the lock covers every
writing stage, so two `dedup`s never interleave."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest

from conftest import ROOT, run_cli
from crawl_support import demo_site_files, rows
from corpus.errors import EXIT_BUSY, EXIT_DEGRADED
from corpus.runlock import RunLock
from crawler.demosite import DemoSite

FAST = ["--set", "AUTOTHROTTLE_ENABLED=false", "--set", "NEWSCORPUS_RETRY_BACKOFF=0.05",
        "--set", "NEWSCORPUS_PROGRESS=off"]


@pytest.mark.slow
def test_a_site_that_goes_down_between_two_cron_runs(tmp_path):
    home = tmp_path / "ws"
    with DemoSite(scale=1, port=0) as site:
        sites = demo_site_files(tmp_path, site.url)
        first = run_cli("run", *sites, *FAST, home=home, check=False)
    assert first.returncode == 0, first.stderr
    second = run_cli("run", *sites, *FAST, home=home, check=False)   # the same cron line, the site is gone
    assert second.returncode == EXIT_DEGRADED == 3, second.stderr
    assert "no server answered" in second.stdout
    for outlet in ("wire", "agg", "morning", "hk"):
        assert f"WARNING site health: {outlet}: no fetch was answered" in second.stdout

    assert rows(home, "SELECT status FROM runs WHERE stage = 'run' ORDER BY id") == [("finished",), ("degraded",)]
    assert rows(home, "SELECT status FROM runs WHERE stage = 'crawl' ORDER BY id") == [("finished",), ("degraded",)]
    status = run_cli("status", home=home).stdout
    assert "WARNING    hk: no fetch was answered" in status and "degraded (" in status
    state = json.loads(run_cli("status", "--json", home=home).stdout)
    assert state["runs"][0]["status"] == "degraded" and state["runs"][0]["alerts"]
    report = json.loads((home / "reports" / "latest.html").parent.joinpath(
        sorted(p.name for p in (home / "reports").iterdir() if p.is_dir())[-1], "report.json").read_text("utf-8"))
    [health] = [section for section in report["sections"] if section["key"] == "site_health"]
    assert any("hk: no fetch was answered" in alert for alert in health["alerts"])
    # What the first run stored is still there and still reported.
    assert rows(home, "SELECT count(*) FROM documents")[0][0] > 50


def test_a_crawl_where_no_server_answers_exits_3_with_its_record(tmp_path):
    home = tmp_path / "ws"
    result = run_cli("crawl", "--start-url", "http://127.0.0.1:1/", "--json", *FAST, home=home, check=False)
    assert result.returncode == EXIT_DEGRADED
    record = json.loads(result.stdout)
    assert (record["stage"], record["status"]) == ("crawl", "degraded")
    assert record["summary"]["responses"] == 0 and "no server answered" in record["summary"]["alerts"][0]
    assert record["settings"]["AUTOTHROTTLE_ENABLED"] is False and record["libraries"]["scrapy"]
    assert "WARNING no server answered" in result.stderr


HANZI = ("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多"
         "定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由")


def _story(n: int) -> str:
    """Story n: 160 characters drawn with seed n, in sentences; unrelated to every other story."""
    rng = random.Random(n)
    return "。".join("".join(rng.choice(HANZI) for _ in range(20)) for _ in range(8)) + "。"


def _ingest_copies(home, count: int = 120) -> None:
    """count/3 stories, each published three times (two copies with a credit line added)."""
    lines = []
    for n in range(count):
        story = _story(n // 3) + ("（转载自本报）" if n % 3 else "")
        lines.append(json.dumps({"url": f"https://dup.example.cn/{n}.html", "text": story,
                                 "source": f"outlet{n % 3}"}, ensure_ascii=False))
    run_cli("ingest", "-", home=home, input="\n".join(lines) + "\n")


def test_two_dedups_at_once_never_corrupt_the_clusters(tmp_path):
    home = tmp_path / "ws"
    _ingest_copies(home)
    command = [sys.executable, "-m", "corpus.cli", "--home", str(home), "dedup"]
    processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for _ in range(3)]
    outcomes = [(process.wait(timeout=300), process.stderr.read()) for process in processes]
    for process in processes:
        process.stdout.close()
        process.stderr.close()
    assert {code for code, _ in outcomes} <= {0, EXIT_BUSY}, outcomes
    assert all("try again" in err for code, err in outcomes if code == EXIT_BUSY)
    assert rows(home, "SELECT count(*) FROM clusters c WHERE NOT EXISTS "
                      "(SELECT 1 FROM cluster_members m WHERE m.cluster_id = c.id)") == [(0,)]
    assert rows(home, "SELECT count(*) FROM documents d WHERE NOT EXISTS "
                      "(SELECT 1 FROM cluster_members m WHERE m.doc_id = d.id)") == [(0,)]
    assert rows(home, "SELECT count(*) FROM clusters WHERE size > 1") == [(40,)]


def test_every_writing_stage_waits_for_the_workspace_lock(tmp_path):
    home = tmp_path / "ws"
    _ingest_copies(home, 6)
    before = rows(home, "SELECT count(*) FROM runs")
    with RunLock(home / "run.lock"):  # a cron `run` holds the workspace
        for args in (["crawl", "--start-url", "http://127.0.0.1:1/"], ["extract"], ["dedup"], ["report"],
                     ["release"], ["takedown", "https://dup.example.cn/1.html", "--reason", "test"],
                     ["ingest", "-"], ["init"]):
            result = run_cli(*args, home=home, check=False, input="")
            assert result.returncode == EXIT_BUSY, (args, result.stderr)
            assert result.stderr.startswith("Error: another newscorpus run (pid"), result.stderr
        assert run_cli("status", home=home).returncode == 0          # reads never wait
    assert rows(home, "SELECT count(*) FROM runs") == before
