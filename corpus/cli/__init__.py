"""The ``newscorpus`` command: a thin layer over the library, one module per command.

Commands are imported only when run, so ``newscorpus status`` does not pay for Scrapy.
"""

from __future__ import annotations

import click

from corpus import __version__
from corpus.cli.lazy import LazyGroup
from corpus.workspace import HOME_ENV, Workspace

# The commands in the order the data flows, then the helpers around them.
COMMANDS = {
    "crawl": "corpus.cli.crawl:crawl",
    "extract": "corpus.cli.extract:extract",
    "dedup": "corpus.cli.dedup:dedup",
    "release": "corpus.cli.release:release",
    "report": "corpus.cli.report:report",
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
    "demo": "corpus.cli.demo:demo",
    "demo-site": "corpus.cli.demo_site:demo_site",
}


@click.group(cls=LazyGroup, commands=COMMANDS, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--home",
    type=click.Path(file_okay=False),
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

    \b
    Example:
        newscorpus demo
        newscorpus --home ./ws crawl --start-url https://news.example.cn/
    """
    ctx.obj = Workspace.resolve(home)
