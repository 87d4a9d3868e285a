"""Extra report sections contributed by other stages (site health, for one), without editing the report.

A provider is a function ``(db: sqlite3.Connection) -> Section | None`` named in ``REPORT_SECTIONS``
as ``"package.module:function"``. It returns None when it has nothing to say (its table is empty or
not created yet). The report shows each section as a table with its alerts on top, report.json holds
it under ``sections``, and ``newscorpus status`` prints its alerts.
"""

from __future__ import annotations

import importlib
import sqlite3
from dataclasses import asdict, dataclass, field
from typing import Callable

# Providers in the order their sections appear, e.g. "corpus.health:report_section".
REPORT_SECTIONS: list[str] = ["corpus.health:report_section"]


@dataclass
class Section:
    key: str                    # stable name in report.json, e.g. "site_health"
    title: str                  # heading in the page
    columns: list[str]
    rows: list[list]            # cells are shown as text (escaped), numbers right-aligned
    alerts: list[str] = field(default_factory=list)   # plain-language warnings shown first
    note: str = ""              # one line under the heading: what the table means

    def to_json(self) -> dict:
        return asdict(self)


SectionProvider = Callable[[sqlite3.Connection], "Section | None"]


def load_provider(spec: str) -> SectionProvider:
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise ValueError(f"report section {spec!r} must look like 'package.module:function'")
    return getattr(importlib.import_module(module_name), attribute)


def extra_sections(db: sqlite3.Connection, providers: list[str] | None = None) -> list[Section]:
    """The sections the configured providers have something to say about."""
    specs = REPORT_SECTIONS if providers is None else providers
    sections = []
    for spec in specs:
        section = load_provider(spec)(db)
        if section is not None:
            sections.append(section)
    return sections
