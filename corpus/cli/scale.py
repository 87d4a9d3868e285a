"""The options that choose where extract and dedup compute: ``--executor`` and ``--ray-address``."""

from __future__ import annotations

from typing import Callable

import click

from corpus.executors import EXECUTORS, ExecutorError, ExecutorSettings


def executor_options(command: Callable) -> Callable:
    """Add ``--executor`` and ``--ray-address`` (or NEWSCORPUS_EXECUTOR, NEWSCORPUS_RAY_ADDRESS) to a command."""
    command = click.option(
        "--ray-address", envvar="NEWSCORPUS_RAY_ADDRESS", metavar="ADDR", default=None,
        help="With --executor ray: the cluster to use (`auto`, HOST:6379, ray://HOST:10001); "
             "default: a Ray instance on this machine for the run. Env: NEWSCORPUS_RAY_ADDRESS.")(command)
    return click.option(
        "--executor", type=click.Choice(EXECUTORS), envvar="NEWSCORPUS_EXECUTOR", default="local",
        show_default=True,
        help="Where extraction and dedup fingerprints are computed: local worker processes, or Ray tasks "
             "(pip install 'newscorpus[scale]'); the result is identical. Env: NEWSCORPUS_EXECUTOR.")(command)


def executor_settings(executor: str, ray_address: str | None) -> ExecutorSettings:
    try:
        return ExecutorSettings(executor, ray_address or None)
    except ExecutorError as error:
        raise click.UsageError(str(error)) from error
