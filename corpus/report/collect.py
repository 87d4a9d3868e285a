"""Read what the report shows from the store: summary counts, outlets, rejects, clusters, texts."""

from __future__ import annotations

import sqlite3
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import opencc

from corpus.report.settings import ReportSettings

SIMPLIFIED = "zh-Hans"

# Cluster members in report order: biggest clusters first, the canonical first inside each.
MEMBERS_SQL = """
SELECT cm.cluster_id, c.canonical_doc_id, cd.url AS canonical_url, c.canonical_reason, cm.doc_id, cm.similarity,
       cm.method, d.url, d.outlet, d.published, d.script, d.title, d.page_url, d.page_number, d.page_name
FROM cluster_members cm
JOIN clusters c ON c.id = cm.cluster_id
JOIN documents cd ON cd.id = c.canonical_doc_id
JOIN documents d ON d.id = cm.doc_id
ORDER BY cm.cluster_id, cm.doc_id = c.canonical_doc_id DESC, cm.similarity DESC, d.published, cm.doc_id
"""

# Documents dedup has not placed in a cluster yet (taken-down pages are skipped by dedup on purpose).
UNDEDUPLICATED_SQL = """
SELECT count(*) FROM documents d
WHERE NOT EXISTS (SELECT 1 FROM cluster_members m WHERE m.doc_id = d.id)
  AND d.url NOT IN (SELECT url FROM takedowns)
"""

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
        "documents": scalar(db, "SELECT count(*) FROM documents"),
        "clusters": len(clusters),
        "clusters_with_duplicates": sum(c["size"] > 1 for c in clusters),
        "duplicates": sum(c["size"] - 1 for c in clusters),
        "cross_script_clusters": sum(c["cross_script"] for c in clusters),
        "containments": len(containments),
        "rejects": sum(row["count"] for row in rejects),
        "not_deduplicated": scalar(db, UNDEDUPLICATED_SQL),
        "size_histogram": size_histogram(clusters),
    }
    texts = read_texts(db, clusters, settings)
    return ReportData(summary, outlets, rejects, containments, clusters, texts)


def scalar(db: sqlite3.Connection, sql: str, params: tuple = ()) -> int:
    return db.execute(sql, params).fetchone()[0]


def read_clusters(db: sqlite3.Connection) -> list[dict]:
    """Every cluster with its members, biggest first (ties by id, so the order is stable).

    The record is the one ``newscorpus export clusters`` writes (cluster_id, canonical {doc_id, url},
    canonical_reason, size, members), plus ``cross_script`` and each member's title.
    """
    by_id: dict[str, dict] = {}
    for row in db.execute(MEMBERS_SQL):
        cluster = by_id.get(row["cluster_id"])
        if cluster is None:
            cluster = by_id[row["cluster_id"]] = {
                "cluster_id": row["cluster_id"],
                "canonical": {"doc_id": row["canonical_doc_id"], "url": row["canonical_url"]},
                "canonical_reason": row["canonical_reason"], "size": 0, "cross_script": False, "members": []}
        cluster["members"].append({name: row[name] for name in MEMBER_FIELDS})
    for cluster in by_id.values():
        cluster["size"] = len(cluster["members"])
        scripts = {m["script"] for m in cluster["members"] if m["script"] in ("zh-Hans", "zh-Hant")}
        cluster["cross_script"] = len(scripts) > 1
    return sorted(by_id.values(), key=lambda c: (-c["size"], c["cluster_id"]))


def outlet_rows(db: sqlite3.Connection, clusters: list[dict]) -> list[dict]:
    """Per outlet: documents, duplicates (members that are not their cluster's canonical), rate."""
    documents = Counter(dict(db.execute("SELECT coalesce(outlet, ''), count(*) FROM documents GROUP BY 1")))
    duplicates, of_other_outlets = Counter(), Counter()
    for cluster in clusters:
        canonical = cluster["members"][0]
        for member in cluster["members"][1:]:
            outlet = member["outlet"] or ""
            duplicates[outlet] += 1
            of_other_outlets[outlet] += member["outlet"] != canonical["outlet"]
    rows = []
    for outlet in sorted(documents, key=lambda o: (-documents[o], o)):
        rows.append({"outlet": outlet, "documents": documents[outlet], "duplicates": duplicates[outlet],
                     "duplicates_of_other_outlets": of_other_outlets[outlet],
                     "duplicate_rate": round(duplicates[outlet] / documents[outlet], 4)})
    return rows


def read_rejects(db: sqlite3.Connection) -> list[dict]:
    """Reject reasons, most frequent first, each with its count per outlet."""
    by_reason: dict[str, dict] = {}
    for reason, outlet, count in db.execute(
            "SELECT reason, coalesce(outlet, ''), count(*) FROM rejects GROUP BY 1, 2 ORDER BY 3 DESC, 2"):
        entry = by_reason.setdefault(reason, {"reason": reason, "count": 0, "outlets": {}})
        entry["count"] += count
        entry["outlets"][outlet] = count
    return sorted(by_reason.values(), key=lambda r: (-r["count"], r["reason"]))


def read_containments(db: sqlite3.Connection) -> list[dict]:
    sql = """
    SELECT c.containment, a.id, a.url, a.outlet, a.title, b.id, b.url, b.outlet, b.title
    FROM containments c JOIN documents a ON a.id = c.container_doc_id JOIN documents b ON b.id = c.contained_doc_id
    ORDER BY c.containment DESC, a.id, b.id
    """
    return [{"containment": row[0],
             "container": {"doc_id": row[1], "url": row[2], "outlet": row[3], "title": row[4]},
             "contained": {"doc_id": row[5], "url": row[6], "outlet": row[7], "title": row[8]}}
            for row in db.execute(sql)]


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
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            marks = ",".join("?" * len(chunk))
            for doc_id, text, script, cut in db.execute(
                    f"SELECT id, substr(text, 1, ?), script, length(text) > ? FROM documents WHERE id IN ({marks})",
                    (cap, cap, *chunk)):
                entry = {"t": text, "cut": bool(cut)}
                if script != SIMPLIFIED:
                    simplified = converter.convert(text)
                    if simplified != text:
                        entry["s"] = simplified
                texts[doc_id] = entry
    return texts
