"""The workspace: one folder holding the store, raw WARC files, releases, reports and logs."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from corpus.store import Store

DEFAULT_HOME = "newscorpus-data"
HOME_ENV = "NEWSCORPUS_HOME"


@dataclass(frozen=True)
class Workspace:
    """Paths of one workspace; folders are created on first use, never implicitly deleted."""

    home: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike | None = None) -> "Workspace":
        """Workspace from an explicit path, else ``$NEWSCORPUS_HOME``, else ``./newscorpus-data``."""
        chosen = home or os.environ.get(HOME_ENV) or DEFAULT_HOME
        return cls(Path(chosen).expanduser().resolve())

    @property
    def db_path(self) -> Path:
        return self.home / "store.sqlite"

    @property
    def warc_dir(self) -> Path:
        return self.home / "warc"

    @property
    def releases_dir(self) -> Path:
        return self.home / "releases"

    @property
    def reports_dir(self) -> Path:
        return self.home / "reports"

    @property
    def logs_dir(self) -> Path:
        return self.home / "logs"

    def ensure(self) -> "Workspace":
        """Create the workspace folders (idempotent) and return self."""
        for path in (self.home, self.warc_dir, self.releases_dir, self.reports_dir, self.logs_dir):
            path.mkdir(parents=True, exist_ok=True)
        return self

    def open_store(self) -> Store:
        """Open (and migrate) the workspace's SQLite store."""
        self.ensure()
        return Store.open(self.db_path)
