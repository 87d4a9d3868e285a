"""Site health: per outlet and crawl run, how extraction went, compared with the outlet's history.

Sites change templates without notice, and go down: a crawler that quietly starts keeping navigation
instead of articles poisons the corpus, and one that quietly fetches nothing misses the news. After
each crawl we record, per outlet, the fetch failures, the extraction yield, the median text length,
the share of documents with a date and the garble rate, and say plainly when the server stopped
answering or a metric moves far from that outlet's recent runs. Such alerts make the run 'degraded'
(exit 3) and show in `run`, `status` and the report.
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from corpus import documents, fetches
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
# An outlet is down when at least this many fetches were tried and more than this share failed
# (no answer, a timeout, a 5xx): judged on the run alone, a dead server needs no history.
HEALTH_MIN_FETCHES = 3
HEALTH_MAX_FETCH_ERRORS = 0.5


@dataclass(frozen=True)
class HealthSettings:
    """The thresholds of the site-health watch; validated when built."""

    min_pages: int = HEALTH_MIN_PAGES
    history_runs: int = HEALTH_HISTORY_RUNS
    yield_drop: float = HEALTH_YIELD_DROP
    length_factor: float = HEALTH_LENGTH_FACTOR
    dated_drop: float = HEALTH_DATED_DROP
    garbled_rise: float = HEALTH_GARBLED_RISE
    min_fetches: int = HEALTH_MIN_FETCHES
    max_fetch_errors: float = HEALTH_MAX_FETCH_ERRORS

    def __post_init__(self) -> None:
        for name in ("min_pages", "history_runs", "min_fetches"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise ValueError(f"HEALTH_{name.upper()} must be a whole number >= 1, got {getattr(self, name)!r}")
        for name in ("yield_drop", "dated_drop", "garbled_rise", "max_fetch_errors"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"HEALTH_{name.upper()} must be a share between 0 and 1, got {getattr(self, name)!r}")
        if self.length_factor <= 1:
            raise ValueError(f"HEALTH_LENGTH_FACTOR must be above 1, got {self.length_factor!r}")


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
    fetches: int = 0
    fetch_errors: int = 0
    top_error: str | None = None
    alerts: list[str] = field(default_factory=list)


NO_FETCHES = fetches.OutletFetches(attempts=0, errors=0, top_error=None)


def measure_run(store: Store, crawl_run_id: int) -> list[OutletHealth]:
    """Measure every outlet the crawl run was asked to crawl or fetched for (after extraction)."""
    attempts = fetches.outlet_fetches(store.conn, crawl_run_id)
    # An outlet can have no fetch row at all: its robots.txt (shared with others on the host) failed.
    # Then the run's commonest error stands for it, unless the run stopped at its page budget.
    listed, stats = store.execute("SELECT sites, stats FROM crawl_runs WHERE id = ?",
                                  (crawl_run_id,)).fetchone() or ("[]", "{}")
    pages = Counter({outlet: 0 for outlet in [*json.loads(listed or "[]"), *attempts]})
    budget_spent = str(json.loads(stats or "{}").get("finish_reason", "")).startswith("closespider_")
    run_error = None if budget_spent else fetches.commonest_error(store.conn, crawl_run_id)
    for outlet, count in fetches.article_pages(store.conn, crawl_run_id).items():
        pages[outlet] = count
    lengths: dict[str, list[int]] = {outlet: [] for outlet in pages}
    dated = Counter()
    for outlet, length, published in documents.run_article_documents(store.conn, crawl_run_id):
        lengths.setdefault(outlet, []).append(length)
        dated[outlet] += published is not None
    reasons: dict[str, Counter] = {outlet: Counter() for outlet in pages}
    for outlet, reason, count in documents.run_article_rejects(store.conn, crawl_run_id):
        reasons.setdefault(outlet, Counter())[reason] = count
    measured = []
    for outlet in sorted(pages):
        n_pages, docs = pages[outlet], lengths.get(outlet, [])
        tried = attempts.get(outlet, NO_FETCHES)
        measured.append(OutletHealth(
            outlet=outlet,
            pages=n_pages,
            documents=len(docs),
            yield_=len(docs) / n_pages if n_pages else None,
            median_length=statistics.median(docs) if docs else None,
            dated_share=dated[outlet] / len(docs) if docs else None,
            garbled_share=reasons[outlet]["garbled"] / n_pages if n_pages else None,
            reject_reasons=dict(reasons[outlet]),
            fetches=tried.attempts,
            fetch_errors=tried.errors,
            top_error=tried.top_error or run_error,
        ))
    return measured


def history(store: Store, outlet: str, before_run_id: int, settings: HealthSettings = HealthSettings()) -> list[dict]:
    """The outlet's last few measured runs before this one, newest first."""
    rows = store.execute(
        "SELECT pages, yield, median_length, dated_share, garbled_share FROM site_health "
        "WHERE outlet = ? AND crawl_run_id < ? AND pages >= ? ORDER BY crawl_run_id DESC LIMIT ?",
        (outlet, before_run_id, settings.min_pages, settings.history_runs))
    return [dict(row) for row in rows]


