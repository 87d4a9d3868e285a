"""``newscorpus export documents``: the current documents as JSON Lines or CSV on stdout."""

from __future__ import annotations

import csv
import json
import sys

import click

from corpus.cli.common import workspace


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True)
@click.option("--outlet", help="Only this outlet's documents.")
@click.pass_context
def documents(ctx: click.Context, fmt: str, outlet: str | None) -> None:
    """Write the current documents (one per URL) to stdout.

    \b
    Example:
        newscorpus export documents > documents.jsonl
        newscorpus export documents --format csv --outlet wire > wire.csv
    """
    from corpus.csvcells import defuse_dict
    from corpus.documents import DOCUMENT_FIELDS, iter_documents

    ws = workspace(ctx)
    if not ws.db_path.exists():
        raise click.ClickException(f"no store at {ws.db_path}; crawl or ingest first, or pass --home")
    store = ws.open_store()
    try:
        writer = csv.DictWriter(sys.stdout, fieldnames=DOCUMENT_FIELDS) if fmt == "csv" else None
        if writer:
            writer.writeheader()
        for document in iter_documents(store.conn, outlet):
            if writer:
                writer.writerow(defuse_dict({**document, "extra": json.dumps(document["extra"], ensure_ascii=False)}))
            else:
                click.echo(json.dumps(document, ensure_ascii=False))
    finally:
        store.close()
