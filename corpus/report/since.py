"""What changed between a release and the store as it is now, in the release stage's own terms.

The current store is read as the next release would read it (``iter_stories``/``cluster_rows``)
and compared with the release's ``clusters.parquet`` by ``compute_changes``, so "changed since
2025.06.01" in the report means exactly what the next release's CHANGES.md will say.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from corpus import clusters, documents
from corpus.release.catalog import load_release
from corpus.release.changes import compute_changes, count_changes, read_members
from corpus.release.snapshot import iter_stories, taken_down_urls
from corpus.release.tables import cluster_rows


@dataclass
class SinceRelease:
    version: str
    created: str | None
    counts: dict[str, int]
    rows: list[dict]                       # change, id (cluster), url, outlet, into, detail
    changed_cluster_ids: set[str] = field(default_factory=set)
    note: str = ""

    def to_json(self) -> dict:
        return {"version": self.version, "created": self.created, "counts": self.counts, "changes": self.rows}


def changes_since(db: sqlite3.Connection, releases_dir: Path, version: str) -> SinceRelease:
    """Compare release ``version`` with the current store (raises ReleaseError if there is no such release)."""
    release = load_release(releases_dir, version)
    taken_down = taken_down_urls(db)
    now = [row for story in iter_stories(db, taken_down) for row in cluster_rows(story)]
    changes = compute_changes(read_members(release.path), now, taken_down)
    outlets = documents.outlets_by_url(db)
    for change in changes:
        change["outlet"] = outlets.get(change["url"])
    changed = {c["id"] for c in changes if c["change"] in ("added", "updated")}
    changed |= {c["into"] for c in changes if c["change"] == "merged" and c["into"]}
    undeduplicated = clusters.undeduplicated(db)[0]
    note = (f"{undeduplicated:,} document(s) are not deduplicated yet and are not counted; run "
            "`newscorpus dedup` first." if undeduplicated else "")
    return SinceRelease(version, release.manifest.get("created"), count_changes(changes), changes, changed, note)
