"""The ``decisions`` table: add (idempotently), list, check against the current clusters, digest."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace

from corpus import clusters
from corpus.decisions.model import Decision
from corpus.store import has_table, utc_now


@dataclass(frozen=True)
class DecisionStatus:
    decision: Decision
    state: str            # "holds", "pending" (run dedup), "missing" (a URL is not in the store)
    missing: tuple[str, ...] = ()


def add_decisions(db: sqlite3.Connection, decisions: Iterable[Decision]) -> tuple[list[Decision], int]:
    """Insert the decisions not stored yet (same action, URLs, editor and note); return (added, already there)."""
    added, known = [], 0
    for decision in decisions:
        stamped = decision if decision.created_at else replace(decision, created_at=utc_now())
        cursor = db.execute(
            "INSERT OR IGNORE INTO decisions (action, urls, editor, note, created_at, origin, digest) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (stamped.action, json.dumps(list(stamped.urls), ensure_ascii=False), stamped.editor, stamped.note,
             stamped.created_at, stamped.origin or "import", stamped.digest))
        if cursor.rowcount:
            added.append(replace(stamped, id=cursor.lastrowid))
        else:
            known += 1
    return added, known


def list_decisions(db: sqlite3.Connection) -> list[Decision]:
    """Every decision, oldest first (later decisions win over earlier ones about the same pair)."""
    if not has_table(db, "decisions"):
        return []
    return [Decision(action, tuple(json.loads(urls)), editor, note, created_at, origin, id_)
            for id_, action, urls, editor, note, created_at, origin in db.execute(
                "SELECT id, action, urls, editor, note, created_at, origin FROM decisions ORDER BY created_at, id")]


def decisions_digest(decisions: list[Decision]) -> str:
    """One sha256 over every decision's identity, in order: two workspaces with equal digests decided alike."""
    digest = hashlib.sha256()
    for decision in decisions:
        digest.update(decision.digest.encode("ascii"))
    return digest.hexdigest()


def decisions_summary(decisions: list[Decision]) -> dict:
    """What a release manifest records: how many decisions shaped the clusters, by action, and their digest."""
    by_action: dict[str, int] = {}
    for decision in decisions:
        by_action[decision.action] = by_action.get(decision.action, 0) + 1
    return {"count": len(decisions), "by_action": by_action, "digest": decisions_digest(decisions)}


def decision_statuses(db: sqlite3.Connection, decisions: list[Decision]) -> list[DecisionStatus]:
    """Whether each decision holds in the clusters as they are now (a later decision may undo an earlier one)."""
    urls = sorted({url for decision in decisions for url in decision.urls})
    placed = clusters.placements(db, urls)
    cluster_of = {url: cluster_id for url, (cluster_id, _) in placed.items()}
    canonical = {url for url, (_, is_canonical) in placed.items() if is_canonical}
    statuses = []
    for decision in decisions:
        missing = tuple(url for url in decision.urls if url not in cluster_of)
        if missing:
            statuses.append(DecisionStatus(decision, "missing", missing))
            continue
        first, *rest = decision.urls
        if decision.action == "split":
            holds = all(cluster_of[url] != cluster_of[first] for url in rest)
        elif decision.action == "merge":
            holds = len({cluster_of[url] for url in decision.urls}) == 1
        else:
            holds = first in canonical
        statuses.append(DecisionStatus(decision, "holds" if holds else "pending"))
    return statuses
