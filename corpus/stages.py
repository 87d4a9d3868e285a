"""Every stage that does not need the crawler, declared once (``corpus.stage.Stage``).

The crawl stage and the scheduled cycle, which need the crawler package, are in ``corpus/cycle.py``.
Each ``run`` takes a ``StageContext`` and returns the stage's JSON-ready summary.
"""

from __future__ import annotations

from pathlib import Path

from corpus.errors import user_errors
from corpus.stage import Stage, StageContext


def _init(context: StageContext) -> dict:
    """The store exists once the runner has opened it; say where things are."""
    ws = context.workspace
    return {"workspace": str(ws.home), "store": str(ws.db_path), "settings_file": str(ws.settings_path)}


def _extract(context: StageContext) -> dict:
    from corpus.executors import ExecutorError
    from corpus.extract import ExtractError, run_extract

    options = context.options
    with user_errors(ExtractError, ExecutorError, ValueError):
        return run_extract(context.workspace, workers=options.get("workers"), reextract=bool(options.get("reextract")),
                           settings=context.settings.component("cleaners"),
                           progress=lambda done, total: context.progress("extracting", done, total),
                           executor=context.settings.component("executor"))


def _dedup(context: StageContext) -> dict:
    from corpus.decisions.apply import dedup_constraints
    from corpus.dedup.run import run_dedup
    from corpus.executors import ExecutorError, cluster_executor

    # None for the local executor: dedup's own pool of DEDUP_WORKERS processes.
    with user_errors(ValueError, ExecutorError), cluster_executor(context.settings.component("executor")) as executor:
        return run_dedup(context.store, threshold=context.options.get("threshold"),
                         settings=context.settings.component("dedup"), progress=context.progress,
                         constraints=dedup_constraints(context.store.conn), executor=executor)


def _health(context: StageContext) -> dict:
    """Measure the crawl run of this cycle (or the latest one) against each outlet's history."""
    from corpus.health import record_run_health

    crawl_run_id = (context.results.get("crawl") or {}).get("crawl_run_id") or context.options.get("crawl_run_id")
    if crawl_run_id is None:
        return {"outlets": 0, "alerts": []}
    measured = record_run_health(context.store, crawl_run_id, context.settings.component("health"))
    return {"crawl_run_id": crawl_run_id, "outlets": len(measured),
            "alerts": [alert for health in measured for alert in health.alerts]}


def _report(context: StageContext) -> dict:
    from corpus.release.errors import ReleaseError
    from corpus.report.build import write_report
    from corpus.report.errors import ReportError

    out = context.options.get("out")
    with user_errors(ReportError, ReleaseError):
        result = write_report(context.workspace, out=Path(out) if out else None, since=context.options.get("since"),
                              settings=context.settings.component("report"),
                              progress=lambda line: context.progress(line, 0, 0))
    return {"path": str(result.path / "report.html"), "folder": str(result.path),
            "latest": str(result.latest) if result.latest else None, **result.summary,
            "since": result.since}


def _release(context: StageContext) -> dict:
    import json

    from corpus.release.build import make_release
    from corpus.release.errors import ReleaseError

    options = context.options
    with user_errors(ReleaseError):
        path = make_release(context.workspace, version=options.get("version"), notes=options.get("notes"),
                            settings=context.settings.component("release"),
                            progress=lambda done, total: context.progress("stories", done, total))
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    return {"version": path.name, "path": str(path), "parent": manifest.get("parent"),
            "parent_skipped": manifest.get("parent_skipped", {}),
            "counts": manifest.get("counts"), "changes": manifest.get("changes"),
            "shards": sum(1 for name in manifest.get("files", {}) if name.startswith("data/")),
            "bytes": sum(entry["bytes"] for entry in manifest.get("files", {}).values())}


def _takedown(context: StageContext) -> dict:
    from dataclasses import asdict

    from corpus.release.errors import ReleaseError
    from corpus.release.takedown import record_story_takedown, record_takedown

    options = context.options
    with user_errors(ReleaseError):
        if options.get("cluster"):  # the whole story
            return asdict(record_story_takedown(context.workspace, options["cluster"], options["reason"],
                                                purge=bool(options.get("purge"))))
        return asdict(record_takedown(context.workspace, options["url"], options["reason"],
                                      purge=bool(options.get("purge"))))


def _ingest(context: StageContext) -> dict:
    from corpus.ingest import ingest_jsonl

    return ingest_jsonl(context.store, context.options["file"], settings=context.settings.component("cleaners"),
                        report_bad=lambda number, reason: context.warn(f"{context.options['file']}:{number}: "
                                                                       f"skipped: {reason}"))


def _decisions_import(context: StageContext) -> dict:
    from corpus.decisions.apply import import_file

    return import_file(context.store, context.options["file"],
                       report_bad=lambda number, reason: context.warn(f"{context.options['file']}:{number}: "
                                                                      f"skipped: {reason}"))


def _import_warc(context: StageContext) -> dict:
    from corpus.errors import EXIT_USAGE, NewscorpusError
    from corpus.warcimport import WarcImportError, import_warcs

    try:
        summary = import_warcs(context.store, context.options["paths"], context.workspace.warc_dir,
                               progress=context.progress)
    except WarcImportError as error:
        raise NewscorpusError(str(error), EXIT_USAGE) from None
    if summary["files"] and summary["files_unreadable"] == summary["files"]:
        raise NewscorpusError(f"no WARC record could be read from these files ({summary['skipped']}); "
                              f"are they WARC (.warc, .warc.gz)?")
    return summary


INIT = Stage("init", _init, creates_workspace=True)
EXTRACT = Stage("extract", _extract, components=("cleaners", "executor"))
DEDUP = Stage("dedup", _dedup, components=("dedup", "executor"))
HEALTH = Stage("health", _health, components=("health",))
REPORT = Stage("report", _report, components=("report",))
RELEASE = Stage("release", _release, components=("release",))
TAKEDOWN = Stage("takedown", _takedown)
INGEST = Stage("ingest", _ingest, components=("cleaners",), creates_workspace=True)
DECISIONS_IMPORT = Stage("decisions-import", _decisions_import, creates_workspace=True)
IMPORT_WARC = Stage("import-warc", _import_warc, creates_workspace=True)
