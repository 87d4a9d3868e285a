"""The SQLite store: one file per workspace, WAL mode, schema kept by named migrations.

Each stage writes its own SQL in its own module; this module only owns the connection,
transactions and the migration ledger. Migrations are the ``corpus/migrations/NNNN_name.sql``
files, applied in name order, each inside one transaction, and recorded in ``schema_migrations``.
"""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Iterator

MIGRATIONS_PACKAGE = "corpus.migrations"


def utc_now() -> str:
    """The current time as ISO 8601 UTC with seconds, the store's timestamp format."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def has_table(db: sqlite3.Connection, name: str) -> bool:
    """Whether the store has this table (a stage reading another stage's optional table asks first)."""
    return db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def _migrations() -> list[tuple[str, str]]:
    files = resources.files(MIGRATIONS_PACKAGE)
    found = sorted(f.name for f in files.iterdir() if f.name.endswith(".sql"))
    return [(name.removesuffix(".sql"), files.joinpath(name).read_text("utf-8")) for name in found]


class Store:
    """A migrated SQLite connection with a ``transaction()`` helper.

    Example:
        >>> store = Store.open(":memory:")
        >>> with store.transaction() as db:
        ...     _ = db.execute("INSERT INTO crawl_runs (started_at) VALUES (?)", (utc_now(),))
    """

    def __init__(self, conn: sqlite3.Connection, path: str):
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, path: str | Path, timeout: float = 60.0) -> "Store":
        conn = sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
        store = cls(conn, str(path))
        store.migrate()
        return store

    def migrate(self) -> list[str]:
        """Apply pending migrations; return the names applied now."""
        self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)"
        )
        applied = {row[0] for row in self.conn.execute("SELECT name FROM schema_migrations")}
        done = []
        for name, sql in _migrations():
            if name in applied:
                continue
            with self.transaction() as db:
                # Re-check under the write lock: another process may have migrated meanwhile.
                if db.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (name,)).fetchone():
                    continue
                for statement in _split_sql(sql):
                    db.execute(statement)
                db.execute("INSERT INTO schema_migrations VALUES (?, ?)", (name, utc_now()))
            done.append(name)
        return done

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE`` … ``COMMIT``; rolls back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def execute(self, sql: str, params: tuple | dict = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _split_sql(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit on its own)."""
    statements, current = [], []
    for line in script.splitlines(keepends=True):
        current.append(line)
        candidate = "".join(current)
        if sqlite3.complete_statement(candidate):
            if candidate.strip():
                statements.append(candidate)
            current = []
    rest = "".join(current).strip()
    if rest and not rest.startswith("--"):
        statements.append(rest)
    return statements
