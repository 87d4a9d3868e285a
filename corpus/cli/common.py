"""Small pieces shared by the CLI commands: the stage runner's front end, settings, progress, output."""

from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from typing import Callable, Iterator

import click

from corpus.workspace import Workspace


def workspace(ctx: click.Context) -> Workspace:
    """The workspace chosen by ``--home`` on the main command."""
    return ctx.find_root().obj


def settings_option(command):
    """``--set NAME=VALUE`` (repeatable): the top layer of the settings, for any component."""
    return click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE",
                        help="Override a setting (repeatable), e.g. DOWNLOAD_DELAY=1 or DEDUP_THRESHOLD=0.7; "
                             "`newscorpus config` lists them.")(command)


def json_option(command):
    """``--json``: print the run record (one JSON object) instead of the summary lines."""
    return click.option("--json", "as_json", is_flag=True,
                        help="Print the run record (stage, status, settings, summary, ...) as one JSON object.")(command)


def effective_settings(ctx: click.Context, overrides=()):
    """The workspace's settings with the environment and ``--set`` over them, validated (exit 2 if not)."""
    from corpus.cycle import settings_components
    from corpus.settings import workspace_settings

    return workspace_settings(settings_components(), workspace(ctx).home, overrides)


def run_stage_command(ctx: click.Context, stage, options: dict, settings=(), as_json: bool = False,
                      render: Callable[[dict], list[str]] | None = None) -> None:
    """Run one stage the way every command does: settings first, then the runner, then the summary.

    ``settings`` is the ``--set`` list, or settings already loaded. Prints ``render(summary)`` lines
    (or the run record as JSON), the alerts on stderr, and exits with the run's code (0 done,
    3 degraded); failures leave as ``NewscorpusError`` (see ``corpus.cli.Main``).
    """
    from corpus.settings import EffectiveSettings
    from corpus.stage import exit_code, run_stage

    if not isinstance(settings, EffectiveSettings):
        settings = effective_settings(ctx, settings)
    with progress_bars() as update:
        record = run_stage(stage, workspace(ctx), settings, options, progress=update,
                           echo=lambda line: click.echo(line, err=as_json),
                           warn=lambda line: click.echo(line, err=True))
    if as_json:
        click.echo(json.dumps(record.as_dict(), ensure_ascii=False, default=str))
    elif render:
        for line in render(record.summary or {}):
            click.echo(line)
    for alert in (record.summary or {}).get("alerts") or []:
        click.echo(f"WARNING {alert}", err=True)
    ctx.exit(exit_code(record))


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
            tasks[stage] = display.add_task(stage, total=total or None)
        display.update(tasks[stage], completed=done, total=total or None)

    with display:
        yield update


def bom_option(command):
    """``--bom``: start CSV output with a UTF-8 byte-order mark, so Excel reads Chinese text correctly."""
    return click.option("--bom", is_flag=True,
                        help="Start the CSV with a UTF-8 BOM (Excel then shows Chinese correctly; "
                             "LibreOffice and pandas do not need it).")(command)
