"""Small pieces shared by the CLI commands."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Callable, Iterator

import click

from corpus.workspace import Workspace


def workspace(ctx: click.Context) -> Workspace:
    """The workspace chosen by ``--home`` on the main command."""
    return ctx.find_root().obj


@contextmanager
def progress_bars() -> Iterator[Callable[[str, int, int], None]]:
    """Yield ``update(stage, done, total)``: a rich bar per stage on stderr if it is a terminal, else nothing."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    display = Progress(TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                       console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty())
    tasks: dict[str, int] = {}

    def update(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = display.add_task(stage, total=total)
        display.update(tasks[stage], completed=done, total=total)

    with display:
        yield update
