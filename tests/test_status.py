"""`newscorpus status` on new, empty and filled workspaces, and sections contributed by other stages."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import ROOT, run_cli
from report_support import add_crawl_run, add_document, fill_store

from corpus.report import sections, write_report
from corpus.report.status import workspace_status


def test_status_of_a_folder_without_a_workspace_creates_nothing(tmp_path):
    home = tmp_path / "fresh"
    text = run_cli("status", home=home).stdout
    assert "Nothing here yet" in text and "newscorpus demo" in text
    state = json.loads(run_cli("status", "--json", home=home).stdout)
    assert state["initialised"] is False and state["corpus"]["documents"] == 0 and state["releases"] == []
    assert not home.exists()


def test_status_of_an_empty_store(workspace):
    workspace.open_store().close()
    text = run_cli("status", home=workspace).stdout
    assert "Sites (0)" in text and "Releases (0)" in text and "none yet" in text
    state = json.loads(run_cli("status", "--json", home=workspace).stdout)
    assert state["initialised"] is True
    assert state["pending"] == {"fetched_not_extracted": 0, "documents_not_deduplicated": 0}


def test_status_of_a_filled_workspace(workspace):
    store = workspace.open_store()
    with store.transaction() as db:
        fill_store(db, undeduplicated=False)
        _, (extracted, _, _) = add_crawl_run(db, "hk", [
            ("https://hk.example/news/1.htm", 200, None),   # became a document
            ("https://hk.example/news/2.htm", 200, None),   # fetched, not extracted yet
            ("https://hk.example/news/3.htm", None, "timeout")])
        db.execute("UPDATE documents SET fetch_id = ? WHERE url = 'https://hk.example/news/1.htm'", (extracted,))
        db.execute("INSERT INTO extractions VALUES (?, 'https://hk.example/news/1.htm', 'hk', 'document', NULL, "
                   "'test', '2025-06-01T00:00:00+00:00')", (extracted,))
    store.close()
    run_cli("release", "--version", "v1", home=workspace)
    store = workspace.open_store()
    with store.transaction() as db:
        add_document(db, "https://wire.example/w/99", "wire", "还没有去重的稿件。")
        db.execute("UPDATE fetches SET error = 'evil\x1b[2J' WHERE error IS NOT NULL")
        db.execute("INSERT INTO runs (stage, status, started_at, pid, host, error) VALUES ('crawl', 'failed', "
                   "'2025-06-01', 1, 'h', 'evil\x1b[2J')")
    store.close()
    run_cli("report", home=workspace)

    state = json.loads(run_cli("status", "--json", home=workspace).stdout)
    assert state["pending"] == {"fetched_not_extracted": 1, "documents_not_deduplicated": 1}
    [run] = state["crawl_runs"]
    assert (run["status"], run["fetches"], run["errors"], run["sites"]) == ("finished", 2, 1, ["hk"])
    sites = {site["name"]: site for site in state["sites"]}
    assert sites["hk"]["configured"] and not sites["wire"]["configured"]
    assert (sites["hk"]["documents"], sites["hk"]["rejects"], sites["hk"]["fetches"]) == (2, 2, 3)
    assert (sites["wire"]["documents"], sites["agg"]["documents"]) == (2, 2)
    corpus = state["corpus"]
    assert (corpus["documents"], corpus["clusters"], corpus["duplicates"], corpus["rejects"]) == (9, 4, 4, 3)
    assert corpus["rejects_by_reason"] == {"too-short": 2, "not-article": 1}
    [release] = state["releases"]
    assert (release["version"], release["documents"]) == ("v1", 4)
    assert state["latest_report"].endswith("latest.html")

    text = run_cli("status", home=workspace).stdout
    assert "\x1b" not in text and "evil?[2J" in text  # a scraped escape sequence never reaches the terminal
    assert "1   → newscorpus extract" in text and "1   → newscorpus dedup" in text
    assert "v1" in text and "too-short" in text and "#1" in text


def test_a_contributed_section_reaches_the_report_and_status(workspace, monkeypatch):
    store = workspace.open_store()
    with store.transaction() as db:
        fill_store(db)
    store.close()
    monkeypatch.setattr(sections, "REPORT_SECTIONS", ["report_support:outlet_watch_section"])

    result = write_report(workspace, out=workspace.home / "r")
    page = (result.path / "report.html").read_text("utf-8")
    assert '<h2 id="section-outlet_watch">Outlet watch</h2>' in page
    assert "&lt;i&gt;hk&lt;/i&gt;: only 10% of article pages" in page and "&lt;b&gt;evil&lt;/b&gt;" in page
    data = json.loads((result.path / "report.json").read_text("utf-8"))
    [section] = data["sections"]
    assert section["key"] == "outlet_watch" and ["hk", 2] in section["rows"]
    assert workspace_status(workspace)["alerts"] == ["<i>hk</i>: only 10% of article pages gave a document"]


# Every command validates every component's settings; reading them must not load a stage's libraries.
_LOADED_AFTER = """
import sys
from corpus.cli import main
try:
    main(sys.argv[1:])
except SystemExit as done:
    assert done.code == 0, done.code
print(" ".join(sorted(name for name in ("datasketch", "numba", "scipy", "pyarrow", "scrapy", "trafilatura")
                      if name in sys.modules)))
"""


def test_status_init_and_config_start_without_the_stage_libraries(workspace):
    for command in (["status"], ["init"], ["config"]):
        result = subprocess.run([sys.executable, "-c", _LOADED_AFTER, "--home", str(workspace.home), *command],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout.splitlines()[-1] == "", (command, result.stdout.splitlines()[-1])


def test_site_columns_line_up_with_chinese_names(workspace):
    from rich.cells import cell_len

    store = workspace.open_store()
    with store.transaction() as db:
        add_crawl_run(db, "明報", [("https://mingpao.example/a.htm", 200, None)])
        add_crawl_run(db, "wire", [("https://wire.example/a.htm", 200, None)])
    store.close()
    lines = [line for line in run_cli("status", home=workspace).stdout.splitlines()
             if " documents " in line and ("明報" in line or "wire" in line)]
    assert len(lines) == 2
    # The counts start at the same terminal column whatever the name's script (a CJK character is 2 cells).
    assert len({cell_len(line[: line.index(" documents ")]) for line in lines}) == 1
