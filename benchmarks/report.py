"""Report build time, page size and responsiveness in headless Chromium with 10,000 clusters.

A synthetic store is written with SQL from the 1,000 real THUCNews articles of
../shared/realdata/thucnews-sample: N clusters whose sizes follow a long tail (most singletons,
a few dozen-member clusters), every duplicate a near copy of its canonical (a sentence dropped, a
footer added; sentences are made unique to their cluster), the Hong Kong outlet's copies converted to Traditional (so cross-script clusters
exist). Then, in the same run:

- baseline: reading every cluster member row once (the floor a report cannot beat);
- ``write_report`` (store -> report.html + clusters.csv + report.json);
- the alternative we did not take: diffing every duplicate server-side with difflib, measured on a
  sample and projected to all duplicates;
- Chromium (if installed): page load until the first clusters are drawn, a search over all
  clusters, opening the biggest clusters (character diff computed in the page).

Usage:
    python benchmarks/report.py [--clusters 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

import opencc

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))
THUCNEWS = REPO.parent / "shared" / "realdata" / "thucnews-sample" / "data" / "cnews" / "cnews.val.txt"

from corpus.report import ReportSettings, write_report  # noqa: E402
from corpus.clusters import REPORT_MEMBERS_SQL as MEMBERS_SQL  # noqa: E402
from corpus.report.copies import copy_matrix  # noqa: E402
from corpus.store import utc_now  # noqa: E402
from corpus.workspace import Workspace  # noqa: E402
from report_support import CHROMIUM, Chromium  # noqa: E402

OUTLETS = [("wire", "zh-Hans"), ("morning", "zh-Hans"), ("hk", "zh-Hant"), ("agg", "zh-Hans")]


def real_texts() -> list[str]:
    return [line.split("\t", 1)[1].replace("。", "。\n").strip() for line in THUCNEWS.read_text("utf-8").splitlines()]


def cluster_size(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.6:
        return 1
    if roll < 0.9:
        return rng.randint(2, 3)
    if roll < 0.99:
        return rng.randint(4, 10)
    return rng.randint(11, 40)


def near_copy(text: str, rng: random.Random) -> str:
    sentences = text.split("\n")
    if len(sentences) > 2:
        del sentences[rng.randrange(len(sentences))]
    return "\n".join(sentences) + "\n（来源：本报综合）"


def build_store(ws: Workspace, clusters: int) -> tuple[int, float]:
    """Write the clusters and their documents; return (documents, seconds)."""
    rng, texts, to_hk = random.Random(7), real_texts(), opencc.OpenCC("s2hk")
    started, doc_id, now = time.perf_counter(), 0, utc_now()
    with ws.open_store() as store, store.transaction() as db:
        for c in range(clusters):
            # Every sentence made unique to its cluster: real stories share no paragraphs across clusters.
            base = "\n".join(f"{sentence}〔{c}〕" for sentence in texts[c % len(texts)].split("\n"))
            members = []
            for m in range(cluster_size(rng)):
                doc_id += 1
                outlet, script = OUTLETS[(c + m) % len(OUTLETS)]
                text = base if m == 0 else near_copy(base, rng)
                if script == "zh-Hant":
                    text = to_hk.convert(text)
                db.execute(
                    "INSERT INTO documents (id, url, outlet, title, text, published, lang, script, cleaner_version, "
                    "text_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'zh', ?, 'bench', ?, ?, ?)",
                    (doc_id, f"https://{outlet}.example.cn/{c}/{m}.html", outlet, text[:24], text,
                     f"2025-{1 + c % 12:02d}-{1 + (c + m) % 28:02d}T08:00:00+08:00", script,
                     hashlib.sha1(text.encode()).hexdigest(), now, now))
                members.append((doc_id, 1.0 if m == 0 else round(rng.uniform(0.8, 0.99), 3), "canonical" if m == 0 else "near"))
            db.execute("INSERT INTO clusters VALUES (?, ?, 'earliest published', ?, ?, ?)",
                       (f"c{c:06d}", members[0][0], len(members), now, now))
            db.executemany("INSERT INTO cluster_members VALUES (?, ?, ?, ?)",
                           [(d, f"c{c:06d}", s, method) for d, s, method in members])
    return doc_id, time.perf_counter() - started


def timed(function, *args, **kwargs):
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - started


def read_baseline(ws: Workspace) -> float:
    with ws.open_store() as store:
        _, seconds = timed(lambda: store.execute(MEMBERS_SQL).fetchall())
    return seconds


def server_side_diffs(ws: Workspace, settings: ReportSettings, sample: int = 300) -> tuple[int, float]:
    """(duplicates, projected seconds) to precompute every duplicate's diff with difflib on characters."""
    with ws.open_store() as store:
        pairs = store.execute(
            "SELECT substr(a.text, 1, ?), substr(b.text, 1, ?) FROM cluster_members m JOIN clusters c ON c.id = m.cluster_id "
            "JOIN documents a ON a.id = c.canonical_doc_id JOIN documents b ON b.id = m.doc_id "
            "WHERE m.doc_id != c.canonical_doc_id", (settings.text_max_chars, settings.text_max_chars)).fetchall()
    chosen = random.Random(3).sample(pairs, min(sample, len(pairs)))
    _, seconds = timed(lambda: [difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes() for a, b in chosen])
    return len(pairs), seconds / max(len(chosen), 1) * len(pairs)


