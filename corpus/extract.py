"""The extract stage: WARC responses the crawl kept -> clean documents and rejects in the store.

Workers (local processes or Ray tasks, ``corpus.executors``) read their WARC records themselves (by
file and offset, a shard of one WARC file per task) and clean them; the parent writes results in
batched transactions, each result together with its ``extractions`` row, so a
run is idempotent and a killed run resumes where it stopped. After the run, site-level boilerplate
is learned and swept (``corpus.site_boilerplate``).

Library entry point: ``run_extract(workspace, workers=..., reextract=False, progress=...)``.
"""

from __future__ import annotations

import json
import os
import time
from collections import Counter
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable, Iterator

from cleaners import CLEANER_VERSION
from cleaners.content_encoding import codings, decode_content
from cleaners.encoding import content_type_charset
from cleaners.pipeline import clean_html
from cleaners.settings import CleanerSettings
from corpus import documents, fetches, site_boilerplate
from corpus.documents import Document, Reject
from corpus.executors import ExecutorSettings, open_executor
from corpus.store import Store, utc_now
from corpus.warcimport import import_pending
from corpus.workspace import Workspace

EXTRACT_BATCH = 100                 # results per write transaction
EXTRACT_MAX_BODY_BYTES = 10_000_000  # hostile input: larger bodies are cut

Progress = Callable[[int, int], None]


class ExtractError(Exception):
    """A problem the user can act on (the message says how)."""


@dataclass(frozen=True)
class Job:
    fetch_id: int
    url: str
    requested_url: str
    outlet: str | None
    warc_path: str
    offset: int
    fetched_at: str | None
    hints: dict
    encoding: str | None = None      # imposed by the site config at crawl time, else detected again


def read_response(warc_path: str, offset: int, urls: tuple[str, ...] = ()) -> tuple[bytes, str | None]:
    """The HTTP body and Content-Type of the response record at ``offset``.

    With ``urls``, the record's target must be one of them: a wrong offset must not silently
    give another page's body.
    """
    from warcio.archiveiterator import ArchiveIterator

    with open(warc_path, "rb") as stream:
        stream.seek(offset)
        for record in ArchiveIterator(stream):
            if record.rec_type != "response":
                raise ValueError(f"record at {offset} of {warc_path} is a {record.rec_type}, not a response")
            target = record.rec_headers.get_header("WARC-Target-URI")
            if urls and target not in urls:
                raise ValueError(f"record at {offset} of {warc_path} is for {target}, not {urls[0]}")
            content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
            coding = record.http_headers.get_header("Content-Encoding") if record.http_headers else None
            if not codings(coding):
                return record.content_stream().read(EXTRACT_MAX_BODY_BYTES), content_type
            # Bounded, and every coding undone (x-gzip, "gzip, gzip", br): compressed bytes are never text.
            return decode_content(record.raw_stream.read(EXTRACT_MAX_BODY_BYTES), coding, EXTRACT_MAX_BODY_BYTES), \
                content_type
    raise ValueError(f"no WARC record at offset {offset} of {warc_path}")


def extract_one(job: Job, settings: CleanerSettings) -> dict:
    """Read and clean one fetch; never raises (an error becomes the result)."""
    try:
        body, content_type = read_response(job.warc_path, job.offset, (job.url, job.requested_url))
        cleaned = clean_html(body, job.url, job.outlet, header_charset=content_type_charset(content_type),
                             encoding=job.encoding, hints=job.hints, fetched_at=job.fetched_at, settings=settings)
    except Exception as error:  # one bad record must not stop the run
        return {"job": job, "error": f"{type(error).__name__}: {error}"[:500]}
    return {"job": job, "documents": cleaned.documents, "reject": cleaned.reject, "line_keys": cleaned.line_keys}


def _jobs(store: Store, warc_dir: Path) -> list[Job]:
    # An encoding the site config imposed at crawl time is imposed again; a detected one is detected again.
    return [Job(pending.fetch_id, pending.url, pending.requested_url, pending.outlet,
                str(warc_dir / pending.warc_file), pending.warc_offset, pending.fetched_at, pending.hints,
                pending.encoding if pending.encoding_evidence.get("reason") == "override" else None)
            for pending in fetches.pending_extraction(store.conn)]


def extract_shard(jobs: list[Job], settings: CleanerSettings) -> list[dict]:
    """Clean a shard of fetches (one task of an executor)."""
    return [extract_one(job, settings) for job in jobs]


def _shards(jobs: list[Job], size: int) -> Iterator[list[Job]]:
    """Consecutive jobs of one WARC file, at most ``size`` each: a task reads one file, in fetch order."""
    shard: list[Job] = []
    for job in jobs:
        if shard and (len(shard) >= size or job.warc_path != shard[0].warc_path):
            yield shard
            shard = []
        shard.append(job)
    if shard:
        yield shard


def _results(jobs: list[Job], workers: int, settings: CleanerSettings,
             executor: ExecutorSettings | None) -> Iterator[dict]:
    """Results in job order (fetch order), so a URL's latest fetch is written last, whatever the executor."""
    with open_executor(executor, workers if len(jobs) > 1 else 1) as running:
        for results in running.map(partial(extract_shard, settings=settings), _shards(jobs, running.shard_jobs)):
            yield from results


