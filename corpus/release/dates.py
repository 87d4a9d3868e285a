"""Dates in a release: the store's ISO 8601 strings as UTC instants, with the source's offset kept apart.

Parquet has one time zone per column, so a release stores every date as a UTC timestamp (which
sorts and compares across outlets) and, for publication dates, the UTC offset the source gave, in
minutes, in a column of its own (``published + offset`` is the time on the source's own clock;
480 for China Standard Time, the offset almost every page here states). A date that names no offset is
read as China Standard Time, the cleaners' rule, and gets a null offset; a string that is not a
date becomes null (the dataset card counts dated stories).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from cleaners.dates import CHINA


@dataclass(frozen=True)
class Moment:
    utc: datetime
    offset_minutes: int | None  # as the source gave it; None when it gave none


def parse_moment(value: str | None) -> Moment | None:
    """The instant ``value`` names, or None if it is empty or not ISO 8601."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except (ValueError, TypeError):
        return None
    offset = moment.utcoffset()
    try:
        if offset is None:
            return Moment(moment.replace(tzinfo=CHINA).astimezone(timezone.utc), None)
        return Moment(moment.astimezone(timezone.utc), int(offset.total_seconds() // 60))
    except OverflowError:  # the first or last hours of years 1 and 9999
        return None
