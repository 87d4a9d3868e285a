"""``newscorpus export documents``: the current documents as JSON Lines or CSV on stdout."""

from __future__ import annotations

import csv
import json

import click

from corpus.cli.common import bom_option, workspace


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="jsonl: one document a line; csv: one document a row (extra as JSON).")
@click.option("--outlet", help="Only this outlet's documents.")
@bom_option
@click.pass_context
def documents(ctx: click.Context, fmt: str, outlet: str | None, bom: bool) -> None:
    """Write the current documents (one per URL) to stdout. Reads the store only.

    \b
    Example:
        newscorpus export documents > documents.jsonl
        newscorpus export documents --format csv --outlet wire --bom > wire.csv
    """
    from corpus.csvcells import defuse_dict
    from corpus.documents import DOCUMENT_FIELDS, iter_documents

    stdout = click.get_text_stream("stdout", encoding="utf-8")
    with workspace(ctx).open_store(readonly=True) as store:
        writer = csv.DictWriter(stdout, fieldnames=DOCUMENT_FIELDS, lineterminator="\n") if fmt == "csv" else None
        if writer:
            if bom:
                stdout.write("\ufeff")
            writer.writeheader()
        for document in iter_documents(store.conn, outlet):
            row = document.as_dict()
            if writer:
                writer.writerow(defuse_dict({**row, "extra": json.dumps(row["extra"], ensure_ascii=False)}))
            else:
                stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
