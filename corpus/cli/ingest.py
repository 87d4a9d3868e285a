"""``newscorpus ingest``: add plain-text documents from JSON Lines to the store."""

from __future__ import annotations

import click

from corpus.cli.common import workspace


@click.command()
@click.argument("file", type=click.Path(dir_okay=False))
@click.pass_context
def ingest(ctx: click.Context, file: str) -> None:
    """Ingest documents from a JSON Lines file through the same text rules as crawled pages.

    One object per line with at least `url` and `text`; optional `title`, `published`,
    `source` (the outlet; default: the URL's host) and `lang`. Bad lines are reported with
    their line numbers and skipped.

    \b
    Example:
        newscorpus ingest articles.jsonl
        echo '{"url": "https://x.cn/1", "text": "……", "source": "晨报"}' > one.jsonl && newscorpus ingest one.jsonl
    """
    from corpus.ingest import IngestError, ingest_jsonl

    def report(number: int, message: str) -> None:
        click.echo(f"{file}:{number}: skipped: {message}", err=True)

    try:
        summary = ingest_jsonl(workspace(ctx), file, report_bad=report)
    except IngestError as error:
        raise click.ClickException(str(error)) from error
    rejects = ", ".join(f"{reason} {count}" for reason, count in summary["rejects"].items()) or "none"
    click.echo(f"ingested {summary['documents']} documents; rejects: {rejects}; bad lines: {len(summary['bad_lines'])}")
