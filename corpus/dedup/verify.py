"""Verification and clustering of a batch of connected components: the second per-batch pure function.

``verify_batch(settings, constraints, job)`` computes exact shingle sets from the texts in the job,
judges every candidate pair, and clusters each component. Like ``fingerprint_batch`` it reads
nothing but its arguments, so the executor can run batches in other processes (or machines); the
driver writes the results.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from corpus.dedup.canonical import Candidate, CanonicalPolicy, stray_share
from corpus.dedup.clustering import Cluster, cluster_component
from corpus.dedup.constraints import Constraints
from corpus.dedup.judge import DocFacts, Evidence, Judge, Link
from corpus.dedup.settings import DedupSettings


@dataclass(frozen=True)
class Component:
    """Representatives connected by candidate pairs, with their exact-duplicate groups."""

    groups: dict[int, list[int]]          # representative -> its documents (itself included)
    pairs: list[tuple[int, int]]          # candidate pairs of representatives, low id first


@dataclass(frozen=True)
class VerifyJob:
    components: list[Component]
    candidates: dict[int, Candidate]      # every document of the components
    facts: dict[int, DocFacts]            # every representative of a component with pairs
    texts: dict[int, str]                 # the same representatives' stored texts


@dataclass
class VerifyResult:
    clusters: list[Cluster] = field(default_factory=list)
    containments: list[tuple[int, int, float]] = field(default_factory=list)  # (container, contained, share)
    links: list[tuple[int, int, str, float, str]] = field(default_factory=list)  # same-template links
    verified: int = 0


def verify_batch(settings: DedupSettings, constraints: Constraints, job: VerifyJob) -> VerifyResult:
    """Clusters, containments and template links of the job's components."""
    policy = CanonicalPolicy(settings)
    evidence = Evidence(settings.shingle_size)
    evidence.load(job.texts)
    judge = Judge(settings, job.facts, evidence)
    result = VerifyResult()
    for component in job.components:
        docs = {doc: job.candidates[doc] for members in component.groups.values() for doc in members}
        found: dict[tuple[int, int], Link] = {}
        if len(component.groups) > 1:
            docs = {doc: _with_stray(candidate, job.texts.get(doc)) for doc, candidate in docs.items()}
            for a, b in component.pairs:
                found[(a, b)] = judge.link(a, b)
            result.verified += len(component.pairs)
        result.clusters.extend(cluster_component(docs, component.groups, found, judge.link, policy,
                                                 settings.member_floor, settings.titled_containment, constraints))
        for (a, b), link in found.items():
            if link.kind == "edition":
                result.links.append((a, b, "same-template", round(link.jaccard, 6), link.reason))
            elif not link.same and link.contained >= settings.containment:
                container, inner = (a, b) if evidence.size(a) >= evidence.size(b) else (b, a)
                result.containments.extend((outer_doc, inner_doc, round(link.contained, 4))
                                           for outer_doc in component.groups[container]
                                           for inner_doc in component.groups[inner])
    return result


def _with_stray(candidate: Candidate, text: str | None) -> Candidate:
    return Candidate(candidate.doc_id, candidate.outlet, candidate.published, candidate.norm_chars,
                     stray=stray_share(text or ""))
