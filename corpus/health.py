"""Site health: per outlet and crawl run, how extraction went, compared with the outlet's history.

Sites change templates without notice; a crawler that quietly starts keeping navigation instead of
articles poisons the corpus. After each cycle we record, per outlet, the extraction yield, the
median text length, the share of documents with a date and the garble rate, and say plainly when
one of them moves far from that outlet's recent runs.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from corpus.store import Store, has_table, utc_now

if TYPE_CHECKING:
    from corpus.report.sections import Section

# A run with fewer article pages than this says too little to judge an outlet.
HEALTH_MIN_PAGES = 5
# How many earlier runs of an outlet make its history.
HEALTH_HISTORY_RUNS = 5
# How far a metric may move from the history's median before we warn.
HEALTH_YIELD_DROP = 0.5          # yield below half of usual
HEALTH_LENGTH_FACTOR = 2.0       # median length halved or doubled
HEALTH_DATED_DROP = 0.3          # 30 points fewer documents with a date
HEALTH_GARBLED_RISE = 0.1        # 10 points more pages garbled


@dataclass
class OutletHealth:
    outlet: str
    pages: int
    documents: int
    yield_: float | None
    median_length: float | None
    dated_share: float | None
    garbled_share: float | None
    reject_reasons: dict[str, int]
    alerts: list[str] = field(default_factory=list)


def measure_run(store: Store, crawl_run_id: int) -> list[OutletHealth]:
    """Measure every outlet that had article pages in one crawl run (after extraction)."""
    pages = Counter()
    for outlet, count in store.execute(
        "SELECT site, count(*) FROM fetches WHERE run_id = ? AND status = 200 AND kind = 'article' "
        "GROUP BY site", (crawl_run_id,)):
        pages[outlet] = count
    lengths: dict[str, list[int]] = {outlet: [] for outlet in pages}
    dated = Counter()
    for outlet, length, published in store.execute(
        "SELECT f.site, length(d.text), d.published FROM documents d JOIN fetches f ON f.id = d.fetch_id "
        "WHERE f.run_id = ? AND f.kind = 'article'", (crawl_run_id,)):
        lengths.setdefault(outlet, []).append(length)
        dated[outlet] += published is not None
    reasons: dict[str, Counter] = {outlet: Counter() for outlet in pages}
    for outlet, reason, count in store.execute(
        "SELECT f.site, r.reason, count(*) FROM rejects r JOIN fetches f ON f.id = r.fetch_id "
        "WHERE f.run_id = ? AND f.kind = 'article' GROUP BY f.site, r.reason", (crawl_run_id,)):
        reasons.setdefault(outlet, Counter())[reason] = count
    measured = []
    for outlet in sorted(pages):
        n_pages, docs = pages[outlet], lengths.get(outlet, [])
        measured.append(OutletHealth(
            outlet=outlet,
            pages=n_pages,
            documents=len(docs),
            yield_=len(docs) / n_pages if n_pages else None,
            median_length=statistics.median(docs) if docs else None,
            dated_share=dated[outlet] / len(docs) if docs else None,
            garbled_share=reasons[outlet]["garbled"] / n_pages if n_pages else None,
            reject_reasons=dict(reasons[outlet]),
        ))
    return measured


def history(store: Store, outlet: str, before_run_id: int) -> list[dict]:
    """The outlet's last few measured runs before this one, newest first."""
    rows = store.execute(
        "SELECT pages, yield, median_length, dated_share, garbled_share FROM site_health "
        "WHERE outlet = ? AND crawl_run_id < ? AND pages >= ? ORDER BY crawl_run_id DESC LIMIT ?",
        (outlet, before_run_id, HEALTH_MIN_PAGES, HEALTH_HISTORY_RUNS))
    return [dict(row) for row in rows]


