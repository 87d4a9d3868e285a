"""``newscorpus import-warc``: index WARC files into the fetch log (a thin layer over corpus.warcimport)."""

from __future__ import annotations

import json
import sys

import click

from corpus.cli.common import progress_bars, workspace


@click.command("import-warc")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@click.pass_context
def import_warc(ctx: click.Context, paths: tuple[str, ...], as_json: bool) -> None:
    """Index WARC files (or folders of them) into the store, without refetching anything.

    Takes our crawl workers' files from shared storage (their metadata records carry outlet,
    page kind, discovery route and encoding evidence) and WARC files of other tools: wget
    --warc-file, Heritrix, Browsertrix, Common Crawl CC-NEWS (outlet from the host, kind and
    encoding from the bytes). Files stay where they are; `extract` then reads them. A file
    already indexed is skipped, a grown one is completed; unreadable, revisit, request and
    truncated records are counted by reason. `extract` imports new files in warc/ by itself.

    \b
    Example:
        newscorpus import-warc /data/cc-news/CC-NEWS-20240501*.warc.gz
        wget --warc-file=site --recursive --level=2 https://news.example.cn/ && newscorpus import-warc site.warc.gz
        newscorpus import-warc /mnt/shared/warc/ && newscorpus extract
    """
    from corpus.runlock import RunLock, WorkspaceBusy
    from corpus.warcimport import WarcImportError, import_warcs

    ws = workspace(ctx).ensure()
    try:
        with RunLock(ws.home / "run.lock"), ws.open_store() as store, progress_bars() as update:
            summary = import_warcs(store, paths, ws.warc_dir, progress=update)
    except WarcImportError as error:
        raise click.UsageError(str(error)) from error
    except WorkspaceBusy as error:
        click.echo(f"Error: {error}; try again when it has finished.", err=True)
        sys.exit(75)
    if as_json:
        click.echo(json.dumps(summary, ensure_ascii=False))
    else:
        skipped = ", ".join(f"{reason} {count}" for reason, count in summary["skipped"].items()) or "none"
        click.echo(f"{summary['files']} WARC files: {summary['files_imported']} indexed, "
                   f"{summary['files_unchanged']} already indexed, {summary['files_unreadable']} unreadable; "
                   f"{summary['fetches']} fetches added, {summary['already_indexed']} records already known; "
                   f"skipped: {skipped}")
    if summary["files"] and summary["files_unreadable"] == summary["files"]:
        click.echo("Error: no WARC record could be read from these files; are they WARC (.warc, .warc.gz)?",
                   err=True)
        sys.exit(1)
