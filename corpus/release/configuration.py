"""What produced the released data, as recorded in the store (never guessed from current code).

Dedup: the settings of the
latest finished run (``dedup_runs.settings``) and the signature scheme it used (``dedup_params``),
when the dedup stage recorded them.
"""

from __future__ import annotations

import json
import sqlite3

from corpus.store import has_table

PARAMS_COLUMNS = ("library", "library_version", "scheme", "seed", "num_perm", "shingle_size", "shingle_hash",
                  "normalizer")


def dedup_configuration(db: sqlite3.Connection) -> dict | None:
    """The latest finished dedup run's settings and signature scheme, or None if none is recorded."""
    if not has_table(db, "dedup_runs"):
        return None
    run = db.execute("""SELECT id, finished_at, settings, params_id FROM dedup_runs
                        WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1""").fetchone()
    if run is None:
        return None
    recorded = {"run": run["id"], "finished_at": run["finished_at"], "settings": json.loads(run["settings"])}
    if run["params_id"] is not None and has_table(db, "dedup_params"):
        params = db.execute(f"SELECT {', '.join(PARAMS_COLUMNS)} FROM dedup_params WHERE id = ?",
                            (run["params_id"],)).fetchone()
        if params is not None:
            recorded["signatures"] = dict(params)
    return recorded