def embedded_text_sizes(page: Path) -> tuple[int, int]:
    """UTF-8 bytes of the page's texts as embedded (paragraphs once) and as they would be (each text whole)."""
    data = json.loads(page.read_text("utf-8").split('id="report-data">', 1)[1].split("</script>", 1)[0])
    paragraphs = data["paragraphs"]
    interned = sum(len(p.encode()) for p in paragraphs)
    whole = sum(len("\n".join(paragraphs[n] for n in numbers).encode())
                for entry in data["texts"].values() for key, numbers in entry.items() if key in ("t", "s"))
    return interned, whole


def browser_timings(page: Path) -> dict:
    timings = {}
    with Chromium(timeout=120) as browser:
        started = time.perf_counter()
        browser.open(page.as_uri())
        browser.wait_for("document.querySelectorAll('.cluster').length > 0", timeout=120)
        timings["load and draw the first page of clusters"] = time.perf_counter() - started
        before = browser.evaluate("document.getElementById('count').textContent")
        started = time.perf_counter()
        browser.type("#f-q", "湖人")
        browser.wait_for(f"document.getElementById('count').textContent !== {json.dumps(before)}", timeout=60)
        timings["search all clusters (incl. 120 ms typing debounce)"] = time.perf_counter() - started
        browser.evaluate("document.getElementById('f-q').value = ''; "
                         "document.getElementById('f-q').dispatchEvent(new Event('input'))")
        browser.wait_for(f"document.getElementById('count').textContent === {json.dumps(before)}", timeout=60)
        started = time.perf_counter()
        for index in range(1, 6):
            browser.click(f".cluster:nth-child({index}) .cluster-head")
            browser.wait_for(f"!!document.querySelector('.cluster:nth-child({index}) .diff')", timeout=60)
        timings["open the 5 biggest clusters, each with its first diff (mean)"] = (time.perf_counter() - started) / 5
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clusters", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, default=None, help="build the workspace here and keep it")
    args = parser.parse_args()
    home = args.keep or Path(tempfile.mkdtemp(prefix="newscorpus-report-bench-"))
    ws = Workspace(home).ensure()
    settings = ReportSettings()
    try:
        documents, build_s = build_store(ws, args.clusters)
        print(f"store: {args.clusters:,} clusters, {documents:,} documents, built in {build_s:.1f} s")
        baseline_s = read_baseline(ws)
        result, report_s = timed(write_report, ws, out=home / "report", settings=settings)
        sizes = {p.name: p.stat().st_size for p in result.path.iterdir()}
        print(f"baseline: read every cluster member row once: {baseline_s:.2f} s")
        print(f"report:   written in {report_s:.2f} s ({report_s / baseline_s:.1f}x the read baseline); "
              + ", ".join(f"{name} {size / 1e6:.1f} MB" for name, size in sorted(sizes.items())))
        write_report(ws, out=ws.reports_dir / "a", settings=settings)
        _, again_s = timed(write_report, ws, out=ws.reports_dir / "b", settings=settings)
        print(f"report:   in reports/ after another (latest.html, index.html, what changed since the previous): "
              f"{again_s:.2f} s ({again_s / report_s:.2f}x the first)")
        clusters = json.loads((result.path / "report.json").read_text("utf-8"))["clusters"]
        _, copies_s = timed(copy_matrix, clusters)
        print(f"report:   of which who-copies-whom over {len(clusters):,} clusters: {copies_s:.2f} s")
        interned, whole = embedded_text_sizes(result.path / "report.html")
        print(f"page text: {interned / 1e6:.1f} MB as shared paragraphs vs {whole / 1e6:.1f} MB as whole texts "
              f"({whole / interned:.1f}x)")
        duplicates, difflib_s = server_side_diffs(ws, settings)
        print(f"not taken: difflib on characters for all {duplicates:,} duplicates would add ~{difflib_s:.0f} s "
              f"({difflib_s / report_s:.1f}x the whole report) and their opcodes to the page; the page diffs on demand")
        if CHROMIUM is None:
            print("chromium: not installed, page timings skipped")
            return
        for name, seconds in browser_timings(result.path / "report.html").items():
            print(f"chromium: {name}: {seconds * 1000:,.0f} ms")
    finally:
        if args.keep is None:
            shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
