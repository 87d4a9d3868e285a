"""What changed since the previous report, and ``reports/index.html`` listing every report.

Each report folder also holds ``summary.json`` (when, counts, decisions): small, so the index and
the search for the previous report never parse a big report.json. The comparison reads the
previous report.json once: clusters are matched by id (dedup keeps ids of untouched clusters).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

SUMMARY = "summary.json"
INDEX = "index.html"


@dataclass
class ReportEntry:
    folder: Path
    generated_at: str
    summary: dict


@dataclass
class SincePrevious:
    folder: str
    generated_at: str
    counts: dict[str, int]
    rows: list[dict]                          # change, cluster_id, title, detail
    flags: dict[str, str] = field(default_factory=dict)   # cluster id -> "new" | "grown" | "new outlet"

    def to_json(self) -> dict:
        return {"folder": self.folder, "generated_at": self.generated_at, "counts": self.counts, "changes": self.rows}


def list_reports(reports_dir: Path) -> list[ReportEntry]:
    """Every finished report folder with a summary.json, newest first."""
    entries = []
    if not reports_dir.is_dir():
        return entries
    for folder in reports_dir.iterdir():
        if folder.name.startswith(".") or not (folder / SUMMARY).is_file():
            continue
        try:
            summary = json.loads((folder / SUMMARY).read_text("utf-8"))
            entries.append(ReportEntry(folder, str(summary["generated_at"]), summary))
        except (OSError, ValueError, KeyError, TypeError):
            continue  # a damaged summary hides that report from the index, nothing more
    return sorted(entries, key=lambda e: (e.generated_at, e.folder.name), reverse=True)


def since_previous(previous: ReportEntry | None, clusters: list[dict], decisions: list[dict]) -> SincePrevious | None:
    """New clusters (2+ members), grown clusters, new outlets carrying a story, decisions since then."""
    if previous is None:
        return None
    try:
        old = json.loads((previous.folder / "report.json").read_text("utf-8"))["clusters"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    before = {c["cluster_id"]: c for c in old if isinstance(c, dict) and "cluster_id" in c}
    rows, flags = [], {}
    for cluster in clusters:
        title = cluster["members"][0]["title"] or cluster["canonical"]["url"]
        earlier = before.get(cluster["cluster_id"])
        if earlier is None:
            if cluster["size"] > 1:
                rows.append({"change": "new", "cluster_id": cluster["cluster_id"], "title": title,
                             "detail": f"{cluster['size']} copies"})
                flags[cluster["cluster_id"]] = "new"
            continue
        old_urls = {m["url"] for m in earlier.get("members", [])}
        old_outlets = {m["outlet"] for m in earlier.get("members", [])}
        added = [m for m in cluster["members"] if m["url"] not in old_urls]
        outlets = sorted({m["outlet"] or "(no outlet)" for m in added if m["outlet"] not in old_outlets})
        if outlets:
            rows.append({"change": "new outlet", "cluster_id": cluster["cluster_id"], "title": title,
                         "detail": "now also carried by " + ", ".join(outlets)})
            flags[cluster["cluster_id"]] = "new outlet"
        elif added:
            rows.append({"change": "grown", "cluster_id": cluster["cluster_id"], "title": title,
                         "detail": f"{len(earlier.get('members', []))} → {cluster['size']} copies"})
            flags[cluster["cluster_id"]] = "grown"
    made = [d for d in decisions if (d.get("created_at") or "") >= previous.generated_at]  # same second: shown
    for decision in made:
        rows.append({"change": "decision", "cluster_id": None, "title": decision["action"],
                     "detail": f"{decision['editor'] or '(anonymous)'}: {' · '.join(decision['urls'][:3])}"})
    counts = {kind: sum(row["change"] == kind for row in rows) for kind in ("new", "grown", "new outlet", "decision")}
    return SincePrevious(previous.folder.name, previous.generated_at, counts, rows, flags)


def index_html(entries: list[ReportEntry]) -> str:
    """The page listing every report in ``reports/``, newest first (no script; nothing loaded)."""
    rows = []
    for entry in entries:
        s, name = entry.summary, escape(entry.folder.name)
        counts = s.get("counts", {})
        cells = [f'<a href="{name}/report.html">{escape(entry.generated_at)}</a>']
        cells += [escape(f"{counts.get(k):,}" if isinstance(counts.get(k), int) else "?")
                  for k in ("documents", "clusters", "duplicates", "cross_script_clusters")]
        cells.append(escape(str(s.get("decisions", "?"))))
        cells.append(f'<a href="{name}/clusters.csv">clusters.csv</a> · <a href="{name}/report.json">report.json</a>'
                     f' · <a href="{name}/copies.csv">copies.csv</a>')
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    head = "".join(f"<th>{h}</th>" for h in ("report", "documents", "clusters", "duplicates", "cross-script",
                                              "decisions", "data"))
    body = "".join(rows) or '<tr><td colspan="7">No reports yet.</td></tr>'
    return ('<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">'
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            '<meta name="viewport" content="width=device-width, initial-scale=1"><title>newscorpus reports</title>'
            "<style>body{font:15px/1.5 system-ui,sans-serif;margin:20px;color:#1d2733}"
            ".wrap{overflow-x:auto}table{border-collapse:collapse}"
            "th,td{border-bottom:1px solid #d9dee5;padding:4px 10px;text-align:left;white-space:nowrap}"
            "a{color:#3b6ea8}</style></head><body><h1>Dedup reports</h1>"
            f'<p><a href="latest.html">latest</a> · {len(entries):,} report(s), newest first</p>'
            f'<div class="wrap"><table><tr>{head}</tr>{body}</table></div></body></html>\n')
