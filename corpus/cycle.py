"""The scheduled cycle behind ``newscorpus run``: crawl → extract → dedup → health → report [→ release].

Safe for cron: the workspace lock makes an overlapping run exit at once; each run is recorded in
``cycle_runs`` (start, end, each stage's summary, the error) and logged to ``logs/run-*.log``; a
failed stage stops the cycle, and everything earlier stages stored stays (each stage commits as it
goes and resumes where it stopped).
"""

from __future__ import annotations

import json
import multiprocessing
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from corpus.executors import ExecutorSettings
from corpus.health import record_run_health
from corpus.runlock import RunLock
from corpus.store import Store, utc_now
from corpus.workspace import Workspace

# Exit status of `newscorpus run` when another run holds the workspace (sysexits' EX_TEMPFAIL:
# "try again later", which is what cron should do).
EXIT_LOCKED = 75
# Exit status when a stage fails.
EXIT_STAGE_FAILED = 1


@dataclass
class CycleResult:
    run_id: int
    status: str                                  # finished | failed
    stats: dict = field(default_factory=dict)    # stage -> its summary
    alerts: list[str] = field(default_factory=list)
    failed_stage: str | None = None
    error: str | None = None
    log_path: str = ""


@dataclass
class CrawlJob:
    """What the crawl stage crawls: ``crawler.run.run_crawl`` arguments (picklable)."""

    sites: list
    options: dict = field(default_factory=dict)


class CycleLog:
    """Stage lines to the terminal and, timestamped, to the run's log file."""

    def __init__(self, path, echo: Callable[[str], None]):
        self.path = path
        self.echo = echo
        self.file = open(path, "a", encoding="utf-8")

    def __call__(self, line: str) -> None:
        self.echo(line)
        self.file.write(f"{utc_now()} {line}\n")
        self.file.flush()

    def detail(self, text: str) -> None:
        """Text for the log file only (a traceback)."""
        self.file.write(text)
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def run_cycle(workspace: Workspace, crawl: CrawlJob | None, *, workers: int | None = None,
              release: bool = False, notes: str | None = None,
              echo: Callable[[str], None] = print, executor: ExecutorSettings | None = None) -> CycleResult:
    """Run one cycle under the workspace lock and record it.

    Args:
        workspace: the workspace to work in (created if missing).
        crawl: what to crawl; None skips crawling.
        workers: extraction worker processes.
        release: also make a release at the end.
        notes: the release notes.
        echo: where progress lines go (besides the log file).
        executor: where extract and dedup compute (``corpus.executors``; default: local).

    Raises:
        WorkspaceBusy: another run holds the workspace; nothing was done.
    """
    workspace.ensure()
    with RunLock(workspace.home / "run.lock"):
        started = datetime.now(timezone.utc)
        log = CycleLog(workspace.logs_dir / f"run-{started:%Y%m%dT%H%M%SZ}.log", echo)
        store = workspace.open_store()
        try:
            return _cycle(workspace, store, log, crawl, workers, release, notes, executor)
        finally:
            store.close()
            log.close()


def _cycle(workspace: Workspace, store: Store, log: CycleLog, crawl, workers, release, notes,
           executor: ExecutorSettings | None) -> CycleResult:
    with store.transaction() as db:
        # We hold the lock, so a run still marked running was killed.
        db.execute("UPDATE cycle_runs SET status = 'killed', finished_at = ? WHERE status = 'running'", (utc_now(),))
        run_id = db.execute("INSERT INTO cycle_runs (started_at, log_path) VALUES (?, ?)",
                            (utc_now(), str(log.path))).lastrowid
    result = CycleResult(run_id, "running", log_path=str(log.path))
    log(f"run {run_id}: log in {log.path}")
    stages = [("crawl", lambda: _crawl_stage(workspace, crawl))] if crawl else []
    stages += [
        ("extract", lambda: _extract_stage(workspace, workers, executor)),
        ("dedup", lambda: _dedup_stage(store, executor)),
        ("health", lambda: _health_stage(store, result)),
        ("report", lambda: _report_stage(workspace)),
    ]
    if release:
        stages.append(("release", lambda: _release_stage(workspace, notes)))
    for name, stage in stages:
        _set(store, run_id, stage=name)
        log(f"[{name}] starting")
        try:
            result.stats[name] = stage()
        except Exception as error:  # a failed stage stops the cycle; what is stored stays
            result.status, result.failed_stage = "failed", name
            result.error = f"{type(error).__name__}: {error}"
            log(f"[{name}] FAILED: {result.error}")
            log.detail(traceback.format_exc())
            _set(store, run_id, status="failed", stats=result.stats, error=result.error, finished_at=utc_now())
            return result
        log(f"[{name}] done: {_brief(result.stats[name])}")
        _set(store, run_id, stats=result.stats)
    for alert in result.alerts:
        log(f"WARNING site health: {alert}")
    result.status = "finished"
    _set(store, run_id, status="finished", stage=None, finished_at=utc_now())
    log(f"run {run_id} finished")
    return result