def alerts_for(now: OutletHealth, past: list[dict]) -> list[str]:
    """Plain-language warnings where this run departs from the outlet's recent history."""
    if now.pages < HEALTH_MIN_PAGES or not past:
        return []

    def usual(key: str) -> float | None:
        values = [row[key] for row in past if row[key] is not None]
        return statistics.median(values) if values else None

    alerts = []
    base_yield = usual("yield")
    if base_yield and now.yield_ is not None and now.yield_ < base_yield * HEALTH_YIELD_DROP:
        alerts.append(f"{now.outlet}: only {now.yield_:.0%} of article pages gave a document "
                      f"(usually {base_yield:.0%}); has the page template changed?")
    base_length = usual("median_length")
    if base_length and now.median_length is not None and not (
            base_length / HEALTH_LENGTH_FACTOR <= now.median_length <= base_length * HEALTH_LENGTH_FACTOR):
        alerts.append(f"{now.outlet}: median text length {now.median_length:.0f} characters "
                      f"(usually {base_length:.0f}); extraction may be keeping the wrong part of the page.")
    base_dated = usual("dated_share")
    if base_dated is not None and now.dated_share is not None and now.dated_share < base_dated - HEALTH_DATED_DROP:
        alerts.append(f"{now.outlet}: only {now.dated_share:.0%} of documents have a date "
                      f"(usually {base_dated:.0%}).")
    base_garbled = usual("garbled_share")
    if base_garbled is not None and now.garbled_share is not None and \
            now.garbled_share > base_garbled + HEALTH_GARBLED_RISE:
        alerts.append(f"{now.outlet}: {now.garbled_share:.0%} of pages came out garbled "
                      f"(usually {base_garbled:.0%}); has the site changed its encoding?")
    return alerts


def record_run_health(store: Store, crawl_run_id: int) -> list[OutletHealth]:
    """Measure one crawl run, compare each outlet with its history, store and return the result."""
    measured = measure_run(store, crawl_run_id)
    for health in measured:
        health.alerts = alerts_for(health, history(store, health.outlet, crawl_run_id))
    with store.transaction() as db:
        for h in measured:
            db.execute(
                "INSERT OR REPLACE INTO site_health VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (crawl_run_id, h.outlet, h.pages, h.documents, h.yield_, h.median_length, h.dated_share,
                 h.garbled_share, json.dumps(h.reject_reasons, ensure_ascii=False),
                 json.dumps(h.alerts, ensure_ascii=False), utc_now()))
    return measured


def latest_alerts(store: Store) -> list[str]:
    """The warnings of each outlet's most recent measured run (what `status` and the report show)."""
    rows = store.execute(
        "SELECT alerts FROM site_health h WHERE crawl_run_id = "
        "(SELECT max(crawl_run_id) FROM site_health WHERE outlet = h.outlet) ORDER BY outlet")
    return [alert for (alerts,) in rows for alert in json.loads(alerts)]


def report_section(db) -> "Section | None":
    """The site-health table of the editors' report: each outlet's latest run against its history."""
    from corpus.report.sections import Section

    rows = db.execute(
        "SELECT outlet, crawl_run_id, pages, documents, yield, median_length, dated_share, garbled_share, "
        "reject_reasons, alerts FROM site_health h WHERE crawl_run_id = "
        "(SELECT max(crawl_run_id) FROM site_health WHERE outlet = h.outlet) ORDER BY outlet").fetchall() \
        if has_table(db, "site_health") else []
    if not rows:
        return None

    def share(value):
        return "" if value is None else f"{value:.0%}"

    return Section(
        key="site_health",
        title="Site health",
        columns=["outlet", "crawl run", "article pages", "documents", "yield", "median length",
                 "with date", "garbled", "rejects"],
        rows=[[r[0], r[1], r[2], r[3], share(r[4]), "" if r[5] is None else round(r[5]), share(r[6]),
               share(r[7]), ", ".join(f"{k} {v}" for k, v in json.loads(r[8]).items())] for r in rows],
        alerts=[alert for r in rows for alert in json.loads(r[9])],
        note=f"Each outlet's latest crawl run; warnings compare it with the outlet's last {HEALTH_HISTORY_RUNS} runs.",
    )
