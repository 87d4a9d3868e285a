"""Build a release: read one store snapshot, write every file into a temporary folder, rename it.

Atomic: the folder ``releases/.tmp-<version>-…`` is complete and fsynced before one ``rename``
makes it ``releases/<version>``; a SIGKILL at any point leaves either the whole release or only a
temporary folder, which the next release removes. Immutable: an existing version is refused.
Releases are serialised by an ``flock`` on ``releases/.lock``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyarrow as pa

from corpus import __version__, clusters
from corpus.decisions import list_decisions
from corpus.decisions.repository import decisions_summary
from corpus.filemodes import file_mode, folder_mode
from corpus.release.card import render_card
from corpus.release.catalog import (MANIFEST, RELEASE_FORMAT, TEMP_PREFIX, BrokenRelease, ReleaseInfo, default_version,
                                    list_releases, validate_version)
from corpus.release.changes import CLUSTERS_FILE, compute_changes, count_changes, read_members, render_changes_markdown
from corpus.release.configuration import dedup_configuration
from corpus.release.counts import ReleaseCounts
from corpus.release.errors import ReleaseError
from corpus.release.manifest import describe_files, write_json
from corpus.release.settings import ReleaseSettings
from corpus.release.shards import ShardWriter
from corpus.release.snapshot import check_deduplicated, iter_containments, iter_stories, taken_down_urls
from corpus.release.tables import (CHANGES_SCHEMA, CLUSTERS_SCHEMA, CONTAINMENTS_SCHEMA, cluster_rows, document_row,
                                   fsync_file, row_bytes, write_table)
from corpus.runlock import RunLock, WorkspaceBusy
from corpus.store import utc_now
from corpus.workspace import Workspace

DATA_DIR = "data"
LOCK_FILE = ".lock"
PROGRESS_EVERY = 1_000


def make_release(workspace: Workspace, version: str | None = None, notes: str | None = None,
                 settings: ReleaseSettings | None = None,
                 progress: Callable[[int, int], None] | None = None) -> Path:
    """Freeze the store's deduplicated corpus into ``releases/<version>/`` and return that path.

    Args:
        workspace: the workspace whose store is released.
        version: folder name; default ``YYYY.MM.DD`` (UTC) with ``.1``, ``.2``… if taken.
        notes: free text for the dataset card and manifest.
        settings: writer settings (the workspace's, from the settings system); default ``ReleaseSettings()``.
        progress: called as ``progress(stories done, stories in all)`` while the stories are read.

    Raises:
        ReleaseError: bad or existing version, documents not deduplicated yet, another release running.
    """
    settings = settings or ReleaseSettings()
    if version is not None:
        validate_version(version)
    releases_dir = workspace.ensure().releases_dir
    try:
        with RunLock(releases_dir / LOCK_FILE):
            remove_stale_builds(releases_dir)
            version = version or default_version(releases_dir)
            target = releases_dir / version
            if target.exists() or target.is_symlink():
                raise ReleaseError(f"release {version} already exists at {target}; releases are never "
                                   "overwritten: choose another --version (or omit it for a date stamp)")
            lineage = _lineage(list_releases(releases_dir))
            build = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{version}-", dir=releases_dir))
            build.chmod(folder_mode())
            try:
                _build(workspace, build, version, lineage, notes, settings, progress)
                _fsync_tree(build)
                os.rename(build, target)
                _fsync_dir(releases_dir)
            except BaseException:
                shutil.rmtree(build, ignore_errors=True)
                raise
    except WorkspaceBusy:
        raise ReleaseError(f"another release is being written in {releases_dir}; wait for it to finish") from None
    return target


def remove_stale_builds(releases_dir: Path) -> list[str]:
    """Delete temporary folders left by killed releases (call only while holding the lock)."""
    removed = []
    for path in releases_dir.glob(f"{TEMP_PREFIX}*"):
        shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


@dataclass(frozen=True)
class Lineage:
    """Where a new release sits: the release its changes are counted against, and any skipped on the way."""

    parent: ReleaseInfo | None
    parent_members: list[dict]
    skipped: list[BrokenRelease]
    sequence: int


def _lineage(existing: list[ReleaseInfo]) -> Lineage:
    """The newest release whose pages can be read; newer ones that cannot are skipped, and named."""
    skipped = []
    sequence = existing[-1].sequence + 1 if existing else 1
    for info in reversed(existing):
        try:
            return Lineage(info, read_members(info.path), skipped, sequence)
        except ReleaseError as error:
            skipped.append(BrokenRelease(info.version, str(error)))
    return Lineage(None, [], skipped, sequence)


def _build(workspace, build, version, lineage: Lineage, notes, settings, progress) -> None:
    store = workspace.open_store()
    try:
        db = store.conn
        db.execute("BEGIN")  # one read snapshot for the whole release, even if dedup writes meanwhile
        try:
            check_deduplicated(db)
            taken_down = taken_down_urls(db)
            counts, members = _write_stories(db, build, taken_down, settings, progress)
            containments = list(iter_containments(db, {member["url"] for member in members}))
            dedup = dedup_configuration(db)
            decisions = decisions_summary(list_decisions(db))
        finally:
            db.execute("COMMIT")
    finally:
        store.close()
    configuration = _configuration(dict(sorted(counts.cleaner_versions.items())), dedup, settings)
    write_table(members, CLUSTERS_SCHEMA, build / CLUSTERS_FILE, settings)
    write_table(containments, CONTAINMENTS_SCHEMA, build / "containments.parquet", settings)
    parent = lineage.parent.version if lineage.parent else None
    changes = compute_changes(lineage.parent_members, members, taken_down)
    write_table(changes, CHANGES_SCHEMA, build / "changes.parquet", settings)
    (build / "CHANGES.md").write_text(render_changes_markdown(version, parent, changes, lineage.skipped), "utf-8")
    manifest = {
        "version": version,
        "format": RELEASE_FORMAT,
        "parent": parent,
        "parent_skipped": {broken.name: broken.reason for broken in lineage.skipped},
        "sequence": lineage.sequence,
        "created": utc_now(),
        "notes": notes,
        "newscorpus_version": __version__,
        "configuration": configuration,
        "counts": counts.as_dict(),
        "changes": count_changes(changes),
        "decisions": decisions,
    }
    (build / "README.md").write_text(render_card(manifest), "utf-8")
    manifest["files"] = describe_files(build)
    write_json(build / MANIFEST, manifest)


def _configuration(cleaner_versions: dict, dedup: dict | None, settings: ReleaseSettings) -> dict:
    """How the released data was made: as recorded in the store, plus this release's writer settings."""
    return {
        "cleaners": {"cleaner_versions": cleaner_versions},  # per released page
        "dedup": dedup,
        "release": {"shard_size": settings.shard_size, "row_group_rows": settings.row_group_rows,
                    "compression": settings.compression, "compression_level": settings.compression_level,
                    "pyarrow": pa.__version__},
    }


def _write_stories(db, build: Path, taken_down: set[str], settings: ReleaseSettings, progress):
    """Write the data shards; return the counts and the rows of clusters.parquet."""
    (build / DATA_DIR).mkdir()
    shards = ShardWriter(build / DATA_DIR, settings)
    counts, members = ReleaseCounts(len(taken_down)), []
    total = clusters.count_clusters(db) if progress else 0
    for done, story in enumerate(iter_stories(db, taken_down), start=1):
        shards.add(document_row(story), row_bytes(story))
        members.extend(cluster_rows(story))
        counts.add(story)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    shards.close()
    if progress:
        progress(counts.stories, counts.stories)
    return counts, members


def _fsync_tree(root: Path) -> None:
    for path in sorted(root.rglob("*"), reverse=True):
        if path.is_file():
            fsync_file(path)
            path.chmod(file_mode(read_only=True))  # never modified; readable as far as the umask allows
        else:
            _fsync_dir(path)
    _fsync_dir(root)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
