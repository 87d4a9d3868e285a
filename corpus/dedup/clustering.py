"""Star clustering with a chain guard: every member is verified-similar to its cluster's canonical.

Transitive merging (union-find over similar pairs) lets templated pages chain unrelated stories
into one giant cluster. Here the best document by the canonical policy picks its own verified
neighbours; whatever is left picks again. No member joins through another member.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from corpus.dedup.canonical import Candidate, CanonicalPolicy


@dataclass
class Cluster:
    canonical: int
    reason: str
    members: list[tuple[int, float, str]] = field(default_factory=list)  # (doc id, similarity, method)


def star_clusters(
    docs: dict[int, Candidate],
    groups: dict[int, list[int]],
    similar: dict[int, dict[int, float]],
    policy: CanonicalPolicy,
) -> list[Cluster]:
    """Clusters of ``docs``.

    Args:
        docs: every document to place, by id.
        groups: exact-duplicate groups by representative id (a representative maps to all its
            documents, itself included); every document is in exactly one group.
        similar: verified Jaccard between representatives that reached the decision threshold,
            both directions.
        policy: orders documents best-first and explains the choice.

    Returns:
        Clusters covering every document once; each member's similarity is to the canonical.
    """
    rep_of = {doc: rep for rep, members in groups.items() for doc in members}
    order = sorted(docs.values(), key=policy.key)
    placed: set[int] = set()
    clusters = []
    for best in order:
        if best.doc_id in placed:
            continue
        rep = rep_of[best.doc_id]
        members = [(best.doc_id, 1.0, "canonical")]
        members += [(doc, 1.0, "exact") for doc in groups[rep] if doc != best.doc_id and doc not in placed]
        for other_rep, jaccard in similar.get(rep, {}).items():
            members += [(doc, jaccard, "near") for doc in groups[other_rep] if doc not in placed]
        placed.update(doc for doc, _, _ in members)
        others = [docs[doc] for doc, _, _ in members[1:]]
        clusters.append(Cluster(best.doc_id, policy.reason(best, others), members))
    return clusters


def components(nodes: set[int], pairs: set[tuple[int, int]]) -> list[set[int]]:
    """Connected components of ``nodes`` under ``pairs`` (union-find, path halving)."""
    parent = {node: node for node in nodes}

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for a, b in pairs:
        if a in parent and b in parent:
            root_a, root_b = find(a), find(b)
            if root_a != root_b:
                parent[root_a] = root_b
    found: dict[int, set[int]] = {}
    for node in nodes:
        found.setdefault(find(node), set()).add(node)
    return list(found.values())


def stable_ids(clusters: list[Cluster], old_ids: dict[int, str], taken: set[str],
               new_id: Callable[[int], str]) -> list[str]:
    """An id per cluster: the canonical's old cluster id, else its members' most common old id,
    else a new one; an old id goes to one cluster only. ``taken`` holds ids that must not be reused."""
    used: set[str] = set()
    ids = []
    for cluster in sorted(clusters, key=lambda c: -len(c.members)):
        choices = [old_ids.get(cluster.canonical)]
        votes: dict[str, int] = {}
        for doc, _, _ in cluster.members:
            if doc in old_ids:
                votes[old_ids[doc]] = votes.get(old_ids[doc], 0) + 1
        choices += sorted(votes, key=lambda cid: (-votes[cid], cid))
        chosen = next((cid for cid in choices if cid and cid not in used), None)
        if chosen is None:
            chosen = new_id(cluster.canonical)
            suffix = 2
            base = chosen
            while chosen in used or chosen in taken:
                chosen, suffix = f"{base}-{suffix}", suffix + 1
        used.add(chosen)
        ids.append((cluster, chosen))
    order = {id(cluster): cid for cluster, cid in ids}
    return [order[id(cluster)] for cluster in clusters]
