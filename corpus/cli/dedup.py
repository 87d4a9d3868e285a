"""``newscorpus dedup``: cluster copies of the same story across outlets and scripts."""

from __future__ import annotations

import click

from corpus.cli.common import progress_bars, workspace


@click.command()
@click.option("--threshold", type=click.FloatRange(0.05, 1.0), default=None,
              help="Verified Jaccard (character shingles) at which two documents are one story. Default: 0.6.")
@click.pass_context
def dedup(ctx: click.Context, threshold: float | None) -> None:
    """Group copies of one story (any outlet, Simplified or Traditional) into clusters.

    Only new or changed documents are fingerprinted; clusters of unrelated documents keep their
    ids. Nothing is deleted: every document gets a cluster (singletons too), each member its
    verified similarity to the canonical copy. Stories found inside longer pages are flagged as
    containments, not merged.

    \b
    Example:
        newscorpus dedup
        newscorpus dedup --threshold 0.6
        newscorpus export clusters --format jsonl > clusters.jsonl
    """
    from corpus.dedup import run_dedup

    with workspace(ctx).open_store() as store, progress_bars() as update:
        try:
            summary = run_dedup(store, threshold=threshold, progress=update)
        except ValueError as error:
            raise click.ClickException(str(error)) from error
    click.echo(
        f"{summary['documents']} documents ({summary['fingerprinted']} fingerprinted now): "
        f"{summary['clusters']} clusters, {summary['duplicates']} duplicates, "
        f"{summary['cross_script_clusters']} cross-script clusters, {summary['containments']} containments."
    )
