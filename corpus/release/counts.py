"""The counts a manifest and dataset card report: by outlet, language, script, source, version."""

from __future__ import annotations

from collections import Counter

from corpus.release.dates import parse_moment
from corpus.release.snapshot import Story


class ReleaseCounts:
    """Add every released story; ``as_dict()`` gives the manifest's ``counts``."""

    def __init__(self, taken_down: int):
        self.taken_down = taken_down
        self.outlets, self.langs, self.scripts = Counter(), Counter(), Counter()
        self.pages, self.sources, self.cleaner_versions = Counter(), Counter(), Counter()
        self.published: list[str] = []

    def add(self, story: Story) -> None:
        doc = story.canonical
        self.outlets[doc.outlet or "unknown"] += 1
        self.langs[doc.lang or "unknown"] += 1
        self.scripts[doc.script or "unknown"] += 1
        if doc.published:
            self.published.append(doc.published)
        for member in story.members:
            self.pages[member.outlet or "unknown"] += 1
            self.sources[member.source] += 1
            self.cleaner_versions[member.cleaner_version] += 1

    @property
    def stories(self) -> int:
        return sum(self.outlets.values())

    def as_dict(self) -> dict:
        documents, members = sum(self.outlets.values()), sum(self.pages.values())
        return {
            "documents": documents,
            "members": members,
            "duplicates": members - documents,
            "taken_down_in_store": self.taken_down,
            "by_outlet": dict(sorted(self.outlets.items())),
            "pages_by_outlet": dict(sorted(self.pages.items())),
            "pages_by_source": dict(sorted(self.sources.items())),
            "by_lang": dict(sorted(self.langs.items())),
            "by_script": dict(sorted(self.scripts.items())),
            "time_span": time_span(self.published),
        }


def time_span(published: list[str]) -> dict:
    """Earliest and latest publication date, compared as instants (what is not a date is skipped)."""
    instants = sorted((moment.utc, value) for value in published if (moment := parse_moment(value)))
    return {
        "earliest": instants[0][1] if instants else None,
        "latest": instants[-1][1] if instants else None,
        "dated": len(instants),
    }
