"""The state of a workspace at a glance (``newscorpus status``): what is there and what is left to do.

Read-only: a folder without a store is described as empty rather than created.
"""

from __future__ import annotations

import json
import sqlite3
import unicodedata
from pathlib import Path

from corpus.release.catalog import list_releases
from corpus.report.build import LATEST
from corpus.report.sections import extra_sections
from corpus import clusters, documents, fetches, runs
from corpus.runlock import is_locked
from corpus.store import Store
from corpus.workspace import Workspace

RECENT_RUNS = 5


def workspace_status(workspace: Workspace) -> dict:
    """Everything ``status`` prints, as plain data (the ``--json`` output)."""
    workspace.check_home()
    status = {"workspace": str(workspace.home), "store": str(workspace.db_path),
              "initialised": workspace.db_path.exists(), "sites": [], "crawl_runs": [], "runs": [],
              "corpus": empty_corpus(), "releases": releases(workspace.releases_dir),
              "pending": {"fetched_not_extracted": 0, "documents_not_deduplicated": 0},
              "latest_report": latest_report(workspace.reports_dir), "alerts": []}
    if not status["initialised"]:
        return status
    store = Store.open(workspace.require().db_path, readonly=True)
    try:
        db = store.conn
        db.execute("BEGIN")  # one consistent snapshot while other stages write
        status["store_bytes"] = workspace.db_path.stat().st_size
        status["sites"] = sites(db)
        status["crawl_runs"] = crawl_runs(db)
        status["runs"] = recent_runs(db, is_locked(workspace.lock_path))
        status["corpus"] = corpus_counts(db)
        status["pending"] = {"fetched_not_extracted": fetches.count_pending_extraction(db),
                             "documents_not_deduplicated": clusters.undeduplicated(db)[0]}
        status["alerts"] = [alert for section in extra_sections(db) for alert in section.alerts]
        latest = status["runs"][0] if status["runs"] else None
        if latest and latest["status"] == "degraded":
            status["alerts"] += [alert for alert in latest["alerts"] if alert not in status["alerts"]]
    finally:
        store.close()
    return status


def empty_corpus() -> dict:
    return {"documents": 0, "documents_by_source": {}, "rejects": 0, "rejects_by_reason": {}, "clusters": 0,
            "clusters_with_duplicates": 0, "duplicates": 0, "containments": 0, "taken_down": 0, "last_dedup": None}


def corpus_counts(db: sqlite3.Connection) -> dict:
    placed = clusters.cluster_counts(db)
    return {
        "documents": documents.count_documents(db),
        "documents_by_source": documents.documents_by_source(db),
        "rejects": documents.count_rejects(db),
        "rejects_by_reason": documents.rejects_by_reason(db),
        "clusters": placed.clusters,
        "clusters_with_duplicates": placed.with_duplicates,
        "duplicates": placed.members - placed.clusters,
        "containments": db.execute("SELECT count(*) FROM containments").fetchone()[0],
        "taken_down": db.execute("SELECT count(*) FROM takedowns").fetchone()[0],
        "last_dedup": db.execute("SELECT max(finished_at) FROM dedup_runs").fetchone()[0],
    }


def recent_runs(db: sqlite3.Connection, locked: bool) -> list[dict]:
    """The latest stage runs and cycles; one still 'running' while nobody holds the lock was killed."""
    found = []
    for record in runs.recent(db, RECENT_RUNS):
        row = record.as_dict()
        if record.status == "running" and not locked:
            row["status"] = "killed"
        summary = record.summary if isinstance(record.summary, dict) else {}
        row["alerts"] = summary.get("alerts") or []
        found.append(row)
    return found


def sites(db: sqlite3.Connection) -> list[dict]:
    """Every outlet configured, fetched or holding documents, by name, with its counts."""
    configured = {name for (name,) in db.execute("SELECT name FROM sites")}
    docs = documents.documents_by_outlet(db)
    rejects = documents.rejects_by_outlet(db)
    fetched = fetches.fetches_by_site(db)
    names = sorted(configured | {outlet for outlet in docs if outlet is not None} | set(fetched))
    none = fetches.SiteFetches(0, None)
    return [{"name": name, "configured": name in configured, "documents": docs.get(name, 0),
             "rejects": rejects.get(name, 0), "fetches": fetched.get(name, none).fetches,
             "last_fetched_at": fetched.get(name, none).last_fetched_at} for name in names]


def crawl_runs(db: sqlite3.Connection) -> list[dict]:
    found = []
    for run_id, started_at, finished_at, status, listed in db.execute(
            "SELECT id, started_at, finished_at, status, sites FROM crawl_runs ORDER BY id DESC LIMIT ?",
            (RECENT_RUNS,)).fetchall():
        answered, failed = fetches.run_outcomes(db, run_id)
        found.append({"id": run_id, "started_at": started_at, "finished_at": finished_at, "status": status,
                      "sites": json.loads(listed) if listed else [], "fetches": answered, "errors": failed})
    return found


