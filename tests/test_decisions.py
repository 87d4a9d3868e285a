"""`newscorpus decisions import/export/list` through the CLI: idempotent, line-numbered errors, stdin, lock."""

from __future__ import annotations

import json

from conftest import run_cli
from corpus.runlock import RunLock
from report_support import fill_store

SPLIT = {"action": "split", "urls": ["https://agg.example/r/10", "https://wire.example/w/9"],
         "editor": "<script>alert('ed')</script>", "note": "摘要，不是同一篇"}
MERGE = {"action": "merge", "urls": ["https://morning.example/a/2", "https://wire.example/w/9"], "editor": "李编辑"}
CANONICAL = {"action": "canonical", "urls": ["https://morning.example/a/1"], "note": "本地首发"}


def filled(workspace) -> None:
    with workspace.open_store() as store, store.transaction() as db:
        fill_store(db)


def lines(*records, extra: str = "") -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records) + extra


def test_import_reports_bad_lines_and_adds_nothing_twice(workspace, tmp_path):
    filled(workspace)
    bad = ('{"action": "delete", "urls": ["https://a/1", "https://a/2"]}\n'
           '{"action": "split", "urls": ["https://a/1"]}\n'
           "not json at all\n"
           '{"action": "merge", "urls": ["https://a/1", "https://a/1"]}\n'
           '{"action": "canonical", "urls": ["https://a/1"], "note": "' + "x" * 3000 + '"}\n'
           + "[" * 100_000 + "\n")
    path = tmp_path / "d.jsonl"
    path.write_text(lines(SPLIT, extra="\n") + bad + lines(MERGE, CANONICAL), "utf-8")
    first = run_cli("decisions", "import", str(path), home=workspace)
    assert "3 decision(s) added, 0 already there, 6 bad line(s)" in first.stdout
    reported = [line.split(":")[1] for line in first.stderr.splitlines() if ": skipped: " in line]
    assert reported == ["3", "4", "5", "6", "7", "8"]
    assert "action must be one of split, merge, canonical" in first.stderr
    assert "a split decision takes 2 to" in first.stderr and "not JSON" in first.stderr
    assert "Traceback" not in first.stderr

    again = run_cli("decisions", "import", str(path), home=workspace, check=False)
    assert "0 decision(s) added, 3 already there" in again.stdout
    exported = [json.loads(line) for line in run_cli("decisions", "export", home=workspace).stdout.splitlines()]
    assert [(d["action"], d["urls"], d["editor"], d["note"]) for d in exported] == [
        (r["action"], r["urls"], r.get("editor"), r.get("note")) for r in (SPLIT, MERGE, CANONICAL)]
    assert {d["origin"] for d in exported} == {"import"}


def test_export_moves_decisions_to_another_workspace_through_stdin(workspace, tmp_path):
    filled(workspace)
    path = tmp_path / "d.jsonl"
    path.write_text(lines({**SPLIT, "created_at": "2025-06-01T10:00:00+08:00"}, MERGE), "utf-8")
    run_cli("decisions", "import", str(path), home=workspace)
    exported = run_cli("decisions", "export", home=workspace).stdout
    other = tmp_path / "other"
    result = run_cli("decisions", "import", "-", home=other, input=exported)
    assert "2 decision(s) added" in result.stdout
    assert run_cli("decisions", "export", home=other).stdout == exported
    assert json.loads(exported.splitlines()[0])["created_at"] == "2025-06-01T02:00:00+00:00"


def test_list_says_whether_each_decision_holds(workspace, tmp_path):
    filled(workspace)
    path = tmp_path / "d.jsonl"
    # c-river holds wire/w/9 and agg/r/10 together; morning/a/2 is alone; morning/a/1 is not canonical.
    path.write_text(lines(SPLIT, MERGE, CANONICAL, {"action": "split", "urls": ["https://nowhere/1", "https://wire.example/w/9"]}), "utf-8")
    run_cli("decisions", "import", str(path), home=workspace)
    listed = run_cli("decisions", "list", home=workspace).stdout
    states = [line.split(": ", 1)[1] for line in listed.splitlines() if line.startswith("#")]
    assert states == ["pending (run `newscorpus dedup`)"] * 3 + ["waiting for 1 URL(s) not in a cluster"]
    assert "<script>alert('ed')</script>" in listed and "note: 摘要，不是同一篇" in listed


def test_import_waits_for_a_running_stage(workspace, tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(lines(SPLIT), "utf-8")
    with RunLock(workspace.lock_path):
        busy = run_cli("decisions", "import", str(path), home=workspace, check=False)
    assert busy.returncode == 75 and busy.stderr.startswith("Error: another newscorpus run")
    assert run_cli("decisions", "export", home=workspace).stdout == ""


def test_a_missing_file_is_a_usage_error(workspace, tmp_path):
    result = run_cli("decisions", "import", str(tmp_path / "nope.jsonl"), home=workspace, check=False)
    assert result.returncode == 2 and "Traceback" not in result.stderr


def test_a_later_decision_about_the_same_pair_wins():
    from corpus.decisions import Decision
    from corpus.decisions.apply import constraints_of

    ids = {"https://a/1": 1, "https://b/2": 2, "https://c/3": 3}
    split = Decision("split", ("https://a/1", "https://b/2", "https://c/3"))
    merge = Decision("merge", ("https://a/1", "https://b/2", "https://nowhere/9"))
    canonical = Decision("canonical", ("https://b/2",))

    merged_after = constraints_of([split, merge, canonical], ids)
    assert not merged_after.is_apart(1, 2) and merged_after.is_apart(1, 3)
    assert merged_after.together == (frozenset({1, 2}),) and merged_after.canonical == frozenset({2})

    split_after = constraints_of([merge, split], ids)
    assert split_after.is_apart(1, 2) and split_after.is_apart(3, 1) and not split_after.is_apart(2, 3)
    assert constraints_of([Decision("split", ("https://nowhere/9", "https://a/1"))], ids).apart == frozenset()
