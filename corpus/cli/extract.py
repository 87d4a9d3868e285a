"""``newscorpus extract``: clean documents from the fetched pages (a thin layer over corpus.extract)."""

from __future__ import annotations

import json

import click

from corpus.cli.common import progress_bars, workspace
from corpus.cli.scale import executor_options, executor_settings


@click.command()
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: number of CPUs).")
@click.option("--reextract", is_flag=True,
              help="Rebuild every document from WARC (after a cleaner change), without recrawling.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@executor_options
@click.pass_context
def extract(ctx: click.Context, workers: int | None, reextract: bool, as_json: bool, executor: str,
            ray_address: str | None) -> None:
    """Extract clean documents from fetched pages not yet extracted.

    Imports WARC files new in warc/ (crawl workers elsewhere), reads the WARC records the crawl
    kept, cleans them in parallel worker processes or Ray tasks
    (trafilatura, genre rules, site boilerplate, dates, language and script) and writes
    documents and rejects (with reasons) to the store. Safe to rerun; a killed run resumes.

    \b
    Example:
        newscorpus extract --workers 2
        newscorpus extract --reextract     # after upgrading the cleaners
        newscorpus extract --executor ray --ray-address auto   # on a Ray cluster's head node
    """
    from corpus.executors import ExecutorError
    from corpus.extract import ExtractError, run_extract

    chosen = executor_settings(executor, ray_address)
    with progress_bars() as update:
        try:
            summary = run_extract(workspace(ctx), workers=workers, reextract=reextract,
                                  progress=lambda done, total: update("extracting", done, total), executor=chosen)
        except (ExtractError, ExecutorError) as error:
            raise click.ClickException(str(error)) from error
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
        return
    rejects = ", ".join(f"{reason} {count}" for reason, count in summary["rejects"].items()) or "none"
    click.echo(f"extracted {summary['fetches']} fetches in {summary['seconds']}s with {summary['workers']} workers: "
               f"{summary['documents']} documents, rejects: {rejects}, errors: {summary['errors']}, "
               f"site-boilerplate lines removed: {summary['boilerplate_lines_removed']}")
