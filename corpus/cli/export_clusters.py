"""``newscorpus export clusters``: the story clusters as JSON Lines or CSV on stdout."""

from __future__ import annotations

import click

from corpus.cli.common import bom_option, workspace


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl", show_default=True,
              help="jsonl: one cluster a line; csv: one member a row, cluster fields repeated.")
@click.option("--all", "include_singletons", is_flag=True, help="Include clusters of one document.")
@bom_option
@click.pass_context
def clusters(ctx: click.Context, fmt: str, include_singletons: bool, bom: bool) -> None:
    """Write the clusters made by `newscorpus dedup`: cluster_id, canonical {doc_id, url}, members.

    Each member carries doc_id, url, outlet, published, script, similarity (verified, to the
    canonical) and method (canonical | exact | near). Reads the store only (works on a read-only one).

    \b
    Example:
        newscorpus export clusters > clusters.jsonl
        newscorpus export clusters --format csv --all --bom > clusters.csv   # opens in Excel with Chinese intact
    """
    from corpus.dedup.export import iter_clusters, write_csv, write_jsonl

    stdout = click.get_text_stream("stdout", encoding="utf-8")
    with workspace(ctx).open_store(readonly=True) as store:
        records = iter_clusters(store.conn, include_singletons=include_singletons)
        if fmt == "csv":
            if bom:
                stdout.write("\ufeff")
            write_csv(records, stdout)
        else:
            write_jsonl(records, stdout)
