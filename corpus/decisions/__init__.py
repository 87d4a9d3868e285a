"""Editors' decisions about clusters: split, merge, canonical. Stored in the workspace, applied by dedup.

- ``split``: the first URL is not the same story as any of the others (split it out; never merged again).
- ``merge``: all URLs are one story (held together whatever their similarity).
- ``canonical``: the one URL is the canonical copy of its story.

Decisions arrive from the review app (``newscorpus review``) or from JSON Lines files
(``newscorpus decisions import``, e.g. the file the static report.html downloads); ``decisions
export`` writes the same format, so decisions move between workspaces and into version control.
"""

from corpus.decisions.model import ACTIONS, Decision, DecisionError, parse_decision
from corpus.decisions.repository import (add_decisions, decision_statuses, decisions_digest, list_decisions)

__all__ = ["ACTIONS", "Decision", "DecisionError", "add_decisions", "decision_statuses", "decisions_digest",
           "list_decisions", "parse_decision"]
