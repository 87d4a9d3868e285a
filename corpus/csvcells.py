"""Spreadsheet-safe CSV cells: every CSV the project writes passes its text cells through ``defuse``.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or carriage return
before one) as a formula, so a scraped title or outlet name such as ``=HYPERLINK("http://evil")``
would become a live link or worse. OWASP's advice: prefix such cells with ``'``. Numbers are left
alone (a negative similarity is a number, not a formula).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value):
    """``value`` with a leading ``'`` when it is text a spreadsheet would run; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def defuse_row(row: Iterable) -> list:
    return [defuse(cell) for cell in row]


def defuse_dict(row: Mapping) -> dict:
    return {key: defuse(value) for key, value in row.items()}
