"""What a run re-clusters: exact-duplicate groups, the old clusters, and the scope grown along them.

An incremental run touches a small share of the corpus, so both are read from the store on
demand (``OldClusters`` with ``everything=False``), never as a dict over every document; a full
run reads them whole.
"""

from __future__ import annotations

import sqlite3

from corpus.dedup import repository as repo
from corpus.dedup.constraints import Constraints


class Groups:
    """Exact-duplicate groups, represented by their lowest id; a document without a twin is its own."""

    def __init__(self, duplicates: list[list[int]]):
        self._rep = {doc: members[0] for members in duplicates for doc in members}
        self._members = {members[0]: members for members in duplicates}

    def rep_of(self, doc: int) -> int:
        return self._rep.get(doc, doc)

    def members(self, rep: int) -> list[int]:
        return self._members.get(rep, [rep])

    def is_rep(self, doc: int) -> bool:
        return self._rep.get(doc, doc) == doc

    def followers(self) -> list[int]:
        """Documents that are not their group's representative."""
        return [doc for members in self._members.values() for doc in members[1:]]


class OldClusters:
    """The clusters the last run left: every membership read at once, or each looked up when asked."""

    def __init__(self, db: sqlite3.Connection, everything: bool):
        self.db = db
        self._cluster: dict[int, str | None] = {}
        self._members: dict[str, list[int]] = {}
        if everything:
            self._cluster.update(repo.memberships(db))
            for doc, cid in self._cluster.items():
                self._members.setdefault(cid, []).append(doc)

    def cluster_of(self, doc: int) -> str | None:
        if doc not in self._cluster:
            self._cluster[doc] = repo.clusters_of(self.db, [doc]).get(doc)
        return self._cluster[doc]

    def members(self, cluster_id: str) -> list[int]:
        if cluster_id not in self._members:
            self._members[cluster_id] = repo.members_of(self.db, cluster_id)
        return self._members[cluster_id]

    def of(self, docs: set[int]) -> dict[int, str]:
        """The old cluster of each of ``docs`` that had one."""
        unknown = sorted(doc for doc in docs if doc not in self._cluster)
        found = repo.clusters_of(self.db, unknown)
        self._cluster.update((doc, found.get(doc)) for doc in unknown)
        return {doc: self._cluster[doc] for doc in docs if self._cluster[doc] is not None}

    def prefetch(self, docs: set[int]) -> None:
        """Read the clusters of ``docs`` and their members in a few queries, not one per document."""
        clusters = {cid for cid in self.of(docs).values() if cid not in self._members}
        for cid, members in repo.cluster_members(self.db, sorted(clusters)).items():
            self._members[cid] = members
            self._cluster.update((doc, cid) for doc in members)


class Grower:
    """Grows a scope: a document brings its exact-duplicate group, its old cluster, its editors'
    group and (when ``adjacency`` is given) its representative's candidates."""

    def __init__(self, groups: Groups, old: OldClusters, live: set[int], constraints: Constraints,
                 adjacency: dict[int, list[int]] | None = None):
        self.groups, self.old, self.live = groups, old, live
        self.together = constraints.together_of()
        self.adjacency = adjacency or {}
        self.scope: set[int] = set()

    def __call__(self, stack: list[int]) -> None:
        while stack:  # in waves, each wave's old clusters read at once
            wave = {doc for doc in stack if doc in self.live and doc not in self.scope}
            wave = {member for doc in wave for member in self.groups.members(self.groups.rep_of(doc))}
            self.old.prefetch(wave)
            stack = []
            for member in wave - self.scope:
                self.scope.add(member)
                cluster = self.old.cluster_of(member)
                if cluster is not None:
                    stack.extend(self.old.members(cluster))
                stack.extend(self.together.get(member, ()))
                stack.extend(self.adjacency.get(self.groups.rep_of(member), ()))
