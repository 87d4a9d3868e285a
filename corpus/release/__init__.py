"""Releases: immutable, versioned Parquet snapshots of the deduplicated corpus.

``make_release`` freezes the store into ``releases/<version>/`` (data shards, clusters, changes
against the previous release, manifest with checksums, dataset card); ``verify_release``
recomputes the checksums; ``diff_releases`` compares two releases; ``record_takedown`` keeps a
page out of every later release, ``record_story_takedown`` every page of a story.
Names are imported on first use, so reading the release settings does not load PyArrow.
"""

import importlib

_EXPORTS = {
    "make_release": "build", "ReleaseInfo": "catalog", "list_releases": "catalog", "load_release": "catalog",
    "validate_version": "catalog", "count_changes": "changes", "diff_releases": "changes", "ReleaseError": "errors",
    "verify_release": "manifest", "ReleaseSettings": "settings", "StoryTakedown": "takedown", "Takedown": "takedown",
    "record_story_takedown": "takedown", "record_takedown": "takedown",
}
__all__ = [
    "ReleaseError", "ReleaseInfo", "ReleaseSettings", "StoryTakedown", "Takedown", "count_changes", "diff_releases",
    "list_releases", "load_release", "make_release", "record_story_takedown", "record_takedown", "validate_version",
    "verify_release",
]


def __getattr__(name: str):
    """Import the submodule that defines ``name`` on first use (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
