"""What changed between two releases, computed from their ``clusters.parquet`` files.

Per story id: *added* (new story), *updated* (its canonical text or URL changed), and for a story
that is gone: *taken_down* (its URL has a tombstone), *merged* (its canonical page is now a
duplicate inside another story) or *removed* (anything else). A taken-down page that was only a
duplicate is listed as *taken_down* too, so every tombstone shows up in the release that applies it.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from corpus.release.catalog import BrokenRelease, load_release
from corpus.release.errors import ReleaseError
from corpus.release.snapshot import taken_down_urls
from corpus.release.tables import CHANGE_KINDS

CLUSTERS_FILE = "clusters.parquet"
MAX_LISTED_PER_KIND = 500


def read_members(release_path: Path) -> list[dict]:
    """The pages of a release (story id, URL, canonical or not, text hash), from its clusters.parquet."""
    columns = ["cluster_id", "url", "is_canonical", "text_sha256"]
    try:
        return pq.read_table(release_path / CLUSTERS_FILE, columns=columns).to_pylist()
    except (OSError, pa.ArrowException) as error:
        raise ReleaseError(f"cannot read {release_path / CLUSTERS_FILE} ({error}); "
                           f"run `newscorpus verify {release_path.name}`") from None


def compute_changes(old: list[dict], new: list[dict], taken_down: set[str]) -> list[dict]:
    """Change rows (see ``tables.CHANGES_SCHEMA``) from the older to the newer member list."""
    old_canonical = {row["cluster_id"]: row for row in old if row["is_canonical"]}
    new_canonical = {row["cluster_id"]: row for row in new if row["is_canonical"]}
    new_by_url = {row["url"]: row for row in new}
    changes = []

    def add(change, story_id, url, into=None, detail=None):
        changes.append({"change": change, "id": story_id, "url": url, "into": into, "detail": detail})

    for story_id, row in new_canonical.items():
        before = old_canonical.get(story_id)
        if before is None:
            add("added", story_id, row["url"])
        elif before["url"] != row["url"]:
            add("updated", story_id, row["url"], detail=f"canonical page changed from {before['url']}")
        elif before["text_sha256"] != row["text_sha256"]:
            add("updated", story_id, row["url"], detail="text changed")
    for story_id, row in old_canonical.items():
        if story_id in new_canonical or row["url"] in taken_down:
            continue
        now = new_by_url.get(row["url"])
        if now is not None:
            add("merged", story_id, row["url"], into=now["cluster_id"],
                detail="became a duplicate" if not now["is_canonical"] else "story merged into another")
        else:
            add("removed", story_id, row["url"])
    for row in old:
        if row["url"] in taken_down and row["url"] not in new_by_url:
            add("taken_down", row["cluster_id"], row["url"],
                detail="was the canonical page" if row["is_canonical"] else "was a duplicate")
    order = {kind: index for index, kind in enumerate(CHANGE_KINDS)}
    return sorted(changes, key=lambda c: (order[c["change"]], c["id"], c["url"]))


def count_changes(changes: list[dict]) -> dict[str, int]:
    counts = dict.fromkeys(CHANGE_KINDS, 0)
    for change in changes:
        counts[change["change"]] += 1
    return counts


def render_changes_markdown(version: str, parent: str | None, changes: list[dict],
                            skipped: list[BrokenRelease]) -> str:
    """The human ``CHANGES.md``: counts, then the changes of each kind (the first few hundred)."""
    lines = [f"# Changes in {version}", ""]
    if parent is None:
        lines += ["First release: every story is new.", ""]
    else:
        lines += [f"Compared with the previous release, {parent}.", ""]
    for broken in skipped:
        lines += [f"Release `{broken.name}` was skipped: its pages cannot be read (`newscorpus verify {broken.name}`).",
                  ""]
    counts = count_changes(changes)
    lines += ["| change | stories |", "|---|---:|"]
    lines += [f"| {kind.replace('_', ' ')} | {counts[kind]:,} |" for kind in CHANGE_KINDS]
    lines.append("")
    for kind in CHANGE_KINDS:
        listed = [c for c in changes if c["change"] == kind]
        if not listed or (parent is None and kind == "added"):
            continue
        lines += [f"## {kind.replace('_', ' ').capitalize()}", ""]
        for change in listed[:MAX_LISTED_PER_KIND]:
            line = f"- `{_code(change['id'])}` {_code_span(change['url'])}"
            if change["into"]:
                line += f" → `{_code(change['into'])}`"
            if change["detail"]:
                line += f" ({_code(change['detail'])})"
            lines.append(line)
        if len(listed) > MAX_LISTED_PER_KIND:
            lines.append(f"- … and {len(listed) - MAX_LISTED_PER_KIND:,} more: see changes.parquet")
        lines.append("")
    return "\n".join(lines)


def _code(text: str) -> str:
    """Scraped text inside Markdown: no backticks or line breaks that could break the layout."""
    return " ".join(str(text).replace("`", "'").split())


def _code_span(url: str) -> str:
    return f"`{_code(url)}`"


def diff_releases(workspace, old_version: str, new_version: str) -> list[dict]:
    """The changes from release ``old_version`` to ``new_version`` of ``workspace``.

    Takedowns count when they were recorded before ``new_version`` was created.
    """
    old = load_release(workspace.releases_dir, old_version)
    new = load_release(workspace.releases_dir, new_version)
    store = workspace.open_store()
    try:
        taken_down = taken_down_urls(store.conn, before=new.manifest.get("created"))
    finally:
        store.close()
    return compute_changes(read_members(old.path), read_members(new.path), taken_down)
