"""``newscorpus dedup``: cluster copies of the same story across outlets and scripts."""

from __future__ import annotations

import click

from corpus.cli.common import progress_bars, workspace
from corpus.cli.scale import executor_options, executor_settings


@click.command()
@click.option("--threshold", type=click.FloatRange(0.05, 1.0), default=None,
              help="Verified Jaccard (character shingles) at which two documents are one story. Default: 0.6.")
@executor_options
@click.pass_context
def dedup(ctx: click.Context, threshold: float | None, executor: str, ray_address: str | None) -> None:
    """Group copies of one story (any outlet, Simplified or Traditional) into clusters.

    Only new or changed documents are fingerprinted; clusters of unrelated documents keep their
    ids. Nothing is deleted: every document gets a cluster (singletons too), each member its
    verified similarity to the canonical copy. Stories found inside longer pages are flagged as
    containments, not merged.

    \b
    Example:
        newscorpus dedup
        newscorpus dedup --threshold 0.6
        newscorpus dedup --executor ray --ray-address auto   # fingerprints on a Ray cluster
        newscorpus export clusters --format jsonl > clusters.jsonl
    """
    from corpus.dedup import run_dedup
    from corpus.executors import ExecutorError, open_executor

    chosen = executor_settings(executor, ray_address)
    with workspace(ctx).open_store() as store, progress_bars() as update:
        try:
            with open_executor(chosen, workers=1 if chosen.name == "local" else None) as running:
                summary = run_dedup(store, threshold=threshold, progress=update, executor=running)
        except (ValueError, ExecutorError) as error:
            raise click.ClickException(str(error)) from error
    click.echo(
        f"{summary['documents']} documents ({summary['fingerprinted']} fingerprinted now): "
        f"{summary['clusters']} clusters, {summary['duplicates']} duplicates, "
        f"{summary['cross_script_clusters']} cross-script clusters, {summary['containments']} containments."
    )
