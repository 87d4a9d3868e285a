"""Releases: immutable, versioned Parquet snapshots of the deduplicated corpus.

``make_release`` freezes the store into ``releases/<version>/`` (data shards, clusters, changes
against the previous release, manifest with checksums, dataset card); ``verify_release``
recomputes the checksums; ``diff_releases`` compares two releases; ``record_takedown`` keeps a
page out of every later release, ``record_story_takedown`` every page of a story.
"""

from corpus.release.build import make_release
from corpus.release.catalog import ReleaseInfo, list_releases, load_release, validate_version
from corpus.release.changes import count_changes, diff_releases
from corpus.release.errors import ReleaseError
from corpus.release.manifest import verify_release
from corpus.release.settings import ReleaseSettings
from corpus.release.takedown import StoryTakedown, Takedown, record_story_takedown, record_takedown

__all__ = [
    "ReleaseError", "ReleaseInfo", "ReleaseSettings", "StoryTakedown", "Takedown", "count_changes", "diff_releases",
    "list_releases", "load_release", "make_release", "record_story_takedown", "record_takedown", "validate_version",
    "verify_release",
]
