"""Every command, against every kind of broken workspace: one `Error:` line and an exit code, never a traceback.

The workspaces are real: a folder that cannot be created, a --home under a file, a store that is
garbage or a folder, a workspace that cannot be written (immutable as root, mode 0555 otherwise).
Commands run in-process through click's runner, so each case costs milliseconds; an exception that
escapes the CLI is a failure here.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from corpus.cli import main

# Commands that make a workspace when it does not exist (the others refuse).
CREATING = {"crawl", "run", "ingest", "init", "demo"}
# Commands that only read: they work on a read-only workspace.
READING = {"status", "export documents", "export clusters", "releases", "config"}


def commands(tmp: Path) -> dict[str, list[str]]:
    good = tmp / "good.jsonl"
    good.write_text('{"url": "https://news.example.cn/1.html", "text": "' + "这是一篇足够长的新闻报道。" * 10 + '"}\n',
                    encoding="utf-8")
    return {
        "crawl": ["crawl", "--start-url", "http://127.0.0.1:9/"],
        "extract": ["extract", "--workers", "1"],
        "dedup": ["dedup"],
        "release": ["release"],
        "report": ["report"],
        "run": ["run", "--start-url", "http://127.0.0.1:9/"],
        "ingest": ["ingest", str(good)],
        "takedown": ["takedown", "https://news.example.cn/1.html", "--reason", "publisher request"],
        "init": ["init"],
        "demo": ["demo", "--port", "0"],
        "status": ["status"],
        "export documents": ["export", "documents"],
        "export clusters": ["export", "clusters", "--format", "csv"],
        "releases": ["releases", "--format", "json"],
        "verify": ["verify", "v1"],
        "diff": ["diff", "v1", "v2"],
        "config": ["config"],
    }


def invoke(home: Path, args: list[str], env: dict | None = None):
    result = CliRunner().invoke(main, ["--home", str(home), *args], env=env)
    escaped = result.exception if not isinstance(result.exception, SystemExit) else None
    assert escaped is None, f"{args}: {type(escaped).__name__}: {escaped}\n{result.output}"
    assert "Traceback" not in result.output + result.stderr
    if result.exit_code:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert lines and lines[-1].startswith("Error: "), f"{args}: {result.stderr!r}"
        assert sum(line.startswith("Error:") for line in lines) == 1
    return result


@pytest.fixture
def locked_down():
    """Make paths unwritable for this process (immutable as root, read-only modes otherwise); undone after."""
    done: list[Path] = []

    def lock(*paths: Path) -> None:
        for path in paths:
            if os.geteuid() == 0:
                subprocess.run(["chattr", "+i", str(path)], check=True, capture_output=True)
            else:
                path.chmod(0o555 if path.is_dir() else 0o444)
            done.append(path)

    yield lock
    for path in reversed(done):
        if os.geteuid() == 0:
            subprocess.run(["chattr", "-i", str(path)], check=True, capture_output=True)
        else:
            path.chmod(0o755 if path.is_dir() else 0o644)


def test_a_mistyped_home_is_refused_not_created(tmp_path):
    home = tmp_path / "wrokspace"
    for name, args in commands(tmp_path).items():
        if name in CREATING:
            continue
        result = invoke(home, args)
        if name in ("status", "config"):  # they describe any folder
            assert result.exit_code == 0, (name, result.output)
        else:
            assert result.exit_code == 1, (name, result.output)
            assert f"Error: no workspace at {home} (run crawl, ingest or init first" in result.stderr, name
        assert not home.exists(), f"`{name}` created the mistyped workspace"


def test_a_home_that_cannot_be_created(tmp_path, locked_down):
    parent = tmp_path / "readonly"
    parent.mkdir()
    locked_down(parent)
    for name, args in commands(tmp_path).items():
        result = invoke(parent / "ws", args)
        if name in CREATING:
            assert result.exit_code == 1 and "cannot create the workspace folder" in result.stderr, name
        elif name not in ("status", "config"):
            assert result.exit_code == 1 and "no workspace at" in result.stderr, name


def test_a_home_under_a_file(tmp_path):
    (tmp_path / "notes.txt").write_text("not a folder")
    home = tmp_path / "notes.txt" / "ws"
    for name, args in commands(tmp_path).items():
        result = invoke(home, args)
        if name != "config":
            assert result.exit_code == 1, name
            assert f"is under the file {tmp_path / 'notes.txt'}" in result.stderr, name


@pytest.mark.parametrize("store,message", [("garbage", "is not a newscorpus store"), ("folder", "is a folder")])
def test_a_broken_store(tmp_path, store, message):
    home = tmp_path / "ws"
    home.mkdir()
    if store == "garbage":
        (home / "store.sqlite").write_bytes(os.urandom(8192))
    else:
        (home / "store.sqlite").mkdir()
    for name, args in commands(tmp_path).items():
        result = invoke(home, args)
        if name not in ("config", "releases", "verify", "diff"):  # these never open the store
            assert result.exit_code == 1, (name, result.output)
            assert message in result.stderr, (name, result.stderr)


def test_a_read_only_workspace_serves_reads_and_refuses_writes(tmp_path, locked_down):
    home = tmp_path / "ws"
    listed = commands(tmp_path)
    assert invoke(home, listed["ingest"]).exit_code == 0
    assert invoke(home, ["dedup"]).exit_code == 0
    locked_down(home / "store.sqlite", home)
    for name, args in listed.items():
        result = invoke(home, args)
        if name in READING:
            assert result.exit_code == 0, (name, result.output)
        else:
            assert result.exit_code == 1, (name, result.output)
    assert "https://news.example.cn/1.html" in invoke(home, listed["export documents"]).output
    assert "cannot write to the workspace" in invoke(home, ["dedup"]).stderr


def test_bad_settings_are_usage_errors_before_any_work(tmp_path):
    home = tmp_path / "ws"
    invoke(home, ["init"])
    cases = [
        (["crawl", "--start-url", "http://127.0.0.1:9/", "--set", "DOWNLOAD_DELAY=abc"], None,
         "setting DOWNLOAD_DELAY must be a number, got 'abc' (--set)"),
        (["crawl", "--start-url", "http://127.0.0.1:9/"], {"NEWSCORPUS_DEPTH_LIMIT": "abc"},
         "setting NEWSCORPUS_DEPTH_LIMIT must be a whole number, got 'abc' (env NEWSCORPUS_DEPTH_LIMIT)"),
        (["dedup", "--set", "DEDUP_THRESHOLD=1.5"], None, "DEDUP_THRESHOLD must be in (0, 1], got 1.5"),
        (["extract", "--set", "CLEANERS_FALLBACK=sometimes"], None, "CLEANERS_FALLBACK must be one of when-short"),
        (["report", "--set", "REPORT_PAGE_SIZE=-3"], None, "setting REPORT_PAGE_SIZE must be a positive integer"),
        (["release", "--set", "RELEASE_COMPRESSION_LEVEL=99"], None, "zstd level from 1 to 22, got 99"),
        (["run", "--start-url", "http://127.0.0.1:9/", "--set", "HEALTH_MAX_FETCH_ERRORS=2"], None,
         "HEALTH_MAX_FETCH_ERRORS must be a share between 0 and 1"),
        (["crawl", "--start-url", "http://127.0.0.1:9/", "--set", "CONCURRENT_REQUESTS=0"], None,
         "setting CONCURRENT_REQUESTS must be a number above 0"),
        (["dedup", "--set", "DEDUP_THRESHOLD"], None, "--set 'DEDUP_THRESHOLD' is not NAME=VALUE"),
        (["dedup", "--set", "DEDUP_TRESHOLD=0.5"], None, "unknown setting 'DEDUP_TRESHOLD' (--set)"),
    ]
    for args, env, message in cases:
        result = invoke(home, args, env=env)
        assert result.exit_code == 2, (args, result.output)
        assert message in result.stderr, (args, result.stderr)
    (home / "newscorpus.toml").write_text("[dedup]\nDEDUP_NUM_PERM = 'many'\n", encoding="utf-8")
    result = invoke(home, ["dedup"])
    assert result.exit_code == 2 and "DEDUP_NUM_PERM must be a whole number, got 'many' (newscorpus.toml)" in result.stderr
    (home / "newscorpus.toml").write_text("DEDUP_NUM_PERM = [", encoding="utf-8")
    assert "cannot read the settings file" in invoke(home, ["config"]).stderr
    # Nothing ran: the only run recorded is the init.
    (home / "newscorpus.toml").unlink()
    runs = invoke(home, ["status", "--json"]).output
    assert '"stage": "dedup"' not in runs and '"stage": "crawl"' not in runs


def test_missing_and_unreadable_inputs(tmp_path):
    home = tmp_path / "ws"
    invoke(home, ["init"])
    cases = [
        (["ingest", str(tmp_path / "missing.jsonl")], "cannot read"),
        (["ingest", str(tmp_path)], "is a directory"),
        (["crawl", "--site", str(tmp_path / "missing.yaml")], "missing.yaml"),
        (["clean", str(tmp_path / "missing.html")], "could not be read"),
        (["verify", "v9"], "v9"),
        (["report", "--since", "v9"], "v9"),
        (["takedown", "https://x.cn/1", "--reason", " "], "reason"),
        (["crawl"], "nothing to crawl"),
    ]
    for args, message in cases:
        result = invoke(home, args)
        assert result.exit_code in (1, 2), (args, result.output)
        assert message in result.stderr, (args, result.stderr)


def test_the_empty_report_has_one_clusters_heading(tmp_path):
    home = tmp_path / "ws"
    invoke(home, ["init"])
    assert invoke(home, ["report"]).exit_code == 0
    page = (home / "reports" / "latest.html").read_text("utf-8")
    assert page.count(">Clusters</h2>") == 1 and "No clusters yet" in page
