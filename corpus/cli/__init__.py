"""The ``newscorpus`` command: a thin layer over the library, one module per command.

Commands are imported only when run, so ``newscorpus status`` does not pay for Scrapy. A new command
is one line in ``COMMANDS``; a command that runs a stage calls ``common.run_stage_command`` and so
gets the workspace checks, the lock, the run record, ``--json`` and the exit codes for free.
Every failure meant for the user ends as one ``Error:`` line and its exit code (``corpus.errors``).
"""

from __future__ import annotations

import sqlite3

import click

from corpus import __version__
from corpus.cli.lazy import LazyGroup
from corpus.errors import NewscorpusError
from corpus.workspace import HOME_ENV, Workspace

# The commands in the order the data flows, then the helpers around them.
COMMANDS = {
    "crawl": "corpus.cli.crawl:crawl",
    "extract": "corpus.cli.extract:extract",
    "dedup": "corpus.cli.dedup:dedup",
    "release": "corpus.cli.release:release",
    "report": "corpus.cli.report:report",
    "review": "corpus.cli.review:review",
    "decisions": "corpus.cli.decisions:decisions",
    "run": "corpus.cli.run:run",
    "ingest": "corpus.cli.ingest:ingest",
    "import-warc": "corpus.cli.import_warc:import_warc",
    "clean": "corpus.cli.clean:clean",
    "export": "corpus.cli.export:export",
    "releases": "corpus.cli.release:releases",
    "verify": "corpus.cli.release:verify",
    "diff": "corpus.cli.release:diff",
    "takedown": "corpus.cli.release:takedown",
    "status": "corpus.cli.status:status",
    "init": "corpus.cli.init:init",
    "config": "corpus.cli.config:config",
    "demo": "corpus.cli.demo:demo",
    "demo-site": "corpus.cli.demo_site:demo_site",
}


class CommandError(click.ClickException):
    """A ``NewscorpusError`` as click prints it: ``Error: <message>``, exit with its code."""

    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code


class Main(LazyGroup):
    """The root group: turns the library's errors into one line and the documented exit code."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NewscorpusError as error:
            raise CommandError(_one_line(error), error.exit_code) from None
        except sqlite3.Error as error:
            raise CommandError(f"the store failed: {_one_line(error)}", 1) from None
        except OSError as error:
            where = f" ({error.filename})" if error.filename else ""
            raise CommandError(f"{error.strerror or error}{where}", 1) from None


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split()) or type(error).__name__


@click.group(cls=Main, commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(),
    envvar=HOME_ENV,
    default=None,
    help=f"Workspace folder (store, warc/, releases/, reports/). Default: ${HOME_ENV} or ./newscorpus-data.",
)
@click.version_option(__version__, prog_name="newscorpus")
@click.pass_context
def main(ctx: click.Context, home: str | None) -> None:
    """Turn regional Chinese-language news sites into a clean, deduplicated, versioned corpus.

    The commands follow the data: crawl → extract → dedup → release → report.
    `run` does the whole cycle (for cron); `demo` shows it on the bundled demo site.
    Exit codes: 0 done, 1 failed, 2 usage error, 3 a site is down or degraded, 75 workspace busy.

    \b
    Example:
        newscorpus demo
        newscorpus --home ./ws crawl --start-url https://news.example.cn/
    """
    ctx.obj = Workspace.resolve(home)
