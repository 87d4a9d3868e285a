"""The ``runs`` table's gateway: one typed record per stage run (and per ``run`` cycle).

Only this module writes SQL on ``runs``; the runner (``corpus.stage``) and ``status`` use it.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from corpus import __version__
from corpus.store import has_table, utc_now

# The libraries whose versions decide what a stage produces (reproducibility is data).
RUN_LIBRARIES = ("scrapy", "trafilatura", "lxml", "langdetect", "opencc", "datasketch", "warcio", "pyarrow")
RUN_STATUSES = ("running", "finished", "degraded", "failed", "killed")


@dataclass
class RunRecord:
    """One row of ``runs``; JSON columns as Python values."""

    id: int
    stage: str
    status: str
    started_at: str
    pid: int
    host: str
    parent_id: int | None = None
    finished_at: str | None = None
    settings: dict = field(default_factory=dict)
    libraries: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)
    summary: dict | None = None
    error: str | None = None

    def as_dict(self) -> dict:
        """The record as one JSON-ready object (``--json`` prints this)."""
        return {"run_id": self.id, "stage": self.stage, "status": self.status, "parent_id": self.parent_id,
                "started_at": self.started_at, "finished_at": self.finished_at, "pid": self.pid,
                "host": self.host, "options": self.options, "settings": self.settings,
                "libraries": self.libraries, "summary": self.summary, "error": self.error}


def library_versions() -> dict[str, str | None]:
    versions: dict[str, str | None] = {"newscorpus": __version__}
    for package in RUN_LIBRARIES:
        try:
            versions[package] = version(package)
        except PackageNotFoundError:
            versions[package] = None
    return versions


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def start(db: sqlite3.Connection, stage: str, *, settings: dict, options: dict,
          parent_id: int | None = None) -> RunRecord:
    """Insert a 'running' row for this process and return it (call inside a transaction)."""
    record = RunRecord(id=0, stage=stage, status="running", started_at=utc_now(), pid=os.getpid(),
                       host=socket.gethostname(), parent_id=parent_id, settings=settings,
                       libraries=library_versions(), options=options)
    record.id = db.execute(
        "INSERT INTO runs (parent_id, stage, status, started_at, pid, host, settings, libraries, options) "
        "VALUES (?, ?, 'running', ?, ?, ?, ?, ?, ?)",
        (parent_id, stage, record.started_at, record.pid, record.host, _dumps(settings), _dumps(record.libraries),
         _dumps(options))).lastrowid
    return record


def finish(db: sqlite3.Connection, record: RunRecord, status: str, summary: dict | None = None,
           error: str | None = None, detail: str | None = None) -> RunRecord:
    """Close a run with its outcome (call inside a transaction)."""
    if status not in RUN_STATUSES:
        raise ValueError(f"unknown run status {status!r}")
    record.status, record.summary, record.error, record.finished_at = status, summary, error, utc_now()
    db.execute("UPDATE runs SET status = ?, finished_at = ?, summary = ?, error = ?, detail = ? WHERE id = ?",
               (status, record.finished_at, None if summary is None else _dumps(summary), error, detail, record.id))
    return record


def mark_killed(db: sqlite3.Connection) -> int:
    """Close the rows left 'running' (the caller holds the workspace lock, so their processes are gone)."""
    return db.execute("UPDATE runs SET status = 'killed', finished_at = ?, error = 'the process was killed' "
                      "WHERE status = 'running'", (utc_now(),)).rowcount


def recent(db: sqlite3.Connection, limit: int = 5, stage: str | None = None,
           top_level: bool = True) -> list[RunRecord]:
    """The latest runs, newest first (``top_level``: not the stages inside a cycle)."""
    if not has_table(db, "runs"):
        return []
    where, params = [], []
    if stage:
        where.append("stage = ?")
        params.append(stage)
    if top_level:
        where.append("parent_id IS NULL")
    sql = ("SELECT id, stage, status, started_at, pid, host, parent_id, finished_at, settings, libraries, options, "
           "summary, error FROM runs" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY id DESC LIMIT ?")
    return [_record(row) for row in db.execute(sql, (*params, limit))]


def children(db: sqlite3.Connection, parent_id: int) -> list[RunRecord]:
    rows = db.execute("SELECT id, stage, status, started_at, pid, host, parent_id, finished_at, settings, libraries, "
                      "options, summary, error FROM runs WHERE parent_id = ? ORDER BY id", (parent_id,))
    return [_record(row) for row in rows]


def _record(row) -> RunRecord:
    def loads(text):
        return None if text is None else json.loads(text)

    return RunRecord(id=row[0], stage=row[1], status=row[2], started_at=row[3], pid=row[4], host=row[5],
                     parent_id=row[6], finished_at=row[7], settings=loads(row[8]) or {}, libraries=loads(row[9]) or {},
                     options=loads(row[10]) or {}, summary=loads(row[11]), error=row[12])
