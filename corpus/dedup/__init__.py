"""Dedup: exact and near-duplicate stories across outlets and scripts, merged into clusters.

``run_dedup(store)`` is the entry point; ``newscorpus dedup`` and ``newscorpus run`` call it.
Names are imported on first use, so reading ``corpus.dedup.settings`` (every command does, to
validate settings) does not load datasketch, SciPy and Numba.
"""

import importlib

_EXPORTS = {"DedupSettings": "settings", "run_dedup": "run"}
__all__ = ["DedupSettings", "run_dedup"]


def __getattr__(name: str):
    """Import the submodule that defines ``name`` on first use (PEP 562)."""
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
