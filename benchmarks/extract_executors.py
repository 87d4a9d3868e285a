"""Extract on local worker processes vs Ray tasks at the same CPU count, and import-warc throughput.

One crawl of the enlarged demo site (through the CLI) gives the WARC files. Then, in this run:

- import-warc of those files into a fresh store (our files: metadata records carry everything), and
  of the same records rewritten without metadata records (another tool's file: kind and encoding
  sniffed from the bytes), each against the baseline of warcio reading every record of the same
  files and nothing else;
- ``run_extract`` on copies of the crawled workspace, alternating the local executor (a pool of
  ``--cpus`` processes) and Ray (``ray.init(num_cpus=--cpus)``, started before timing; its start-up
  is printed apart; its first run, which starts the workers, is printed apart too). Target: Ray
  ≥ 0.9× the local executor's pages/s (the engine must not cost throughput). Best of ``--rounds``.

Usage:
    python benchmarks/extract_executors.py [--scale 8] [--cpus 2] [--rounds 2]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from warcio.archiveiterator import ArchiveIterator  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from corpus.executors import ExecutorSettings  # noqa: E402
from corpus.extract import run_extract  # noqa: E402
from corpus.store import Store  # noqa: E402
from corpus.warcimport import import_warcs  # noqa: E402
from corpus.workspace import Workspace  # noqa: E402


def crawl_demo(folder: Path, scale: int) -> Workspace:
    import yaml

    from corpus.demo import demo_site_configs
    from crawler.demosite import DemoSite

    home = folder / "crawled"
    with DemoSite(scale=scale, port=0) as site:
        args = []
        for config in demo_site_configs(site.url):
            config.update(backfill=None, politeness={"delay": 0, "concurrency": 16, "autothrottle": False})
            path = folder / f"{config['name']}.yaml"
            path.write_text(yaml.safe_dump(config, allow_unicode=True), "utf-8")
            args += ["--site", str(path)]
        subprocess.run([sys.executable, "-m", "corpus.cli", "--home", str(home), "crawl", *args,
                        "--set", "NEWSCORPUS_PROGRESS=off"], cwd=REPO, check=True, capture_output=True)
    return Workspace(home)


def bare_read(files: list[Path]) -> tuple[float, int]:
    """The baseline: warcio reads every record of the files, bodies included."""
    clock = time.perf_counter()
    records = 0
    for path in files:
        with open(path, "rb") as stream:
            for record in ArchiveIterator(stream):
                record.content_stream().read()
                records += 1
    return time.perf_counter() - clock, records


def without_metadata(files: list[Path], folder: Path) -> list[Path]:
    """The same records with our metadata records left out: what another tool would have written."""
    folder.mkdir()
    out = []
    for path in files:
        target = folder / path.name
        with open(path, "rb") as source, open(target, "wb") as sink:
            writer = WARCWriter(sink, gzip=True)
            for record in ArchiveIterator(source):
                if record.rec_type != "metadata":
                    writer.write_record(record)
        out.append(target)
    return out


def time_import(files: list[Path], folder: Path) -> tuple[float, dict]:
    folder.mkdir()
    store = Store.open(folder / "store.sqlite")
    clock = time.perf_counter()
    summary = import_warcs(store, files, folder / "warc")
    seconds = time.perf_counter() - clock
    store.close()
    return seconds, summary


def time_extract(crawled: Workspace, folder: Path, cpus: int, executor: ExecutorSettings) -> tuple[float, int]:
    home = folder / f"extract-{executor.executor}-{time.monotonic_ns()}"
    shutil.copytree(crawled.home, home)
    summary = run_extract(Workspace(home), workers=cpus, executor=executor)
    shutil.rmtree(home)
    return summary["seconds"], summary["fetches"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=8, help="demo site scale (1 is ~130 articles)")
    parser.add_argument("--cpus", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-executors-") as tmp:
        folder = Path(tmp)
        clock = time.perf_counter()
        crawled = crawl_demo(folder, args.scale)
        files = sorted(crawled.warc_dir.glob("*.warc.gz"))
        megabytes = sum(path.stat().st_size for path in files) / 1e6
        print(f"demo site scale {args.scale}: {megabytes:.1f} MB of WARC in {len(files)} file(s), "
              f"crawled in {time.perf_counter() - clock:.1f}s")

        foreign = without_metadata(files, folder / "foreign")
        for label, chosen in (("our files (metadata records)", files), ("another tool's (sniffed)", foreign)):
            base_seconds, records = bare_read(chosen)
            seconds, summary = time_import(chosen, folder / f"import-{len(label)}")
            print(f"import-warc, {label}: {summary['fetches']} fetches in {seconds:.2f}s = "
                  f"{summary['fetches'] / seconds:.0f} fetches/s, {megabytes / seconds:.1f} MB/s; "
                  f"baseline warcio read of {records} records {base_seconds:.2f}s "
                  f"({base_seconds / seconds:.2f}x of bare reading speed)")

        import ray

        clock = time.perf_counter()
        ray.init(num_cpus=args.cpus, include_dashboard=False, logging_level="WARNING", log_to_driver=False)
        print(f"ray.init(num_cpus={args.cpus}): {time.perf_counter() - clock:.1f}s (once per run, not timed below)")
        # The first Ray run pays for its workers' start (importing the cleaners); later runs of the
        # same driver reuse them, as the tasks of one long run do.
        cold, pages = time_extract(crawled, folder, args.cpus, ExecutorSettings("ray"))
        times: dict[str, list[float]] = {"local": [], "ray": []}
        for _ in range(args.rounds):
            for name in ("local", "ray"):
                seconds, pages = time_extract(crawled, folder, args.cpus, ExecutorSettings(name))
                times[name].append(seconds)
        ray.shutdown()
        local, warm = min(times["local"]), min(times["ray"])
        print(f"extract, local executor ({args.cpus} processes): {pages} pages in {local:.2f}s = "
              f"{pages / local:.1f} pages/s (baseline; rounds {', '.join(f'{t:.2f}' for t in times['local'])}s)")
        print(f"extract, ray executor ({args.cpus} CPUs), workers warm: {pages} pages in {warm:.2f}s = "
              f"{pages / warm:.1f} pages/s = {local / warm:.2f}x local (target >= 0.9x; rounds "
              f"{', '.join(f'{t:.2f}' for t in times['ray'])}s)")
        print(f"extract, ray executor ({args.cpus} CPUs), first run (workers start): {cold:.2f}s = "
              f"{pages / cold:.1f} pages/s = {local / cold:.2f}x local")


if __name__ == "__main__":
    main()