def _crawl_child(home: str, job: CrawlJob, results) -> None:
    from crawler.run import run_crawl

    outcome = run_crawl(Workspace(Path(home)), job.sites, **job.options)
    results.send((outcome.run_id, outcome.status, json.loads(json.dumps(outcome.stats, default=str))))


def _crawl_stage(workspace: Workspace, job: CrawlJob) -> dict:
    """Crawl in a fresh child process: Scrapy's reactor runs once per process, and the extraction
    workers forked afterwards must not inherit its threads."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_crawl_child, args=(str(workspace.home), job, send), name="newscorpus-crawl")
    child.start()
    send.close()
    try:
        run_id, status, stats = receive.recv()
    except EOFError:
        raise RuntimeError("the crawl process died; the next run resumes it") from None
    finally:
        child.join()
    if status != "finished":
        raise RuntimeError(f"the crawl stopped early ({stats.get('finish_reason')}); the next run resumes it")
    return {"crawl_run_id": run_id, "fetches": stats.get("newscorpus/fetches", 0),
            "finish_reason": stats.get("finish_reason")}


def _extract_stage(workspace: Workspace, workers: int | None, executor: ExecutorSettings | None) -> dict:
    from corpus.extract import run_extract

    return run_extract(workspace, workers=workers, executor=executor)


def _dedup_stage(store: Store, executor: ExecutorSettings | None) -> dict:
    from corpus.dedup.run import run_dedup
    from corpus.executors import open_executor

    with open_executor(executor, workers=1 if executor is None or executor.name == "local" else None) as running:
        return run_dedup(store, executor=running)


def _health_stage(store: Store, result: CycleResult) -> dict:
    crawl_run_id = (result.stats.get("crawl") or {}).get("crawl_run_id")
    if crawl_run_id is None:
        return {"outlets": 0}
    measured = record_run_health(store, crawl_run_id)
    result.alerts = [alert for health in measured for alert in health.alerts]
    return {"outlets": len(measured), "alerts": len(result.alerts)}


def _report_stage(workspace: Workspace) -> dict:
    from corpus.report.build import write_report

    report = write_report(workspace)
    return {"path": str(report.path / "report.html"), "latest": str(report.latest) if report.latest else None}


def _release_stage(workspace: Workspace, notes: str | None) -> dict:
    from corpus.release.build import make_release

    path = make_release(workspace, notes=notes)
    return {"version": path.name, "path": str(path)}


def _set(store: Store, run_id: int, **columns) -> None:
    if "stats" in columns:
        columns["stats"] = json.dumps(columns["stats"], ensure_ascii=False, default=str)
    assignments = ", ".join(f"{name} = ?" for name in columns)
    with store.transaction() as db:
        db.execute(f"UPDATE cycle_runs SET {assignments} WHERE id = ?", (*columns.values(), run_id))


def _brief(summary) -> str:
    if not isinstance(summary, dict):
        return str(summary)
    shown = {key: value for key, value in summary.items() if isinstance(value, (int, float, str)) and value != ""}
    return ", ".join(f"{key} {value}" for key, value in list(shown.items())[:8])
