"""Which copy of a story is the canonical one, and why.

The canonical should be the original. Policy (each rule breaks the ties of the one before;
settings in ``corpus/dedup/settings.py``):

0. an editor's choice (``Constraints.canonical``); a same-day revision that a later one replaced
   comes after every version that was not replaced (a reader wants the latest figures);
1. earliest published (at ``DEDUP_CANONICAL_DATE_GRANULARITY``: by default the day, so that a
   wire story and a same-day reprint fall through); undated documents come last;
2. the medoid: the highest mean verified similarity to the story's other copies (in steps of
   ``CENTRALITY_STEP``): a heavily altered copy (OCR noise, a cut, a wrapper) sits at the edge;
3. the cleaner text: the lower share of stray symbols (OCR debris, mojibake), in 1 % steps;
4. the original source: an outlet in ``DEDUP_WIRE_AGENCIES``, then one in ``DEDUP_PRIORITY_OUTLETS``;
5. the most complete text (longest normalised text);
6. the lowest document id (the first one stored), so the choice is deterministic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from corpus.dedup.settings import DedupSettings


CENTRALITY_STEP = 0.05
# Characters a clean Chinese news text is made of: CJK ideographs and punctuation, kana, full-width
# forms, Latin letters and digits, common punctuation, whitespace. Anything else is stray.
_CLEAN = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\u3040-\u30ff"
                    r"\u2010-\u2027\u00b7\w\s.,:;!?'\"()\[\]%+\-/&@#*=<>~`|\\{}^$]+")


def stray_share(text: str) -> float:
    """The share of characters outside what clean news text is made of, in steps of 0.01."""
    if not text:
        return 0.0
    return round(len(_CLEAN.sub("", text)) / len(text), 2)


@dataclass(frozen=True)
class Candidate:
    doc_id: int
    outlet: str | None
    published: str | None
    norm_chars: int
    centrality: float = 0.0     # mean verified similarity to the other copies of the story
    stray: float = 0.0          # stray_share of its text
    superseded: bool = False    # a later same-day revision of it exists
    chosen: bool = False        # an editor chose it as canonical


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
        return (not doc.chosen, doc.superseded, published is None, published or "",
                -round(doc.centrality / CENTRALITY_STEP), doc.stray, _source_rank(doc.outlet, self.settings),
                -doc.norm_chars, doc.doc_id)

    def reason(self, best: Candidate, others: list[Candidate]) -> str:
        """The first policy rule that set ``best`` apart from every other member."""
        if not others:
            return "only member"
        best_key = self.key(best)
        runner_key = min(self.key(other) for other in others)
        if best_key[0] != runner_key[0]:
            return "chosen by an editor"
        if best_key[1] != runner_key[1]:
            return "latest same-day revision (updated figures)"
        if best_key[2:4] != runner_key[2:4]:
            return f"earliest published ({best_key[3]})" if best_key[3] else "only dated member"
        if best_key[4] != runner_key[4]:
            return f"closest to the other copies (medoid, mean similarity {best.centrality:.2f}); same date"
        if best_key[5] != runner_key[5]:
            return f"cleaner text ({best.stray:.0%} stray characters); same date, as central"
        if best_key[6] != runner_key[6]:
            kind = "wire agency" if best_key[6] == 0 else "priority outlet"
            return f"original source ({kind}: {best.outlet}); same publication date"
        if best_key[7] != runner_key[7]:
            return f"most complete text ({best.norm_chars} characters); same date and source rank"
        return "first stored (lowest document id); otherwise tied"
