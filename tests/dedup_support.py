"""Helpers for the dedup tests: the labelled fixture, documents put straight into a store, pair scores."""

from __future__ import annotations

import hashlib
import json
from itertools import combinations
from pathlib import Path

from corpus.store import Store, utc_now

FIXTURE_DIR = Path(__file__).resolve().parent / "fixtures" / "dedup"
LABELLED = FIXTURE_DIR / "labelled.jsonl"


def labelled_rows() -> list[dict]:
    return [json.loads(line) for line in LABELLED.read_text("utf-8").splitlines() if line.strip()]


def put_documents(store: Store, rows: list[dict]) -> dict[str, int]:
    """Insert or update ``documents`` rows as the extract stage would; returns url -> id."""
    now = utc_now()
    with store.transaction() as db:
        for row in rows:
            text_hash = hashlib.sha1(row["text"].encode("utf-8")).hexdigest()
            db.execute(
                """INSERT INTO documents (url, outlet, title, text, published, script, cleaner_version, text_hash,
                                          source, created_at, updated_at)
                   VALUES (?, ?, ?, ?, ?, ?, 'test', ?, 'ingest', ?, ?)
                   ON CONFLICT (url) DO UPDATE SET text = excluded.text, text_hash = excluded.text_hash,
                                                   updated_at = excluded.updated_at""",
                (row["url"], row.get("source"), row.get("title"), row["text"], row.get("published"),
                 row.get("script"), text_hash, now, now),
            )
    return dict(store.execute("SELECT url, id FROM documents").fetchall())


def gold_pairs(rows: list[dict]) -> set[frozenset]:
    by_story: dict[str, list[str]] = {}
    for row in rows:
        by_story.setdefault(row["story"], []).append(row["url"])
    return {frozenset(pair) for urls in by_story.values() for pair in combinations(urls, 2)}


def predicted_pairs(clusters: list[dict]) -> set[frozenset]:
    return {frozenset(pair) for c in clusters for pair in combinations([m["url"] for m in c["members"]], 2)}


def precision_recall(predicted: set, gold: set) -> tuple[float, float]:
    hits = len(predicted & gold)
    return (hits / len(predicted) if predicted else 1.0), (hits / len(gold) if gold else 1.0)
