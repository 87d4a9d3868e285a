"""``newscorpus init``: create an empty workspace, explicitly."""

from __future__ import annotations

import click

from corpus.cli.common import json_option, run_stage_command


@click.command()
@json_option
@click.pass_context
def init(ctx: click.Context, as_json: bool) -> None:
    """Create the workspace (store, warc/, releases/, reports/, logs/) if it does not exist.

    Only `init`, `crawl`, `ingest` and `demo` create a workspace; every other command refuses a
    folder without one, so a mistyped --home is an error, not a new empty workspace. Put
    settings for this workspace in <home>/newscorpus.toml (see `newscorpus config`).

    \b
    Example:
        newscorpus --home /srv/news init
        newscorpus --home /srv/news config
    """
    from corpus.stages import INIT

    run_stage_command(ctx, INIT, {}, (), as_json,
                      render=lambda s: [f"workspace ready at {s['workspace']}",
                                        f"  store     {s['store']}",
                                        f"  settings  {s['settings_file']} (optional; `newscorpus config` shows "
                                        "the effective settings)"])
