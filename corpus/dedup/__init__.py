"""Dedup: exact and near-duplicate stories across outlets and scripts, merged into clusters.

``run_dedup(store)`` is the entry point; ``newscorpus dedup`` and ``newscorpus run`` call it.
"""

from corpus.dedup.run import run_dedup
from corpus.dedup.settings import DedupSettings

__all__ = ["DedupSettings", "run_dedup"]