def _write(db, result: dict, summary: Counter, new_doc_ids: set[int], outlets: set[str]) -> None:
    job: Job = result["job"]
    now = utc_now()
    if "error" in result:
        status, reason = "error", result["error"]
        summary["errors"] += 1
    elif result["documents"]:
        status, reason = "document", None
        first = not db.execute("SELECT 1 FROM extractions WHERE url = ? AND status = 'document'", (job.url,)).fetchone()
        if len(result["documents"]) > 1:
            _page_becomes_first_story(db, job.url, result["documents"][0]["url"])
        for document in result["documents"]:   # one per story of the page
            new_doc_ids.add(documents.write_document(db, Document.from_cleaned(document, job.fetch_id)))
        if first:
            site_boilerplate.count_page(db, job.outlet, result["line_keys"])
        if job.outlet:
            outlets.add(job.outlet)
        summary["documents"] += len(result["documents"])
        summary["pages split into stories"] += len(result["documents"]) > 1
    else:
        status, reason = "reject", result["reject"]["reason"]
        documents.write_reject(db, Reject.from_cleaned(result["reject"], job.fetch_id))
        summary[f"reject:{reason}"] += 1
    db.execute("INSERT OR REPLACE INTO extractions VALUES (?, ?, ?, ?, ?, ?, ?)",
               (job.fetch_id, job.url, job.outlet, status, reason, CLEANER_VERSION, now))


def _page_becomes_first_story(db, page_url: str, first_story_url: str) -> None:
    """A page an older cleaner kept whole, now split: its document (the id dedup points at) becomes
    the first story, so the page is never kept whole beside its stories."""
    documents.move_document(db, page_url, first_story_url)


def run_extract(workspace: Workspace, workers: int | None = None, reextract: bool = False,
                progress: Progress | None = None, settings: CleanerSettings | None = None,
                executor: ExecutorSettings | None = None) -> dict:
    """Extract every fetch not yet extracted (all of them with ``reextract``).

    Args:
        workspace: the workspace whose store and WARC files are read.
        workers: worker processes (default: CPU count); 1 runs in this process.
        reextract: forget previous extractions and rebuild every document from WARC.
        progress: called with (cleaned, total) after each page.
        settings: cleaner settings (defaults from ``cleaners.settings``).
        executor: where the cleaning runs (``corpus.executors``; default: local worker processes).

    Returns:
        A summary: fetches, documents, rejects by reason, errors, boilerplate lines removed, seconds.

    Raises:
        ExtractError: a bad argument or a workspace without a store.
        ExecutorError: Ray is missing or its cluster cannot be reached.
    """
    workers = workers or os.cpu_count() or 1
    if workers < 1:
        raise ExtractError(f"--workers must be at least 1, got {workers}")
    if not workspace.db_path.exists():
        raise ExtractError(f"no store at {workspace.db_path}; crawl first (newscorpus crawl) or pass --home")
    settings = settings or CleanerSettings()
    started = time.monotonic()
    store = workspace.open_store()
    try:
        run_id = _begin_run(store, settings, reextract)
        imported = import_pending(store, workspace.warc_dir)  # WARC files crawl workers left in warc/
        if reextract:
            with store.transaction() as db:
                for table in ("extractions", "outlet_pages", "outlet_lines", "outlet_boilerplate"):
                    db.execute(f"DELETE FROM {table}")
        jobs = _jobs(store, workspace.warc_dir)
        summary: Counter = Counter()
        new_doc_ids: set[int] = set()
        outlets: set[str] = set()
        batch: list[dict] = []
        for done, result in enumerate(_results(jobs, workers, settings, executor), start=1):
            batch.append(result)
            if len(batch) >= EXTRACT_BATCH:
                _flush(store, batch, summary, new_doc_ids, outlets)
            if progress:
                progress(done, len(jobs))
        _flush(store, batch, summary, new_doc_ids, outlets)
        removed = site_boilerplate.sweep(store, outlets, new_doc_ids, settings)
        rejects = {key.split(":", 1)[1]: value for key, value in summary.items() if key.startswith("reject:")}
        result = {"fetches": len(jobs), "documents": summary["documents"],
                  "pages_split_into_stories": summary["pages split into stories"], "rejects": dict(sorted(rejects.items())),
                  "errors": summary["errors"], "boilerplate_lines_removed": removed, "workers": workers,
                  "seconds": round(time.monotonic() - started, 2), "cleaner_version": CLEANER_VERSION,
                  "run_id": run_id, "imported_fetches": imported["fetches"],
                  "executor": (executor or ExecutorSettings()).executor}
        with store.transaction() as db:
            db.execute("UPDATE extract_runs SET finished_at = ?, summary = ? WHERE id = ?",
                       (utc_now(), json.dumps(result, ensure_ascii=False), run_id))
    finally:
        store.close()
    return result


def _begin_run(store: Store, settings: CleanerSettings, reextract: bool) -> int:
    """Record the run with the cleaner version, settings and library versions that produce its documents."""
    from importlib.metadata import PackageNotFoundError, version

    libraries = {}
    for package in ("trafilatura", "langdetect", "opencc", "lxml", "warcio"):
        try:
            libraries[package] = version(package)
        except PackageNotFoundError:
            libraries[package] = None
    with store.transaction() as db:
        cursor = db.execute(
            "INSERT INTO extract_runs (started_at, reextract, cleaner_version, settings, libraries) VALUES (?, ?, ?, ?, ?)",
            (utc_now(), int(reextract), CLEANER_VERSION, json.dumps(settings.as_dict()), json.dumps(libraries)))
    return cursor.lastrowid


def _flush(store: Store, batch: list[dict], summary: Counter, new_doc_ids: set[int], outlets: set[str]) -> None:
    if not batch:
        return
    with store.transaction() as db:
        for result in batch:
            _write(db, result, summary, new_doc_ids, outlets)
    batch.clear()
