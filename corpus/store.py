"""The SQLite store: one file per workspace, WAL mode, schema kept by named migrations.

This module owns the connection, transactions and the migration ledger; the table groups have
small typed gateways beside it (``corpus.fetches``, ``corpus.documents``, ``corpus.clusters``,
``corpus.runs``), the only modules with SQL on their tables. Migrations are the
``corpus/migrations/NNNN_name.sql`` files, applied in name order, each inside one transaction, and
recorded in ``schema_migrations``.
"""

from __future__ import annotations

import sqlite3
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import Iterator

from corpus.errors import WorkspaceError

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
    def open(cls, path: str | Path, timeout: float = 60.0, readonly: bool = False) -> "Store":
        """Open and migrate the store; ``readonly`` opens it for reading only (no migration, no WAL switch).

        Raises:
            WorkspaceError: the file is not a SQLite store, is a folder, or cannot be written (when writing).
        """
        try:
            conn = _connect_readonly(path, timeout) if readonly else \
                sqlite3.connect(str(path), timeout=timeout, isolation_level=None, check_same_thread=False)
        except sqlite3.DatabaseError as error:
            raise store_error(path, error) from None
        try:
            conn.row_factory = sqlite3.Row
            conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            if not readonly:
                _switch_to_wal(conn, timeout)
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as error:
            conn.close()
            raise store_error(path, error) from None
        store = cls(conn, str(path))
        if not readonly:
            try:
                store.migrate()
            except sqlite3.OperationalError as error:
                if "readonly" not in str(error):
                    raise
                raise store_error(path, error) from None
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


def _switch_to_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """``PRAGMA journal_mode=WAL``, retried while another process opens or checkpoints the same file:
    SQLite can answer this pragma "database is locked" without waiting for its busy timeout."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) and "busy" not in str(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def _connect_readonly(path: str | Path, timeout: float) -> sqlite3.Connection:
    """A read-only connection; in a folder we cannot write, where SQLite cannot make the WAL index,
    the store is read as immutable (nobody can be writing it through a folder nobody may write)."""
    uri = Path(path).resolve().as_uri()
    try:
        return _connect_checked(f"{uri}?mode=ro", timeout)
    except sqlite3.OperationalError as error:
        if "unable to open" not in str(error):
            raise
    return _connect_checked(f"{uri}?immutable=1", timeout)


def _connect_checked(uri: str, timeout: float) -> sqlite3.Connection:
    conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.Error:
        conn.close()
        raise
    return conn


def store_error(path: str | Path, error: sqlite3.DatabaseError) -> WorkspaceError:
    """The user's version of SQLite's complaint about the store file."""
    message = str(error)
    if Path(path).is_dir():
        return WorkspaceError(f"the store {path} is a folder, not a SQLite file; move it away or pass another --home")
    if "readonly" in message or "read-only" in message:
        return WorkspaceError(f"the store {path} is read-only; this command writes to it (read-only commands such "
                              "as status and export still work), so make it writable or copy the workspace")
    if "not a database" in message or "malformed" in message:
        return WorkspaceError(f"{path} is not a newscorpus store (SQLite: {message}); restore it from a backup "
                              "or pass another --home")
    return WorkspaceError(f"cannot use the store {path}: {message}")


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
