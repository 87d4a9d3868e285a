"""Where the CPU-heavy work of extract and dedup runs: this machine's processes, or a Ray cluster.

A stage hands the executor a pure function and its work items (WARC shards to clean, batches of
texts to fingerprint) and gets the results back *in item order*, so the driver writes the store in
exactly the order the local executor does and the result is identical whichever ran. The driver
alone writes the store; workers only read (WARC files on shared storage, or the texts they are sent).

- ``local``: worker processes of this machine (``multiprocessing``, at most two items per worker
  in flight), or this process for one worker.
- ``ray``: Ray tasks, on a cluster (``ray_address``, e.g. ``ray://head:10001`` or ``auto``) or on a
  Ray instance started for the run. Ray is an optional extra, imported only here and only then.

Example:
    >>> with open_executor(ExecutorSettings("ray", "auto")) as executor:  # doctest: +SKIP
    ...     results = list(executor.map(str.upper, ["a", "b"]))
"""

from __future__ import annotations

import multiprocessing
import os
import socket
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, Protocol, TypeVar

EXECUTORS = ("local", "ray")
# Settings (component "executor"; newscorpus.toml, NEWSCORPUS_<NAME>, --set NAME=VALUE, or the flags).
EXECUTOR = "local"                  # local | ray (--executor)
EXECUTOR_RAY_ADDRESS = ""           # auto | HOST:6379 | ray://HOST:10001; empty: a Ray instance for the run (--ray-address)
EXECUTOR_RAY_SHARD_JOBS = 16        # pages per extract task on Ray (a task costs ~1 ms to schedule)
EXECUTOR_RAY_INFLIGHT_PER_CPU = 4   # Ray tasks submitted ahead per CPU: keeps workers busy, bounds memory
EXECUTOR_LOCAL_SHARD_JOBS = 4       # pages per extract task on a local pool (as its chunksize was)

Item = TypeVar("Item")
Result = TypeVar("Result")


class ExecutorError(Exception):
    """The executor cannot start (the message says what to do)."""


@dataclass(frozen=True)
class ExecutorSettings:
    """The ``executor`` settings component, validated at construction."""

    executor: str = EXECUTOR
    ray_address: str = EXECUTOR_RAY_ADDRESS
    ray_shard_jobs: int = EXECUTOR_RAY_SHARD_JOBS
    ray_inflight_per_cpu: int = EXECUTOR_RAY_INFLIGHT_PER_CPU

    def __post_init__(self):
        if self.executor not in EXECUTORS:
            raise ValueError(f"EXECUTOR must be one of {', '.join(EXECUTORS)}, got {self.executor!r}")
        if self.ray_address and self.executor != "ray":
            raise ValueError("EXECUTOR_RAY_ADDRESS (--ray-address) needs EXECUTOR=ray (--executor ray)")
        for name in ("ray_shard_jobs", "ray_inflight_per_cpu"):
            if getattr(self, name) < 1:
                raise ValueError(f"EXECUTOR_{name.upper()} must be at least 1, got {getattr(self, name)}")

    @classmethod
    def from_values(cls, values: dict) -> "ExecutorSettings":
        """From settings by name (``EXECUTOR``, ``EXECUTOR_RAY_ADDRESS``, ...), as ``corpus.settings`` lays them."""
        return cls(values.get("EXECUTOR", EXECUTOR), values.get("EXECUTOR_RAY_ADDRESS", EXECUTOR_RAY_ADDRESS),
                   values.get("EXECUTOR_RAY_SHARD_JOBS", EXECUTOR_RAY_SHARD_JOBS),
                   values.get("EXECUTOR_RAY_INFLIGHT_PER_CPU", EXECUTOR_RAY_INFLIGHT_PER_CPU))


DEFAULTS = {"EXECUTOR": EXECUTOR, "EXECUTOR_RAY_ADDRESS": EXECUTOR_RAY_ADDRESS,
            "EXECUTOR_RAY_SHARD_JOBS": EXECUTOR_RAY_SHARD_JOBS,
            "EXECUTOR_RAY_INFLIGHT_PER_CPU": EXECUTOR_RAY_INFLIGHT_PER_CPU}


class Executor(Protocol):
    """What a stage needs of an executor."""

    shard_jobs: int

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        """``function(item)`` for every item, results in the items' order."""


class LocalExecutor:
    """This machine: in-process with one worker, else a ``multiprocessing`` pool (fork).

    Example:
        >>> list(LocalExecutor(workers=1).map(abs, [-1, 2]))
        [1, 2]
    """

    shard_jobs = EXECUTOR_LOCAL_SHARD_JOBS

    def __init__(self, workers: int = 1):
        self.workers = workers

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        if self.workers <= 1:
            yield from map(function, items)
            return
        # Pool.imap would read every item (every text) ahead; at most two per worker are in flight here.
        # fork where there is one: workers inherit the loaded cleaners instead of importing them again.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        with multiprocessing.get_context(method).Pool(self.workers) as pool:
            pending: deque = deque()
            for item in items:
                pending.append(pool.apply_async(function, (item,)))
                if len(pending) >= 2 * self.workers:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()


class RayExecutor:
    """Ray tasks over the items, a bounded number in flight, results collected in submission order."""

    def __init__(self, settings: ExecutorSettings, workers: int | None):
        address = settings.ray_address or None
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
        self.shard_jobs = settings.ray_shard_jobs
        self._window = self.workers * settings.ray_inflight_per_cpu
        self._task = ray.remote(_apply)

    def map(self, fn: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        ray = self._ray
        function = ray.put(fn)
        pending: deque = deque()
        for item in items:
            pending.append(self._task.remote(function, item))
            if len(pending) >= self._window:
                yield ray.get(pending.popleft())
        while pending:
            yield ray.get(pending.popleft())

    def close(self) -> None:
        """Shut Ray down if this executor started it (a cluster the caller joined stays up)."""
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


@contextmanager
def open_executor(settings: ExecutorSettings | None, workers: int | None = None) -> Iterator[Executor]:
    """The executor ``settings`` name; a Ray instance started here is shut down on exit.

    Args:
        settings: which executor; None is the local one.
        workers: local worker processes, or the CPUs of a Ray instance started for this run
            (default: this machine's CPU count). A Ray cluster brings its own CPUs.

    Raises:
        ExecutorError: Ray is missing or its cluster cannot be reached.
    """
    settings = settings or ExecutorSettings()
    if settings.executor != "ray":
        yield LocalExecutor(workers or os.cpu_count() or 1)
        return
    with cluster_executor(settings, workers) as executor:
        yield executor


@contextmanager
def cluster_executor(settings: ExecutorSettings, workers: int | None = None) -> Iterator[RayExecutor | None]:
    """The Ray executor ``settings`` ask for, shut down on exit if started here; None for ``local``
    (the stage then uses its own local default)."""
    if settings.executor != "ray":
        yield None
        return
    executor = RayExecutor(settings, workers)
    try:
        yield executor
    finally:
        executor.close()
