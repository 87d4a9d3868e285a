"""Who copies whom: for each ordered pair of outlets, the stories the second carried after the first.

A story is a cluster. Each outlet's time on a story is its earliest copy's published time; outlet B
carried a story *after* A when B's time is later than A's (equal times count for neither). Per
pair: stories, the median delay, and the share of B's stories (clusters B is in) that B carried
after A. Per outlet and ISO week (of its own copy): its stories and how many another outlet had
first. Documents without a published time take no part. Pure Python over the report's clusters.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from statistics import median

from corpus.report.settings import REPORT_NAIVE_UTC_OFFSET_HOURS

CHINA_STANDARD_TIME = timezone(timedelta(hours=REPORT_NAIVE_UTC_OFFSET_HOURS))


@dataclass
class CopyPair:
    source: str                 # the outlet that had the story first
    copier: str                 # the outlet that carried it later
    stories: int
    median_delay_hours: float
    share_of_copier: float      # stories / the copier's stories

    def to_json(self) -> dict:
        return {"from": self.source, "to": self.copier, "stories": self.stories,
                "median_delay_hours": self.median_delay_hours, "share_of_to_stories": self.share_of_copier}


@dataclass
class WeekRow:
    week: str                   # ISO week, e.g. "2025-W23"
    outlet: str
    stories: int
    copies: int                 # of those, stories another outlet had first

    def to_json(self) -> dict:
        return {"week": self.week, "outlet": self.outlet, "stories": self.stories, "copies": self.copies}


@dataclass
class CopyMatrix:
    outlets: list[str]                                   # by stories, most first
    stories: dict[str, int]                              # clusters each outlet is in (with a date)
    first: dict[str, int]                                # stories of 2+ outlets each outlet had before the others
    pairs: list[CopyPair] = field(default_factory=list)  # most stories first
    weeks: list[WeekRow] = field(default_factory=list)

    def pair(self, source: str, copier: str) -> CopyPair | None:
        return next((p for p in self.pairs if p.source == source and p.copier == copier), None)

    def to_json(self) -> dict:
        return {"outlets": self.outlets, "stories": self.stories, "first": self.first,
                "pairs": [p.to_json() for p in self.pairs], "weeks": [w.to_json() for w in self.weeks]}


def parse_time(value: str | None, naive_zone: timezone = CHINA_STANDARD_TIME) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=naive_zone)


def outlet_times(members: list[dict], naive_zone: timezone) -> dict[str, datetime]:
    """Each outlet's earliest published time in one cluster."""
    times: dict[str, datetime] = {}
    for member in members:
        moment = parse_time(member["published"], naive_zone)
        outlet = member["outlet"] or ""
        if moment is not None and (outlet not in times or moment < times[outlet]):
            times[outlet] = moment
    return times


def copy_matrix(clusters: list[dict], naive_utc_offset_hours: int = REPORT_NAIVE_UTC_OFFSET_HOURS) -> CopyMatrix:
    naive_zone = timezone(timedelta(hours=naive_utc_offset_hours))
    stories, first, weekly_stories, weekly_copies = Counter(), Counter(), Counter(), Counter()
    delays: dict[tuple[str, str], list[float]] = defaultdict(list)
    for cluster in clusters:
        times = outlet_times(cluster["members"], naive_zone)
        if not times:
            continue
        earliest = min(times.values())
        leaders = [outlet for outlet, moment in times.items() if moment == earliest]
        if len(leaders) == 1 and len(times) > 1:
            first[leaders[0]] += 1
        for outlet, moment in times.items():
            stories[outlet] += 1
            year, week, _ = moment.isocalendar()
            key = (f"{year}-W{week:02d}", outlet)
            weekly_stories[key] += 1
            weekly_copies[key] += moment > earliest
            for other, other_moment in times.items():
                if other_moment < moment:
                    delays[(other, outlet)].append((moment - other_moment).total_seconds() / 3600)
    pairs = [CopyPair(source, copier, len(hours), round(median(hours), 2), round(len(hours) / stories[copier], 4))
             for (source, copier), hours in delays.items()]
    pairs.sort(key=lambda p: (-p.stories, p.source, p.copier))
    weeks = [WeekRow(week, outlet, count, weekly_copies[(week, outlet)])
             for (week, outlet), count in sorted(weekly_stories.items())]
    outlets = sorted(stories, key=lambda o: (-stories[o], o))
    return CopyMatrix(outlets, dict(stories), {o: first[o] for o in outlets}, pairs, weeks)
