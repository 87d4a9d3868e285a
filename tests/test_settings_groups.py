"""Settings that were read on the side now live in the one settings system (newscorpus.toml <
NEWSCORPUS_* < --set): shown by `config` with their source, validated before work starts, obeyed.

Release settings were also read from the environment by the release writer; the report's clean-up
age of half-written report folders was a constant nobody could set."""

from __future__ import annotations

import json
import os
import time

import pyarrow.parquet as pq
import pytest

from conftest import run_cli
from release_support import real_texts


@pytest.fixture(scope="module")
def deduplicated(tmp_path_factory):
    """A workspace with 16 real, distinct documents, deduplicated."""
    home = tmp_path_factory.mktemp("settings") / "ws"
    lines = [json.dumps({"url": f"https://wire.example/{n}.html", "text": text, "title": f"第{n}条",
                         "source": "wire"}, ensure_ascii=False) for n, text in enumerate(real_texts())]
    run_cli("ingest", "-", home=home, input="\n".join(lines) + "\n")
    run_cli("dedup", home=home)
    return home


def _data_file(home, version: str):
    return pq.ParquetFile(next((home / "releases" / version / "data").glob("*.parquet")))


def test_release_settings_from_the_workspace_file_are_shown_and_obeyed(deduplicated):
    home = deduplicated
    (home / "newscorpus.toml").write_text(
        '[release]\nRELEASE_COMPRESSION = "gzip"\nRELEASE_COMPRESSION_LEVEL = 9\nRELEASE_ROW_GROUP_ROWS = 5\n', "utf-8")
    shown = json.loads(run_cli("config", "--component", "release", "--format", "json", home=home).stdout)
    assert {name: (s["value"], s["source"]) for name, s in shown.items()} == {
        "RELEASE_COMPRESSION": ("gzip", "newscorpus.toml"), "RELEASE_COMPRESSION_LEVEL": (9, "newscorpus.toml"),
        "RELEASE_ROW_GROUP_ROWS": (5, "newscorpus.toml"), "RELEASE_SHARD_SIZE": (256 * 1024**2, "default")}
    run_cli("release", "--version", "v1", home=home)
    data = _data_file(home, "v1")
    assert data.metadata.num_rows == 16 and data.metadata.num_row_groups == 4
    assert data.metadata.row_group(0).column(0).compression == "GZIP"
    # The environment over the file: a codec without levels (the file's level 9 does not apply to it).
    environment = {"NEWSCORPUS_RELEASE_COMPRESSION": "snappy"}
    text = run_cli("config", "--component", "release", home=home, env=environment).stdout
    assert any(line.split()[1] == "RELEASE_COMPRESSION" and line.endswith("# env NEWSCORPUS_RELEASE_COMPRESSION")
               for line in text.splitlines()[1:])
    run_cli("release", "--version", "v2", home=home, env=environment)
    assert _data_file(home, "v2").metadata.row_group(0).column(0).compression == "SNAPPY"


@pytest.mark.parametrize("toml, environment, overrides, message", [
    ('[release]\nRELEASE_COMPRESSION_LEVEL = 99\n', {}, [],
     "setting RELEASE_COMPRESSION_LEVEL must be a zstd level from 1 to 22, got 99 "
     "(RELEASE_COMPRESSION_LEVEL from newscorpus.toml)"),
    ("", {"NEWSCORPUS_RELEASE_COMPRESSION": "lzma"}, [],
     "setting RELEASE_COMPRESSION must be one of zstd, gzip, brotli, snappy, none, got 'lzma'"),
    ("", {"NEWSCORPUS_RELEASE_SHARD_SIZE": "12XB"}, [],
     "setting RELEASE_SHARD_SIZE: cannot read the size '12XB': write a number with B, KB, MB or GB"),
    ("", {}, ["--shard-size", "0"], "setting RELEASE_SHARD_SIZE must be at least 1 byte, got 0"),
])
def test_a_bad_release_setting_is_one_line_and_exit_2_before_any_work(workspace, toml, environment, overrides,
                                                                       message):
    home = workspace.home
    (home / "newscorpus.toml").write_text(toml, "utf-8")
    result = run_cli("release", *overrides, home=home, env=environment, check=False)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("Error: ") and message in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (home / "releases").exists() or not any((home / "releases").iterdir())


def test_the_report_clean_up_age_is_a_setting_from_the_workspace_file(workspace):
    home = workspace.home
    (home / "newscorpus.toml").write_text("[report]\nREPORT_STALE_TEMP_SECONDS = 60\n", "utf-8")
    shown = json.loads(run_cli("config", "--component", "report", "--format", "json", home=home).stdout)
    assert (shown["REPORT_STALE_TEMP_SECONDS"]["value"], shown["REPORT_STALE_TEMP_SECONDS"]["source"]) == \
        (60, "newscorpus.toml")
    # What a killed report left two minutes ago: older than 60 s, younger than the default hour.
    left = home / "reports" / ".tmp-20250101T000000Z-killed"
    left.mkdir(parents=True)
    os.utime(left, (time.time() - 120, time.time() - 120))
    bad = run_cli("report", "--set", "REPORT_STALE_TEMP_SECONDS=0", home=home, check=False)
    assert bad.returncode == 2 and bad.stderr.strip() == ("Error: setting REPORT_STALE_TEMP_SECONDS must be a positive "
                                                          "integer, got 0 (REPORT_STALE_TEMP_SECONDS from --set)")
    assert left.exists()
    run_cli("report", home=home)
    assert not left.exists()
