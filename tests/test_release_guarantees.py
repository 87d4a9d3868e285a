"""The promises of a release: immutable, atomic under SIGKILL, reproducible, verifiable, safe names."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone

import pytest

from conftest import ROOT, run_cli
from release_support import data_checksums, put_document, real_texts, set_clusters, singleton_corpus


@pytest.fixture
def corpus_ws(workspace):
    """Ten singleton stories and one pair of duplicates."""
    texts = real_texts()
    for i in range(10):
        put_document(workspace, f"https://wire.example.cn/{i}.html", texts[i])
    put_document(workspace, "https://agg.example.com/0.html", texts[0], outlet="agg")
    clusters = {f"s-{i:02d}": [f"https://wire.example.cn/{i}.html"] for i in range(10)}
    clusters["s-00"].append("https://agg.example.com/0.html")
    set_clusters(workspace, clusters)
    return workspace


def test_same_state_twice_gives_identical_data_files(corpus_ws):
    run_cli("release", "--version", "a", "--shard-size", "3KB", home=corpus_ws)
    run_cli("release", "--version", "b", "--shard-size", "3KB", home=corpus_ws)
    first = data_checksums(corpus_ws.releases_dir / "a")
    second = data_checksums(corpus_ws.releases_dir / "b")
    assert len(first) > 2 and first == second
    assert "0 added, 0 updated, 0 removed, 0 merged, 0 taken down" in run_cli("diff", "a", "b", home=corpus_ws).stdout


def test_default_versions_are_dated_and_suffixed(corpus_ws):
    days = {datetime.now(timezone.utc).strftime("%Y.%m.%d")}
    run_cli("release", home=corpus_ws)
    run_cli("release", home=corpus_ws)
    days.add(datetime.now(timezone.utc).strftime("%Y.%m.%d"))
    names = sorted(path.name for path in corpus_ws.releases_dir.iterdir() if not path.name.startswith("."))
    assert names[0] in days and names == [names[0], f"{names[0]}.1"]


@pytest.mark.parametrize("bad", ["../escape", "a/b", ".hidden", "v1..2", "", "x" * 101, "na me"])
def test_bad_version_names_are_refused(corpus_ws, bad):
    result = run_cli("release", "--version", bad, home=corpus_ws, check=False)
    assert result.returncode != 0
    assert "invalid release version" in result.stderr
    assert list(corpus_ws.releases_dir.iterdir()) == []
    assert not (corpus_ws.home / "escape").exists()


def test_bad_shard_size_is_refused(corpus_ws):
    result = run_cli("release", "--shard-size", "12XB", home=corpus_ws, check=False)
    assert result.returncode != 0 and "cannot read the size '12XB'" in result.stderr


def test_existing_version_is_never_overwritten(corpus_ws):
    run_cli("release", "--version", "v1", home=corpus_ws)
    before = data_checksums(corpus_ws.releases_dir / "v1")
    put_document(corpus_ws, "https://wire.example.cn/0.html", "改过的文本\n第二段")
    result = run_cli("release", "--version", "v1", home=corpus_ws, check=False)
    assert result.returncode != 0 and "already exists" in result.stderr
    assert data_checksums(corpus_ws.releases_dir / "v1") == before


def test_verify_names_a_flipped_byte_and_missing_or_extra_files(corpus_ws):
    run_cli("release", "--version", "v1", "--shard-size", "3KB", home=corpus_ws)
    release = corpus_ws.releases_dir / "v1"
    assert "ok: release v1" in run_cli("verify", "v1", home=corpus_ws).stdout

    shard = sorted((release / "data").glob("*.parquet"))[1]
    shard.chmod(0o644)
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x01
    shard.write_bytes(bytes(data))
    result = run_cli("verify", "v1", home=corpus_ws, check=False)
    assert result.returncode == 1
    assert f"data/{shard.name}: sha256 mismatch" in result.stderr

    (release / "CHANGES.md").unlink()
    (release / "notes.txt").write_text("added later")
    result = run_cli("verify", "v1", home=corpus_ws, check=False)
    assert "CHANGES.md: missing" in result.stderr
    assert "notes.txt: extra" in result.stderr


# The real CLI, with the shard writer slowed from outside the product so a test can act half-way.
_SLOW_SHARDS = """
import sys, time
from corpus.release import shards
flush = shards.ShardWriter._flush
shards.ShardWriter._flush = lambda self: (flush(self), time.sleep(30))
from corpus.cli import main
sys.argv[0] = "newscorpus"
main()
"""


def _paused_release(ws, version):
    """Start a release that sleeps after each shard; return once its first shard is on disk."""
    command = [sys.executable, "-c", _SLOW_SHARDS, "--home", str(ws.home), "release", "--version", version,
               "--shard-size", "1KB"]
    env = dict(os.environ)
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(ws.releases_dir.glob(f".tmp-{version}-*/data/*.parquet")):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError("the paused release never wrote a shard")
        time.sleep(0.05)
    return process


def test_sigkill_during_release_leaves_no_partial_release(corpus_ws):
    process = _paused_release(corpus_ws, "v1")
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (corpus_ws.releases_dir / "v1").exists()
    assert "No releases yet" in run_cli("releases", home=corpus_ws).stdout

    run_cli("release", "--version", "v1", "--shard-size", "1KB", home=corpus_ws)
    assert [p.name for p in corpus_ws.releases_dir.iterdir() if p.name.startswith(".tmp-")] == []
    assert "ok: release v1" in run_cli("verify", "v1", home=corpus_ws).stdout


def test_release_refuses_documents_not_deduplicated(corpus_ws):
    put_document(corpus_ws, "https://wire.example.cn/new.html", "新的文章\n还没有去重")
    result = run_cli("release", home=corpus_ws, check=False)
    assert result.returncode != 0
    assert "run `newscorpus dedup` first" in result.stderr
    assert [p.name for p in corpus_ws.releases_dir.iterdir()] == [".lock"]  # nothing else left behind


def test_sigkill_at_random_moments_leaves_all_or_nothing(workspace):
    singleton_corpus(workspace, 1500)
    started = time.monotonic()
    run_cli("release", "--version", "probe", "--shard-size", "64KB", home=workspace)
    duration = time.monotonic() - started
    rng = random.Random(7)
    command = [sys.executable, "-m", "corpus.cli", "--home", str(workspace.home), "release", "--shard-size", "64KB"]
    for attempt in range(6):
        process = subprocess.Popen(command + ["--version", f"k{attempt}"], cwd=ROOT,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.2, 1.6) * duration)  # some kills land mid-build, some after
        process.send_signal(signal.SIGKILL)
        process.wait()
        if (workspace.releases_dir / f"k{attempt}").exists():  # finished before the kill: must be whole
            assert "ok:" in run_cli("verify", f"k{attempt}", home=workspace).stdout
    run_cli("release", "--version", "after", "--shard-size", "64KB", home=workspace)
    assert [p.name for p in workspace.releases_dir.iterdir() if p.name.startswith(".tmp-")] == []
    assert data_checksums(workspace.releases_dir / "after") == data_checksums(workspace.releases_dir / "probe")


def test_a_concurrent_release_is_refused(corpus_ws):
    process = _paused_release(corpus_ws, "v1")
    try:
        result = run_cli("release", "--version", "v2", home=corpus_ws, check=False)
        assert result.returncode == 75 and "another newscorpus run" in result.stderr
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait()
    assert not (corpus_ws.releases_dir / "v2").exists()


def test_an_empty_store_is_not_released(tmp_path):
    run_cli("init", home=tmp_path / "ws")
    result = run_cli("release", home=tmp_path / "ws", check=False)
    assert result.returncode == 1
    assert "no documents yet" in result.stderr
    assert not [path for path in (tmp_path / "ws" / "releases").iterdir() if not path.name.startswith(".")]
