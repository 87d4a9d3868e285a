"""``newscorpus extract``: clean documents from the fetched pages (a thin layer over corpus.extract)."""

from __future__ import annotations

import click

from corpus.cli.common import json_option, run_stage_command, settings_option
from corpus.cli.scale import executor_options


def extract_lines(s: dict) -> list[str]:
    rejects = ", ".join(f"{reason} {count}" for reason, count in s["rejects"].items()) or "none"
    return [f"extracted {s['fetches']} fetches in {s['seconds']}s with {s['workers']} workers: "
            f"{s['documents']} documents, rejects: {rejects}, errors: {s['errors']}, "
            f"site-boilerplate lines removed: {s['boilerplate_lines_removed']}"]


@click.command()
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: number of CPUs).")
@click.option("--reextract", is_flag=True,
              help="Rebuild every document from WARC (after a cleaner change), without recrawling.")
@settings_option
@json_option
@executor_options
@click.pass_context
def extract(ctx: click.Context, workers: int | None, reextract: bool, overrides, as_json: bool) -> None:
    """Extract clean documents from fetched pages not yet extracted.

    Imports WARC files new in warc/ (from crawl workers elsewhere), then reads the WARC records
    the crawl kept and cleans them in parallel worker processes or Ray tasks
    (trafilatura, genre rules, site boilerplate, dates, language and script) and writes
    documents and rejects (with reasons) to the store. Safe to rerun; a killed run resumes.

    \b
    Example:
        newscorpus extract --workers 2
        newscorpus extract --reextract     # after upgrading the cleaners
        newscorpus extract --executor ray --ray-address auto   # on a Ray cluster's head node
        newscorpus extract --set CLEANERS_MIN_CHARS=100 --json | jq .summary.documents
    """
    from corpus.stages import EXTRACT

    run_stage_command(ctx, EXTRACT, {"workers": workers, "reextract": reextract}, overrides, as_json,
                      render=extract_lines)
