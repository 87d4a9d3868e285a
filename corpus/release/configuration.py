"""What produced the released data, as recorded in the store (never guessed from current code).

Cleaners: the ``cleaner_version`` values of the stored documents. Dedup: the settings the dedup
stage persisted with its latest run, when it persisted any.
"""

from __future__ import annotations

import json
import sqlite3


def store_configuration(db: sqlite3.Connection) -> dict:
    return {"cleaners": _cleaners(db), "dedup": _dedup(db)}


def _cleaners(db: sqlite3.Connection) -> dict:
    versions = db.execute("SELECT cleaner_version, count(*) FROM documents GROUP BY 1 ORDER BY 1").fetchall()
    return {"cleaner_versions": {version: count for version, count in versions}}


def _dedup(db: sqlite3.Connection) -> dict | None:
    """The latest recorded dedup settings, or None when the store holds none."""
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "dedup_runs" not in tables:
        return None
    columns = [row[1] for row in db.execute("PRAGMA table_info(dedup_runs)")]
    if "settings" not in columns:
        return None
    row = db.execute("SELECT settings FROM dedup_runs WHERE settings IS NOT NULL ORDER BY rowid DESC LIMIT 1")
    found = row.fetchone()
    return json.loads(found[0]) if found else None
