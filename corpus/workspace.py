"""The workspace: one folder holding the store, raw WARC files, releases, reports and logs.

Only the stages that bring data in (``crawl``, ``ingest``, ``demo``) and ``init`` create one; every
other command refuses a folder without a store, so a mistyped ``--home`` never becomes an empty
workspace.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from corpus.errors import WorkspaceError
from corpus.store import Store

DEFAULT_HOME = "newscorpus-data"
HOME_ENV = "NEWSCORPUS_HOME"
SETTINGS_FILE = "newscorpus.toml"


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
    def settings_path(self) -> Path:
        return self.home / SETTINGS_FILE

    @property
    def lock_path(self) -> Path:
        return self.home / "run.lock"

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

    def exists(self) -> bool:
        """Whether this folder holds a store (a workspace some stage created)."""
        return self.db_path.exists()

    def check_home(self) -> "Workspace":
        """Self, unless ``home`` is a file or lies under one (a workspace can never be made there).

        Raises:
            WorkspaceError: naming the file in the way.
        """
        for path in (self.home, *self.home.parents):
            if path.exists():
                if not path.is_dir():
                    where = "is a file" if path == self.home else f"is under the file {path}"
                    raise WorkspaceError(f"--home {self.home} {where}, not a workspace folder")
                return self
        return self

    def require(self) -> "Workspace":
        """Self, if the workspace exists and its store is a file.

        Raises:
            WorkspaceError: no workspace here (the message says which commands create one).
        """
        self.check_home()
        if not self.db_path.exists():
            raise WorkspaceError(f"no workspace at {self.home} (run crawl, ingest or init first, or check --home)")
        if self.db_path.is_dir():
            raise WorkspaceError(f"the store {self.db_path} is a folder, not a SQLite file; "
                                 "move it away or pass another --home")
        return self

    def ensure(self) -> "Workspace":
        """Create the workspace folders (idempotent) and return self.

        Raises:
            WorkspaceError: the folders cannot be created (a file in the way, no permission).
        """
        self.check_home()
        for path in (self.home, self.warc_dir, self.releases_dir, self.reports_dir, self.logs_dir):
            try:
                path.mkdir(parents=True, exist_ok=True)
            except FileExistsError:
                raise WorkspaceError(f"cannot create the workspace folder {path}: a file is in the way") from None
            except OSError as error:
                raise WorkspaceError(f"cannot create the workspace folder {path}: {error.strerror or error}; "
                                     "pass a --home you can write to") from None
        try:  # a real write: permissions, read-only mounts and immutable folders all show here
            tempfile.TemporaryFile(dir=self.home).close()
        except OSError as error:
            raise WorkspaceError(f"cannot write to the workspace {self.home} ({error.strerror}); this command "
                                 "writes, while status, export, releases, verify and diff only read") from None
        return self

    def open_store(self, readonly: bool = False) -> Store:
        """Open the workspace's store: migrated for writing (folders created), or read-only.

        Raises:
            WorkspaceError: see ``require``, ``ensure`` and ``Store.open``.
        """
        if readonly:
            return Store.open(self.require().db_path, readonly=True)
        self.ensure()
        return Store.open(self.db_path)