def releases(releases_dir: Path) -> list[dict]:
    return [{"version": info.version, "created": info.manifest.get("created"),
             "documents": info.manifest.get("counts", {}).get("documents"),
             "changes": info.manifest.get("changes", {})} for info in reversed(list_releases(releases_dir))]


def latest_report(reports_dir: Path) -> str | None:
    latest = reports_dir / LATEST
    return str(latest) if latest.is_file() else None


def printable(text) -> str:
    """Scraped or remote strings without control characters: no escape sequence reaches the terminal."""
    return "".join("?" if unicodedata.category(ch) == "Cc" else ch for ch in str(text))


def _pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal cells (a CJK character takes two)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


def format_status(status: dict) -> str:
    """The human form: short sections, numbers aligned, pending work with the command that does it."""
    return "\n".join(printable(line) for line in status_lines(status))


def status_lines(status: dict) -> list[str]:
    lines = [f"Workspace  {status['workspace']}"]
    if not status["initialised"]:
        lines += ["", "Nothing here yet. Start with `newscorpus demo`, or `newscorpus crawl --start-url URL`."]
        return lines
    lines.append(f"Store      {status['store']} ({status['store_bytes'] / 1024 ** 2:,.1f} MiB)")
    for alert in status["alerts"]:
        lines.append(f"WARNING    {alert}")

    lines += ["", f"Sites ({len(status['sites'])})"]
    for site in status["sites"]:
        lines.append(f"  {_pad(site['name'], 20)} {site['documents']:>8,} documents {site['rejects']:>7,} rejects "
                     f"{site['fetches']:>8,} fetches   last fetch {site['last_fetched_at'] or 'never'}")
    if not status["sites"]:
        lines.append("  none yet")

    lines += ["", "Crawl runs (latest first)"]
    for run in status["crawl_runs"]:
        lines.append(f"  #{run['id']:<5} {run['started_at']} → {run['finished_at'] or '…':<25} {run['status']:<9} "
                     f"{run['fetches']:>7,} fetches {run['errors']:>5,} errors  {', '.join(run['sites'])}")
    if not status["crawl_runs"]:
        lines.append("  none yet")
    if status["runs"]:
        lines += ["", "Runs (latest first; exit codes: finished 0, degraded 3, failed 1)"]
        for run in status["runs"]:
            failed = f": {run['error']}" if run["status"] == "failed" and run["error"] else ""
            alerts = f" ({len(run['alerts'])} alert(s))" if run["alerts"] else ""
            lines.append(f"  #{run['run_id']:<5} {run['stage']:<9} {run['started_at']} → {run['finished_at'] or '…'}  "
                         f"{run['status']}{alerts}{failed}")

    c = status["corpus"]
    sources = ", ".join(f"{n:,} {source}" for source, n in c["documents_by_source"].items())
    reasons = ", ".join(f"{n:,} {reason}" for reason, n in c["rejects_by_reason"].items())
    lines += ["", "Corpus",
              f"  documents      {c['documents']:>10,}" + (f"  ({sources})" if sources else ""),
              f"  rejects        {c['rejects']:>10,}" + (f"  ({reasons})" if reasons else ""),
              f"  clusters       {c['clusters']:>10,}  ({c['clusters_with_duplicates']:,} with duplicates, "
              f"{c['duplicates']:,} duplicate documents; last dedup {c['last_dedup'] or 'never'})",
              f"  containments   {c['containments']:>10,}",
              f"  taken down     {c['taken_down']:>10,}"]

    lines += ["", f"Releases ({len(status['releases'])})"]
    for release in status["releases"]:
        changes = ", ".join(f"{n:,} {kind.replace('_', ' ')}" for kind, n in release["changes"].items() if n)
        documents = "?" if release["documents"] is None else f"{release['documents']:,}"
        lines.append(f"  {release['version']:<16} {release['created'] or '':<26} {documents:>8} documents"
                     + (f"  ({changes})" if changes else ""))
    if not status["releases"]:
        lines.append("  none yet (`newscorpus release`)")

    pending = status["pending"]
    lines += ["", "Pending",
              f"  fetched pages not yet extracted   {pending['fetched_not_extracted']:>8,}"
              + ("   → newscorpus extract" if pending["fetched_not_extracted"] else ""),
              f"  documents not yet deduplicated    {pending['documents_not_deduplicated']:>8,}"
              + ("   → newscorpus dedup" if pending["documents_not_deduplicated"] else "")]
    lines += ["", f"Latest report  {status['latest_report'] or 'none yet (`newscorpus report`)'}"]
    return lines
