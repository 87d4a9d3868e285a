"""Write one report folder (report.html, clusters.csv, report.json) atomically, and the latest pointer.

The folder is written as ``.tmp-<name>-…`` next to its destination and renamed into place, so a
reader (or a killed run) never sees half a report. ``reports/latest.html`` is the newest report's
page with its links pointing into that report's folder; it is replaced with ``os.replace``.
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from corpus import __version__
from corpus.csvcells import defuse_dict, defuse_row
from corpus.dedup.export import CSV_FIELDS as EXPORT_CSV_FIELDS
from corpus.decisions import decision_statuses, list_decisions
from corpus.decisions.repository import DecisionStatus
from corpus.filemodes import file_mode, folder_mode
from corpus.report.collect import ReportData, collect
from corpus.report.copies import CopyMatrix, copy_matrix
from corpus.report.errors import ReportError
from corpus.report.previous import INDEX, SUMMARY, index_html, list_reports, since_previous
from corpus.report.render import render_html
from corpus.report.sections import Section, extra_sections
from corpus.report.settings import ReportSettings
from corpus.workspace import Workspace

# The columns of `newscorpus export clusters --format csv`, then what the report adds.
CSV_FIELDS = (*EXPORT_CSV_FIELDS, "cross_script", "title")
COPIES_FIELDS = ("from_outlet", "to_outlet", "stories", "median_delay_hours", "share_of_to_stories")
WEEKLY_FIELDS = ("week", "outlet", "stories", "copies")
LATEST = "latest.html"

if TYPE_CHECKING:
    from corpus.report.since import SinceRelease


@dataclass
class ReportResult:
    path: Path
    latest: Path | None
    summary: dict
    since: dict | None


def write_report(workspace: Workspace, out: Path | None = None, since: str | None = None,
                 settings: ReportSettings | None = None,
                 progress: Callable[[str], None] | None = None) -> ReportResult:
    """Build the report of the workspace's store into ``out`` (default ``reports/<UTC timestamp>/``).

    Args:
        workspace: whose store, releases and reports folder to use.
        out: the report folder to create; it must not exist yet (or be empty).
        since: a release version; the report then lists what changed since it.
        settings: text caps and page sizes; default ``ReportSettings()``.
        progress: called with a short line before each stage.

    Raises:
        ReportError: the output folder is taken. ReleaseError: no such release.
    """
    settings = settings or ReportSettings()
    say = progress or (lambda line: None)
    now = datetime.now(timezone.utc)
    generated_at = now.isoformat(timespec="seconds")
    out = Path(out) if out is not None else free_folder(workspace.ensure().reports_dir, now.strftime("%Y%m%dT%H%M%SZ"))
    check_destination(out)
    content = read_content(workspace, settings, since, say)
    data, changes = content.data, content.since
    decisions = [decision_json(status) for status in content.decisions]
    earlier = [entry for entry in list_reports(workspace.reports_dir) if entry.folder.resolve() != out.resolve()]
    previous = since_previous(earlier[0] if earlier else None, data.clusters, decisions)
    say("writing report.html, clusters.csv, report.json")
    document = {"generated_at": generated_at, "workspace": str(workspace.home), "newscorpus_version": __version__,
                "settings": asdict(settings), **data.to_json(),
                "sections": [section.to_json() for section in content.sections],
                "since": changes.to_json() if changes else None,
                "decisions": decisions, "copies": content.copies.to_json(),
                "previous": previous.to_json() if previous else None}
    page = dict(generated_at=generated_at, home=str(workspace.home), settings=settings, since=changes,
                sections=content.sections, decisions=content.decisions, copies=content.copies, previous=previous)
    summary = {"generated_at": generated_at, "counts": {k: v for k, v in data.summary.items() if isinstance(v, int)},
               "decisions": len(decisions)}
    remove_stale_temps(out.parent, settings.stale_temp_seconds)
    temp = Path(tempfile.mkdtemp(prefix=f".tmp-{out.name}-", dir=out.parent))
    os.chmod(temp, folder_mode())  # mkdtemp makes it private; a report is shared as the umask allows
    try:
        write_text(temp / "report.html", render_html(data, **page))
        write_text(temp / "report.json", json.dumps(document, ensure_ascii=False, indent=1) + "\n")
        write_text(temp / SUMMARY, json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        write_csv(temp / "clusters.csv", data)
        write_rows(temp / "copies.csv", COPIES_FIELDS, [p.to_json().values() for p in content.copies.pairs])
        write_rows(temp / "copies_weekly.csv", WEEKLY_FIELDS, [w.to_json().values() for w in content.copies.weeks])
        publish(temp, out)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    latest = None
    if out.parent.resolve() == workspace.reports_dir.resolve():
        latest = out.parent / LATEST
        write_text(latest, render_html(data, link_prefix=f"{out.name}/", **page), replace=True)
        write_text(out.parent / INDEX, index_html(list_reports(out.parent)), replace=True)
    return ReportResult(out, latest, data.summary, changes.to_json() if changes else None)


@dataclass
class ReportContent:
    """What one report shows, read from the store in one snapshot (the report and the review app share it)."""

    data: ReportData
    sections: list[Section]
    decisions: list[DecisionStatus]
    copies: CopyMatrix
    since: SinceRelease | None = None


def read_content(workspace: Workspace, settings: ReportSettings, since: str | None = None,
                 say: Callable[[str], None] = lambda line: None) -> ReportContent:
    store = workspace.open_store()
    try:
        # One read transaction: a dedup or extract running meanwhile cannot make the numbers disagree.
        store.execute("BEGIN")
        say("reading the store")
        data = collect(store.conn, settings)
        sections = extra_sections(store.conn)
        decisions = decision_statuses(store.conn, list_decisions(store.conn))
        changes = None
        if since is not None:
            from corpus.report.since import changes_since  # reads Parquet: only when asked
            say(f"comparing with release {since}")
            changes = changes_since(store.conn, workspace.releases_dir, since)
    finally:
        store.close()
    return ReportContent(data, sections, decisions, copy_matrix(data.clusters, settings.naive_utc_offset_hours), changes)


def decision_json(status: DecisionStatus) -> dict:
    return {"id": status.decision.id, **status.decision.to_json(), "status": status.state,
            "missing": list(status.missing)}


def free_folder(parent: Path, name: str) -> Path:
    """``parent/name``, or ``name-2``, ``name-3``… when two reports are made in the same second."""
    candidate, suffix = parent / name, 1
    while candidate.exists():
        suffix += 1
        candidate = parent / f"{name}-{suffix}"
    return candidate


def check_destination(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReportError(f"{out} already exists and is not an empty folder: choose another --out "
                          "(reports are never overwritten)")
    out.parent.mkdir(parents=True, exist_ok=True)


def remove_stale_temps(parent: Path, max_age: float) -> None:
    """Clear what killed runs left behind (older than ``max_age`` seconds: no running report can own it)."""
    cutoff = time.time() - max_age
    for path in parent.glob(".tmp-*"):
        if path.is_dir() and path.stat().st_mtime < cutoff:
            shutil.rmtree(path, ignore_errors=True)


def publish(temp: Path, out: Path) -> None:
    """Rename the finished folder into place (an empty destination folder is replaced)."""
    for path in temp.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    try:
        if out.is_dir():
            out.rmdir()
        os.rename(temp, out)
    except OSError as error:  # another report took the folder meanwhile
        raise ReportError(f"{out} was created by someone else while this report was written ({error.strerror}); "
                          "run the report again") from None


def write_text(path: Path, text: str, replace: bool = False) -> None:
    """Write UTF-8 text; with ``replace``, through a temporary file so readers never see half of it."""
    if not replace:
        path.write_text(text, encoding="utf-8")
        return
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, file_mode())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_csv(path: Path, data: ReportData) -> None:
    """One row per cluster member, canonical first; text a spreadsheet would run gets a leading '."""
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_FIELDS)
        writer.writeheader()
        for cluster in data.clusters:
            for member in cluster["members"]:
                writer.writerow(defuse_dict({
                    "cluster_id": cluster["cluster_id"], "canonical_doc_id": cluster["canonical"]["doc_id"],
                    "canonical_url": cluster["canonical"]["url"], "canonical_reason": cluster["canonical_reason"],
                    "size": cluster["size"], "cross_script": int(cluster["cross_script"]),
                    **{k: member[k] for k in ("doc_id", "url", "outlet", "published", "script", "similarity",
                                              "method")},
                    "title": member["title"],
                }))


def write_rows(path: Path, header: tuple[str, ...], rows) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(defuse_row(row) for row in rows)
