"""Read what the report shows from the store: summary counts, outlets, rejects, clusters, texts."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import opencc

from corpus import clusters as store_clusters
from corpus import documents
from corpus.report.settings import ReportSettings

SIMPLIFIED = "zh-Hans"

MEMBER_FIELDS = ("doc_id", "url", "outlet", "published", "script", "similarity", "method", "title",
                 "page_url", "page_number", "page_name")   # the last three: the page a story was printed on


@dataclass
class ReportData:
    """Everything one report shows; ``to_json`` is what report.json holds."""

    summary: dict
    outlets: list[dict]
    rejects: list[dict]
    containments: list[dict]
    clusters: list[dict]
    texts: dict[int, dict] = field(default_factory=dict)

    def to_json(self) -> dict:
        return {"summary": self.summary, "outlets": self.outlets, "rejects": self.rejects,
                "containments": self.containments, "clusters": self.clusters}


def collect(db: sqlite3.Connection, settings: ReportSettings) -> ReportData:
    """Read the store once and shape it for the page, the CSV and the JSON."""
    clusters = read_clusters(db)
    outlets = outlet_rows(db, clusters)
    rejects = read_rejects(db)
    containments = read_containments(db)
    summary = {
        "documents": documents.count_documents(db),
        "clusters": len(clusters),
        "clusters_with_duplicates": sum(c["size"] > 1 for c in clusters),
        "duplicates": sum(c["size"] - 1 for c in clusters),
        "cross_script_clusters": sum(c["cross_script"] for c in clusters),
        "containments": len(containments),
        "rejects": sum(row["count"] for row in rejects),
        "not_deduplicated": store_clusters.undeduplicated(db)[0],
        "size_histogram": size_histogram(clusters),
    }
    texts = read_texts(db, clusters, settings)
    return ReportData(summary, outlets, rejects, containments, clusters, texts)


def read_clusters(db: sqlite3.Connection) -> list[dict]:
    """Every cluster with its members, biggest first (ties by id, so the order is stable).

    The record is the one ``newscorpus export clusters`` writes (cluster_id, canonical {doc_id, url},
    canonical_reason, size, members), plus ``cross_script`` and each member's title.
    """
    by_id: dict[str, dict] = {}
    for member in store_clusters.iter_report_members(db):
        cluster = by_id.get(member.cluster.id)
        if cluster is None:
            cluster = by_id[member.cluster.id] = {
                "cluster_id": member.cluster.id,
                "canonical": {"doc_id": member.cluster.canonical_doc_id, "url": member.canonical_url},
                "canonical_reason": member.cluster.canonical_reason, "size": 0, "cross_script": False,
                "members": []}
        cluster["members"].append({name: getattr(member, name) for name in MEMBER_FIELDS})
    for cluster in by_id.values():
        cluster["size"] = len(cluster["members"])
        scripts = {m["script"] for m in cluster["members"] if m["script"] in ("zh-Hans", "zh-Hant")}
        cluster["cross_script"] = len(scripts) > 1
    return sorted(by_id.values(), key=lambda c: (-c["size"], c["cluster_id"]))


def outlet_rows(db: sqlite3.Connection, clusters: list[dict]) -> list[dict]:
    """Per outlet: documents, duplicates (members that are not their cluster's canonical), rate."""
    per_outlet: Counter = Counter()
    for outlet, count in documents.documents_by_outlet(db).items():
        per_outlet[outlet or ""] += count
    duplicates, of_other_outlets = Counter(), Counter()
    for cluster in clusters:
        canonical = cluster["members"][0]
        for member in cluster["members"][1:]:
            outlet = member["outlet"] or ""
            duplicates[outlet] += 1
            of_other_outlets[outlet] += member["outlet"] != canonical["outlet"]
    rows = []
    for outlet in sorted(per_outlet, key=lambda o: (-per_outlet[o], o)):
        rows.append({"outlet": outlet, "documents": per_outlet[outlet], "duplicates": duplicates[outlet],
                     "duplicates_of_other_outlets": of_other_outlets[outlet],
                     "duplicate_rate": round(duplicates[outlet] / per_outlet[outlet], 4)})
    return rows


def read_rejects(db: sqlite3.Connection) -> list[dict]:
    """Reject reasons, most frequent first, each with its count per outlet."""
    by_reason: dict[str, dict] = {}
    for reason, outlet, count in documents.rejects_by_reason_and_outlet(db):
        entry = by_reason.setdefault(reason, {"reason": reason, "count": 0, "outlets": {}})
        entry["count"] += count
        entry["outlets"][outlet] = count
    return sorted(by_reason.values(), key=lambda r: (-r["count"], r["reason"]))


def read_containments(db: sqlite3.Connection) -> list[dict]:
    return [{"containment": pair.share,
             "container": {"doc_id": pair.container.doc_id, "url": pair.container.url,
                           "outlet": pair.container.outlet, "title": pair.container.title},
             "contained": {"doc_id": pair.contained.doc_id, "url": pair.contained.url,
                           "outlet": pair.contained.outlet, "title": pair.contained.title}}
            for pair in store_clusters.iter_containments(db)]


def size_histogram(clusters: list[dict]) -> list[dict]:
    """Cluster counts in size buckets that stay readable from 1 to thousands."""
    buckets = [(1, 1), (2, 2), (3, 3), (4, 5), (6, 10), (11, 20), (21, 50), (51, None)]
    counts = Counter()
    for cluster in clusters:
        for low, high in buckets:
            if cluster["size"] >= low and (high is None or cluster["size"] <= high):
                counts[(low, high)] += 1
                break
    return [{"label": str(low) if low == high else f"{low}+" if high is None else f"{low}–{high}",
             "count": counts[(low, high)]} for low, high in buckets]


def read_texts(db: sqlite3.Connection, clusters: list[dict], settings: ReportSettings) -> dict[int, dict]:
    """Capped texts for diffs (all members of multi-member clusters) and excerpts of singletons.

    Non-Simplified texts also carry their Simplified form (``s``), made here because the browser has
    no OpenCC; the page diffs those when an editor compares in one script. ``cut`` says the cap bit.
    """
    limits: dict[int, int] = {}
    for cluster in clusters:
        cap = settings.text_max_chars if cluster["size"] > 1 else settings.excerpt_chars
        for member in cluster["members"]:
            limits[member["doc_id"]] = cap
    by_cap: dict[int, list[int]] = defaultdict(list)
    for doc_id, cap in limits.items():
        by_cap[cap].append(doc_id)
    converter = opencc.OpenCC(settings.simplify_config)
    texts: dict[int, dict] = {}
    for cap, ids in by_cap.items():
        for doc_id, text, script, cut in documents.texts_by_id(db, ids, cap):
            entry = {"t": text, "cut": bool(cut)}
            if script != SIMPLIFIED:
                simplified = converter.convert(text)
                if simplified != text:
                    entry["s"] = simplified
            texts[doc_id] = entry
    return texts