def fetch_alerts(now: OutletHealth, settings: HealthSettings = HealthSettings()) -> list[str]:
    """A warning when no fetch of an outlet got an answer, or most failed: the site is down or refusing us.

    Every crawl fetches an outlet's start pages and feeds again, so an outlet without a single answer
    is down, whether its fetches failed or none could be made (its host's robots.txt failed).
    """
    if now.fetches == now.fetch_errors and (now.fetch_errors or now.top_error):
        why = f" ({now.top_error})" if now.top_error else ""
        return [f"{now.outlet}: no fetch was answered{why}; is the site down or blocking the crawler?"]
    if now.fetches < settings.min_fetches or now.fetch_errors / now.fetches <= settings.max_fetch_errors:
        return []
    return [f"{now.outlet}: {now.fetch_errors} of {now.fetches} fetches failed ({now.top_error}); "
            "is the site down or blocking the crawler?"]


def alerts_for(now: OutletHealth, past: list[dict], settings: HealthSettings = HealthSettings()) -> list[str]:
    """Plain-language warnings where this run departs from the outlet's recent history."""
    if now.pages < settings.min_pages or not past:
        return []

    def usual(key: str) -> float | None:
        values = [row[key] for row in past if row[key] is not None]
        return statistics.median(values) if values else None

    alerts = []
    base_yield = usual("yield")
    if base_yield and now.yield_ is not None and now.yield_ < base_yield * settings.yield_drop:
        alerts.append(f"{now.outlet}: only {now.yield_:.0%} of article pages gave a document "
                      f"(usually {base_yield:.0%}); has the page template changed?")
    base_length = usual("median_length")
    if base_length and now.median_length is not None and not (
            base_length / settings.length_factor <= now.median_length <= base_length * settings.length_factor):
        alerts.append(f"{now.outlet}: median text length {now.median_length:.0f} characters "
                      f"(usually {base_length:.0f}); extraction may be keeping the wrong part of the page.")
    base_dated = usual("dated_share")
    if base_dated is not None and now.dated_share is not None and now.dated_share < base_dated - settings.dated_drop:
        alerts.append(f"{now.outlet}: only {now.dated_share:.0%} of documents have a date "
                      f"(usually {base_dated:.0%}).")
    base_garbled = usual("garbled_share")
    if base_garbled is not None and now.garbled_share is not None and \
            now.garbled_share > base_garbled + settings.garbled_rise:
        alerts.append(f"{now.outlet}: {now.garbled_share:.0%} of pages came out garbled "
                      f"(usually {base_garbled:.0%}); has the site changed its encoding?")
    return alerts


def record_run_health(store: Store, crawl_run_id: int, settings: HealthSettings = HealthSettings()) -> list[OutletHealth]:
    """Measure one crawl run, compare each outlet with its history, store and return the result."""
    measured = measure_run(store, crawl_run_id)
    for health in measured:
        health.alerts = fetch_alerts(health, settings) + alerts_for(
            health, history(store, health.outlet, crawl_run_id, settings), settings)
    with store.transaction() as db:
        for h in measured:
            db.execute(
                "INSERT OR REPLACE INTO site_health (crawl_run_id, outlet, pages, documents, yield, median_length, "
                "dated_share, garbled_share, reject_reasons, alerts, created_at, fetches, fetch_errors, top_error) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (crawl_run_id, h.outlet, h.pages, h.documents, h.yield_, h.median_length, h.dated_share,
                 h.garbled_share, json.dumps(h.reject_reasons, ensure_ascii=False),
                 json.dumps(h.alerts, ensure_ascii=False), utc_now(), h.fetches, h.fetch_errors, h.top_error))
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
        "reject_reasons, alerts, fetches, fetch_errors FROM site_health h WHERE crawl_run_id = "
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
                 "with date", "garbled", "rejects", "fetches failed"],
        rows=[[r[0], r[1], r[2], r[3], share(r[4]), "" if r[5] is None else round(r[5]), share(r[6]),
               share(r[7]), ", ".join(f"{k} {v}" for k, v in json.loads(r[8]).items()), f"{r[11]} of {r[10]}"]
              for r in rows],
        alerts=[alert for r in rows for alert in json.loads(r[9])],
        note=f"Each outlet's latest crawl run; warnings compare it with the outlet's last {HEALTH_HISTORY_RUNS} runs.",
    )
