"""Release time and size for a corpus of 100,000 documents built from real THUCNews texts.

A synthetic store is written with SQL: N documents whose texts are the 1,000 real THUCNews
articles of ../shared/realdata/thucnews-sample, each copy with its sentences rotated so that no
two documents are identical; every tenth document is a near copy of the one before it (a
cluster of two), the rest are singletons. Then, in the same run:

- baseline: reading every released column of the store once (the floor a release cannot beat);
- ``make_release`` twice on the same state (the second proves the data checksums repeat);
- ``verify_release`` (recomputes every sha256).

Usage:
    python benchmarks/release.py [--documents 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
THUCNEWS = REPO.parent / "shared" / "realdata" / "thucnews-sample" / "data" / "cnews" / "cnews.val.txt"

import pyarrow as pa  # noqa: E402

from corpus.release import ReleaseSettings, make_release, verify_release  # noqa: E402
from corpus.release.tables import write_table  # noqa: E402
from corpus.clusters import RELEASE_MEMBERS_SQL as MEMBERS_SQL  # noqa: E402
from corpus.store import utc_now  # noqa: E402
from corpus.workspace import Workspace  # noqa: E402

OUTLETS = [("wire", "zh-Hans"), ("morning", "zh-Hans"), ("hk", "zh-Hant"), ("agg", "zh-Hans")]


def real_texts() -> list[str]:
    texts = []
    for line in THUCNEWS.read_text("utf-8").splitlines():
        text = line.split("\t", 1)[1]
        texts.append(text.replace("。", "。\n").strip())
    return texts


def variant(text: str, n: int) -> str:
    sentences = text.split("\n")
    shift = n % max(1, len(sentences))
    return "\n".join(sentences[shift:] + sentences[:shift])


def build_store(ws: Workspace, documents: int) -> tuple[int, float]:
    """Write ``documents`` rows and their clusters; return (text bytes, seconds)."""
    texts = real_texts()
    started, text_bytes = time.perf_counter(), 0
    now = utc_now()
    with ws.open_store() as store, store.transaction() as db:
        for i in range(documents):
            outlet, script = OUTLETS[i % len(OUTLETS)]
            duplicate = i % 10 == 9
            text = variant(texts[(i - 1 if duplicate else i) % len(texts)], (i - 1 if duplicate else i) // len(texts))
            if duplicate:
                text += "\n（转载）"
            text_bytes += len(text.encode("utf-8"))
            db.execute(
                """INSERT INTO documents (id, url, outlet, title, text, published, lang, script, cleaner_version,
                                          text_hash, source, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, 'zh', ?, 'bench-1', ?, 'ingest', ?, ?)""",
                (i + 1, f"https://{outlet}.example.cn/{i}.html", outlet, text[:20], text,
                 f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T08:00:00+08:00", script,
                 hashlib.sha1(text.encode()).hexdigest(), now, now))
            cluster = f"c{(i - 1 if duplicate else i):07d}"
            if not duplicate:
                db.execute("INSERT INTO clusters VALUES (?, ?, 'earliest published', 1, ?, ?)", (cluster, i + 1, now, now))
            db.execute("INSERT INTO cluster_members VALUES (?, ?, ?, ?)",
                       (i + 1, cluster, 0.93 if duplicate else 1.0, "near" if duplicate else "canonical"))
    return text_bytes, time.perf_counter() - started


def unique_text_ratio(work: Path) -> float:
    """Compressed/UTF-8 size of the 1,000 distinct real texts alone, with the release's writer settings.

    The synthetic corpus repeats each text about N/1,000 times, which flatters compression; this
    is the honest ratio for text that never repeats.
    """
    texts = real_texts()
    rows = [{"id": str(i), "text": text} for i, text in enumerate(texts)]
    path = work / "unique.parquet"
    write_table(rows, pa.schema([("id", pa.string()), ("text", pa.string())]), path, ReleaseSettings())
    return path.stat().st_size / sum(len(text.encode("utf-8")) for text in texts)


def read_baseline(ws: Workspace) -> float:
    started = time.perf_counter()
    with ws.open_store() as store:
        for _ in store.execute(MEMBERS_SQL):
            pass
    return time.perf_counter() - started


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="build the workspace here and keep it")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="newscorpus-release-bench-"))
    ws = Workspace(home).ensure()
    try:
        text_bytes, build_s = build_store(ws, args.documents)
        print(f"store: {args.documents:,} documents, {text_bytes / 1e6:,.1f} MB of text (UTF-8), "
              f"built in {build_s:.1f} s; store file {ws.db_path.stat().st_size / 1e6:,.1f} MB")
        baseline_s = read_baseline(ws)
        first, first_s = timed(make_release, ws, version="bench-a")
        second, second_s = timed(make_release, ws, version="bench-b")
        (checked, problems), verify_s = timed(verify_release, ws.releases_dir, "bench-a")
        manifest_a = json.loads((first / "manifest.json").read_text("utf-8"))
        manifest_b = json.loads((second / "manifest.json").read_text("utf-8"))
        files = manifest_a["files"]
        size = sum(entry["bytes"] for entry in files.values())
        data = sum(entry["bytes"] for name, entry in files.items() if name.startswith("data/"))
        same = all(manifest_b["files"][name]["sha256"] == entry["sha256"]
                   for name, entry in files.items() if name.startswith("data/") or name == "clusters.parquet")
        print(f"baseline: read the store once: {baseline_s:.2f} s")
        print(f"release:  {manifest_a['counts']['documents']:,} stories, {manifest_a['counts']['duplicates']:,} "
              f"duplicates in {first_s:.2f} s ({first_s / baseline_s:.1f}x the read baseline, "
              f"{args.documents / first_s:,.0f} documents/s); second release {second_s:.2f} s")
        print(f"size:     {size / 1e6:,.1f} MB in {len(files)} files (data {data / 1e6:,.1f} MB in "
              f"{sum(1 for n in files if n.startswith('data/'))} shard(s)); text compressed to "
              f"{data / text_bytes:.1%} of its UTF-8 size (distinct texts alone: {unique_text_ratio(home):.1%})")
        print(f"verify:   {checked} files in {verify_s:.2f} s, problems: {len(problems)}; "
              f"data checksums identical across the two releases: {same}")
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
