"""``--executor`` and ``--ray-address``: the flags for the ``EXECUTOR`` settings of extract, dedup and run."""

from __future__ import annotations

import functools
from typing import Callable

import click

from corpus.executors import EXECUTORS


def executor_options(command: Callable) -> Callable:
    """Add ``--executor`` and ``--ray-address`` to a command that takes ``--set``; they join its overrides.

    The same settings come from ``newscorpus.toml`` or ``NEWSCORPUS_EXECUTOR`` and
    ``NEWSCORPUS_EXECUTOR_RAY_ADDRESS``; the flags are the top layer, with ``--set``.
    """
    @functools.wraps(command)
    def with_executor(*args, executor: str | None, ray_address: str | None, overrides=(), **kwargs):
        flags = [f"EXECUTOR={executor}"] if executor else []
        flags += [f"EXECUTOR_RAY_ADDRESS={ray_address}"] if ray_address else []
        return command(*args, overrides=(*flags, *overrides), **kwargs)

    with_executor = click.option(
        "--ray-address", metavar="ADDR", default=None,
        help="With --executor ray: the cluster (`auto` on a cluster node, HOST:6379, ray://HOST:10001); default: "
             "a Ray instance on this machine for the run. Setting EXECUTOR_RAY_ADDRESS.")(with_executor)
    return click.option(
        "--executor", type=click.Choice(EXECUTORS), default=None,
        help="Where extraction and dedup fingerprints are computed: local worker processes (default) or Ray "
             "tasks (pip install 'newscorpus[scale]'); the result is identical. Setting EXECUTOR.")(with_executor)
