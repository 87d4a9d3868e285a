"""The editors' dedup report (``newscorpus report``) and the workspace status (``newscorpus status``).

``write_report(workspace)`` writes ``reports/<timestamp>/`` with a self-contained report.html, the
same clusters as clusters.csv and everything as report.json. Other stages add sections to both
through ``corpus.report.sections.REPORT_SECTIONS``.
"""

from corpus.report.build import ReportResult, write_report
from corpus.report.errors import ReportError
from corpus.report.settings import ReportSettings

__all__ = ["ReportError", "ReportResult", "ReportSettings", "write_report"]
