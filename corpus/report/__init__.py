"""The editors' dedup report (``newscorpus report``) and the workspace status (``newscorpus status``).

``write_report(workspace)`` writes ``reports/<timestamp>/`` with a self-contained report.html, the
same clusters as clusters.csv and everything as report.json. Other stages add sections to both
through ``corpus.report.sections.REPORT_SECTIONS``. Names are imported on first use, so reading
the report settings does not load the report's builders (and through them dedup).
"""

import importlib

_EXPORTS = {"ReportResult": "build", "write_report": "build", "ReportError": "errors", "ReportSettings": "settings"}
__all__ = ["ReportError", "ReportResult", "ReportSettings", "write_report"]


def __getattr__(name: str):
    """Import the submodule that defines ``name`` on first use (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
