"""``newscorpus status``: what the workspace holds and what is left to do."""

from __future__ import annotations

import json

import click

from corpus.cli.common import workspace


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print the status as one JSON object, for scripts.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """Show sites, recent crawl runs, documents, clusters, releases and pending work.

    Works on any folder: a workspace that does not exist yet is reported as empty, not created.

    \b
    Example:
        newscorpus status
        newscorpus --home ./ws status --json | jq .pending
    """
    from corpus.report.status import format_status, workspace_status

    state = workspace_status(workspace(ctx))
    click.echo(json.dumps(state, ensure_ascii=False, indent=2) if as_json else format_status(state))
