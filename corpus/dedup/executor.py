"""Where dedup's per-document work runs: an executor maps a picklable function over batches.

The driver (``run.py``) reads texts, hands batches to ``executor.map`` and writes what comes back,
in order. ``LocalExecutor`` is the default: in this process, or in a pool of worker processes
(``DEDUP_WORKERS``). Another engine (e.g. Ray) plugs in by providing the same ``map``.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


class Executor(Protocol):
    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        """``function(item)`` for every item, results in the items' order."""


class LocalExecutor:
    """This machine: in-process with one worker, else a ``multiprocessing`` pool (fork).

    Example:
        >>> list(LocalExecutor(workers=1).map(abs, [-1, 2]))
        [1, 2]
    """

    def __init__(self, workers: int = 1):
        self.workers = workers

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        if self.workers <= 1:
            yield from map(function, items)
            return
        # Pool.imap would read every batch (every text) ahead; at most two per worker are in flight here.
        with multiprocessing.get_context("fork").Pool(self.workers) as pool:
            pending: deque = deque()
            for item in items:
                pending.append(pool.apply_async(function, (item,)))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
