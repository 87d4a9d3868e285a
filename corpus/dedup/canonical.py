"""Which copy of a story is the canonical one, and why.

Policy (each rule breaks the ties of the one before; settings in ``corpus/dedup/settings.py``):

1. earliest published (at ``DEDUP_CANONICAL_DATE_GRANULARITY``: by default the day, so that a
   wire story and a same-day reprint fall through to rule 2); undated documents come last;
2. the original source: an outlet in ``DEDUP_WIRE_AGENCIES``, then one in ``DEDUP_PRIORITY_OUTLETS``;
3. the most complete text (longest normalised text);
4. the lowest document id (the first one stored), so the choice is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from corpus.dedup.settings import DedupSettings


@dataclass(frozen=True)
class Candidate:
    doc_id: int
    outlet: str | None
    published: str | None
    norm_chars: int


def _published_key(published: str | None, granularity: str) -> str | None:
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if granularity == "day":
        return moment.date().isoformat()  # the publisher's own calendar day
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    return moment.replace(tzinfo=None).isoformat()


def _source_rank(outlet: str | None, settings: DedupSettings) -> int:
    name = (outlet or "").casefold()
    if name and any(agency.casefold() in name for agency in settings.wire_agencies):
        return 0
    if name and any(priority.casefold() in name for priority in settings.priority_outlets):
        return 1
    return 2


class CanonicalPolicy:
    """Orders candidates best-first and says why the first one won."""

    def __init__(self, settings: DedupSettings):
        self.settings = settings

    def key(self, doc: Candidate) -> tuple:
        published = _published_key(doc.published, self.settings.canonical_date_granularity)
        return (published is None, published or "", _source_rank(doc.outlet, self.settings), -doc.norm_chars, doc.doc_id)

    def reason(self, best: Candidate, others: list[Candidate]) -> str:
        """The first policy rule that set ``best`` apart from every other member."""
        if not others:
            return "only member"
        best_key = self.key(best)
        runner_key = min(self.key(other) for other in others)
        if best_key[:2] != runner_key[:2]:
            return f"earliest published ({best_key[1]})" if best_key[1] else "only dated member"
        if best_key[2] != runner_key[2]:
            kind = "wire agency" if best_key[2] == 0 else "priority outlet"
            return f"original source ({kind}: {best.outlet}); same publication date"
        if best_key[3] != runner_key[3]:
            return f"most complete text ({best.norm_chars} characters); same date and source rank"
        return "first stored (lowest document id); otherwise tied"
