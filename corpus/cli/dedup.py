"""``newscorpus dedup``: cluster copies of the same story across outlets and scripts."""

from __future__ import annotations

import click

from corpus.cli.common import json_option, run_stage_command, settings_option
from corpus.cli.scale import executor_options


def dedup_lines(s: dict) -> list[str]:
    return [f"{s['documents']} documents ({s['fingerprinted']} fingerprinted now): "
            f"{s['clusters']} clusters, {s['duplicates']} duplicates, "
            f"{s['cross_script_clusters']} cross-script clusters, {s['containments']} containments."]


@click.command()
@click.option("--threshold", type=click.FloatRange(0.05, 1.0), default=None,
              help="Verified Jaccard (character shingles) at which two documents are one story. Default: 0.6.")
@settings_option
@json_option
@executor_options
@click.pass_context
def dedup(ctx: click.Context, threshold: float | None, overrides, as_json: bool) -> None:
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
    from corpus.stages import DEDUP

    run_stage_command(ctx, DEDUP, {"threshold": threshold}, overrides, as_json, render=dedup_lines)
