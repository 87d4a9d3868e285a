"""Where the CPU-heavy work of extract and dedup runs: this machine's processes, or a Ray cluster.

A stage hands the executor a pure function and its work items (WARC shards to clean, batches of
texts to fingerprint) and gets the results back *in item order*, so the driver writes the store in
exactly the order the local executor does and the result is identical whichever ran. The driver
alone writes the store; workers only read (WARC files on shared storage, or the texts they are sent).

- ``local``: worker processes of this machine (``multiprocessing``), or this process for one worker.
- ``ray``: Ray tasks, on a cluster (``ray_address``, e.g. ``ray://head:10001`` or ``auto``) or on a
  Ray instance started for the run. Ray is an optional extra, imported only here and only then.

Example:
    >>> with open_executor(ExecutorSettings("local"), workers=2) as executor:  # doctest: +SKIP
    ...     results = list(executor.map(str.upper, ["a", "b"]))
"""

from __future__ import annotations

import multiprocessing
import os
import socket
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, TypeVar

EXECUTORS = ("local", "ray")
EXECUTOR_RAY_INFLIGHT_PER_CPU = 4   # Ray tasks submitted ahead per CPU: keeps workers busy, bounds memory
EXECUTOR_RAY_SHARD_JOBS = 16        # pages per extract task on Ray (a task costs ~1 ms to schedule)
EXECUTOR_LOCAL_SHARD_JOBS = 4       # pages per extract task on a local pool (as its chunksize was)

Item = TypeVar("Item")
Result = TypeVar("Result")


class ExecutorError(Exception):
    """The executor cannot start (the message says what to do)."""


@dataclass(frozen=True)
class ExecutorSettings:
    """``NEWSCORPUS_EXECUTOR`` and ``NEWSCORPUS_RAY_ADDRESS`` (``--executor``, ``--ray-address``)."""

    name: str = "local"
    ray_address: str | None = None

    def __post_init__(self):
        if self.name not in EXECUTORS:
            raise ExecutorError(f"NEWSCORPUS_EXECUTOR must be one of {', '.join(EXECUTORS)}, got {self.name!r}")
        if self.ray_address and self.name != "ray":
            raise ExecutorError("--ray-address (NEWSCORPUS_RAY_ADDRESS) needs --executor ray")


class LocalExecutor:
    """A ``multiprocessing`` pool of ``workers`` processes (none for one worker), results in order."""

    name = "local"
    shard_jobs = EXECUTOR_LOCAL_SHARD_JOBS

    def __init__(self, workers: int):
        self.workers = workers
        self._pool = None

    def map(self, fn: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        if self.workers <= 1:
            yield from map(fn, items)
            return
        if self._pool is None:
            # fork where there is one: workers inherit the loaded cleaners instead of importing them again
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = multiprocessing.get_context(method).Pool(self.workers)
        yield from self._pool.imap(fn, items)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None


class RayExecutor:
    """Ray tasks over the items, a bounded number in flight, results collected in submission order."""

    name = "ray"
    shard_jobs = EXECUTOR_RAY_SHARD_JOBS

    def __init__(self, address: str | None, workers: int | None):
        try:
            import ray
        except ImportError as error:
            raise ExecutorError("--executor ray needs Ray: pip install 'newscorpus[scale]'") from error
        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            _check_reachable(address)
            try:
                if address:
                    ray.init(address=address, logging_level="WARNING", log_to_driver=False)
                else:
                    ray.init(num_cpus=workers or os.cpu_count(), include_dashboard=False, logging_level="WARNING",
                             log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise ExecutorError(f"cannot reach the Ray cluster at {address}: {str(error).splitlines()[0]}; "
                                    f"is `ray start --head` running there?") from error
        self.workers = max(int(ray.cluster_resources().get("CPU", 1)), 1)
        self._task = ray.remote(_apply)

    def map(self, fn: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        ray = self._ray
        function = ray.put(fn)
        pending: deque = deque()
        window = self.workers * EXECUTOR_RAY_INFLIGHT_PER_CPU
        for item in items:
            pending.append(self._task.remote(function, item))
            if len(pending) >= window:
                yield ray.get(pending.popleft())
        while pending:
            yield ray.get(pending.popleft())

    def close(self) -> None:
        if self._started:
            self._ray.shutdown()


def _apply(fn, item):
    return fn(item)


def _check_reachable(address: str | None) -> None:
    """Fail fast on a ``HOST:PORT`` nobody answers on: Ray itself retries for minutes."""
    host, _, port = (address or "").removeprefix("ray://").rpartition(":")
    if not host or not port.isdigit():
        return  # no address, or "auto": Ray finds the local cluster itself
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=5).close()
    except OSError as error:
        raise ExecutorError(f"cannot reach the Ray cluster at {address} ({error.strerror or error}); "
                            f"is `ray start --head` running there?") from error


Executor = LocalExecutor | RayExecutor


@contextmanager
def open_executor(settings: ExecutorSettings | None, workers: int | None = None) -> Iterator[Executor]:
    """The executor ``settings`` name, closed (pool joined, Ray shut down if started here) on exit.

    Args:
        settings: which executor; None is the local one.
        workers: local worker processes, or the CPUs of a Ray instance started for this run
            (default: this machine's CPU count). A Ray cluster brings its own CPUs.

    Raises:
        ExecutorError: Ray is missing or its cluster cannot be reached.
    """
    settings = settings or ExecutorSettings()
    if settings.name == "ray":
        executor: Executor = RayExecutor(settings.ray_address, workers)
    else:
        executor = LocalExecutor(workers or os.cpu_count() or 1)
    try:
        yield executor
    finally:
        executor.close()
