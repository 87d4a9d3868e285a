"""Clusters of one connected component of verified pairs: a canonical, its copies, no chains.

Transitive merging (union-find over similar pairs) lets templated pages chain unrelated stories
into one giant cluster. Here the best document by the canonical policy (which prefers the medoid,
so a noisy copy never anchors a story) opens a cluster and grows it best-first: a document joins
through the member it matches best (its evidence: a ``same`` link), but only if it is not clearly
different from any member (verified Jaccard below ``DEDUP_MEMBER_FLOOR`` without a ``same`` link,
or another edition of a template). So A~B~C with A and C unrelated never puts A and C
together, while a clean copy that a noisy one would not reach still joins through the original.
Editors' decisions (``Constraints``) win over all of this.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Container
from dataclasses import dataclass, field, replace

from corpus.dedup.canonical import Candidate, CanonicalPolicy
from corpus.dedup.constraints import Constraints
from corpus.dedup.judge import Link

MEMBER_CHECKS = 64  # members a joining document is checked against (the first ones: the strongest)


@dataclass
class Cluster:
    canonical: int
    reason: str
    members: list[tuple[int, float, str]] = field(default_factory=list)  # (doc id, similarity, method)
    reasons: dict[int, str] = field(default_factory=dict)                # doc id -> why it is a member


def cluster_component(
    docs: dict[int, Candidate],
    groups: dict[int, list[int]],
    links: dict[tuple[int, int], Link],
    link_of: Callable[[int, int], Link],
    policy: CanonicalPolicy,
    floor: float,
    cover: float,
    constraints: Constraints | None = None,
) -> list[Cluster]:
    """Clusters covering every document of ``docs`` once.

    Args:
        docs: every document to place, by id.
        groups: exact-duplicate groups by representative id (each document in exactly one).
        links: verdicts on the candidate pairs of representatives, keyed ``(low id, high id)``.
        link_of: the verdict on any other pair of representatives (computed on demand).
        policy: orders documents best-first and explains the choice.
        floor: Jaccard under which two members without a ``same`` link are clearly different...
        cover: ...unless the canonical holds this share of both (two differently shortened copies).
        constraints: editors' decisions.

    Returns:
        Clusters; each member's similarity is its verified Jaccard with the canonical.
    """
    constraints = constraints or Constraints()
    rep_of = {doc: rep for rep, members in groups.items() for doc in members}
    neighbours: dict[int, list[tuple[int, Link]]] = {}
    for (a, b), link in links.items():
        if link.same:
            neighbours.setdefault(a, []).append((b, link))
            neighbours.setdefault(b, []).append((a, link))
    docs = _ranked(docs, groups, rep_of, neighbours, links, constraints)
    together = constraints.together_of()
    placed: set[int] = set()
    clusters = []

    def link(a: int, b: int) -> Link:
        key = (min(a, b), max(a, b))
        if key not in links:
            links[key] = link_of(*key)
        return links[key]

    for best in sorted(docs.values(), key=policy.key):
        if best.doc_id in placed:
            continue
        canonical, rep = best.doc_id, rep_of[best.doc_id]
        cluster = Cluster(canonical, "", [(canonical, 1.0, "canonical")])
        members, member_reps = [canonical], [rep]

        def admit(doc: int, method: str, reason: str) -> None:
            similarity = 1.0 if rep_of[doc] == rep else link(rep, rep_of[doc]).jaccard
            cluster.members.append((doc, similarity, method))
            cluster.reasons[doc] = reason
            members.append(doc)
            placed.add(doc)

        def apart(doc: int) -> bool:
            return any(constraints.is_apart(doc, member) for member in members)

        placed.add(canonical)
        for doc in groups[rep]:
            if doc not in placed and not apart(doc):
                admit(doc, "exact", "same normalised text as the canonical")
        heap = [(-found.jaccard, other, rep) for other, found in neighbours.get(rep, ())]
        heapq.heapify(heap)
        tried: set[int] = set()
        while heap:
            _, other, via = heapq.heappop(heap)
            if other in tried or other not in docs or other in placed:
                continue
            tried.add(other)
            if not _compatible(other, member_reps, link, floor, cover):
                continue
            evidence = link(via, other)
            where = "the canonical" if via == rep else f"member {via}"
            joined = [doc for doc in groups[other] if doc not in placed and not apart(doc)]
            for doc in joined:
                admit(doc, evidence.kind, f"{evidence.reason} with {where}")
            if joined:
                member_reps.append(other)
                for following, found in neighbours.get(other, ()):
                    if following not in placed:
                        heapq.heappush(heap, (-found.jaccard, following, other))
        for doc in list(members):
            for grouped in sorted(together.get(doc, ())):
                if grouped in docs and grouped not in placed and not apart(grouped):
                    admit(grouped, "editor", "kept together by an editor")
        cluster.reason = policy.reason(best, [docs[doc] for doc in members[1:]])
        clusters.append(cluster)
    return clusters


def _compatible(rep: int, member_reps: list[int], link: Callable[[int, int], Link], floor: float,
                cover: float) -> bool:
    """Not clearly different from any member. Two shortened copies that dropped different paragraphs
    may share little with each other, but the canonical covers both: that is not a chain."""
    canonical = member_reps[0]
    inside = link(canonical, rep).contained >= cover
    for member in member_reps[:MEMBER_CHECKS]:
        verdict = link(member, rep)
        if verdict.kind == "edition":
            return False
        if not verdict.same and verdict.jaccard < floor and not (inside and link(canonical, member).contained >= cover):
            return False
    return True


def _ranked(docs: dict[int, Candidate], groups: dict[int, list[int]], rep_of: dict[int, int],
            neighbours: dict[int, list[tuple[int, Link]]], links: dict[tuple[int, int], Link],
            constraints: Constraints) -> dict[int, Candidate]:
    """``docs`` with what the policy needs from the component: centrality (the medoid), whether a
    later same-day revision replaced it, whether an editor chose it."""
    total = len(docs)
    ranked = {}
    for doc, candidate in docs.items():
        rep = rep_of[doc]
        score = len(groups[rep]) - 1 + sum(link.jaccard * len(groups[other]) for other, link in neighbours.get(rep, ()))
        superseded = any(link.kind == "revision" and _later(docs.get(other), candidate)
                         for other, link in neighbours.get(rep, ()))
        ranked[doc] = replace(candidate, centrality=score / max(total - 1, 1), superseded=superseded,
                              chosen=doc in constraints.canonical)
    return ranked


def _later(other: Candidate | None, doc: Candidate) -> bool:
    return other is not None and bool(other.published and doc.published) and other.published > doc.published


def components(nodes: set[int], pairs) -> list[set[int]]:
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


def stable_ids(clusters: list[Cluster], old_ids: dict[int, str], taken: Container[str],
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
