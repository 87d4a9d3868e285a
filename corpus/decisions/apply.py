"""Decisions applied: as dedup ``Constraints`` (URLs mapped to the documents they name now), and imported.

Later decisions win over earlier ones about the same pair: a merge after a split of two documents
lets them meet again, a split after a merge keeps them apart. A URL not in the store yet is left
out; the decision applies once that document arrives (``decisions list`` says it is waiting).
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable
from itertools import combinations

from corpus import documents
from corpus.decisions.jsonl import read_decisions
from corpus.decisions.model import Decision
from corpus.decisions.repository import add_decisions, list_decisions
from corpus.dedup.constraints import Constraints
from corpus.errors import EXIT_USAGE, NewscorpusError
from corpus.store import Store


def dedup_constraints(db: sqlite3.Connection) -> Constraints:
    """The constraints every dedup run obeys: all stored decisions, oldest first."""
    decisions = list_decisions(db)
    return constraints_of(decisions, document_ids(db, decisions))


def document_ids(db: sqlite3.Connection, decisions: list[Decision]) -> dict[str, int]:
    return documents.ids_by_url(db, sorted({url for decision in decisions for url in decision.urls}))


def constraints_of(decisions: list[Decision], ids: dict[str, int]) -> Constraints:
    latest: dict[frozenset[int], str] = {}   # pair -> the action of the last decision about it
    together: list[list[int]] = []
    canonical: list[int] = []
    for decision in decisions:
        docs = [ids[url] for url in decision.urls if url in ids]
        if decision.action == "split" and decision.urls[0] in ids:
            first = ids[decision.urls[0]]
            latest.update((frozenset((first, other)), "split") for other in docs[1:])
        elif decision.action == "merge" and len(docs) > 1:
            together.append(docs)
            latest.update((frozenset(pair), "merge") for pair in combinations(docs, 2))
        elif decision.action == "canonical" and docs:
            canonical.append(docs[0])
    apart = [tuple(pair) for pair, action in latest.items() if action == "split"]
    return Constraints.of(apart=apart, together=together, canonical=canonical)


def import_file(store: Store, file: str, report_bad: Callable[[int, str], None]) -> dict:
    """The ``decisions import`` stage: read FILE (``-``: stdin), store the new decisions in one transaction."""
    if file == "-":
        result = read_decisions(sys.stdin)
    else:
        try:
            with open(file, encoding="utf-8", errors="replace") as handle:
                result = read_decisions(handle)
        except OSError as error:
            raise NewscorpusError(f"cannot read {file} ({error.strerror}); give a JSON Lines file, or - for stdin",
                                  exit_code=EXIT_USAGE) from None
    for number, reason in result.bad_lines:
        report_bad(number, reason)
    with store.transaction() as db:
        added, known = add_decisions(db, result.decisions)
    return {"added": len(added), "already_there": known, "bad_lines": len(result.bad_lines),
            "added_ids": [decision.id for decision in added]}
