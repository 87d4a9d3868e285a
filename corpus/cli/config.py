"""``newscorpus config``: the effective settings and where each value came from."""

from __future__ import annotations

import json

import click

from corpus.cli.common import effective_settings, settings_option, workspace


@click.command()
@click.option("--component", type=click.Choice(["crawler", "cleaners", "dedup", "health", "release", "report", "executor"]),
              help="Only this component's settings.")
@click.option("--changed", is_flag=True, help="Only the settings not at their default.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a table; json: one JSON object {name: {value, default, source, component}}.")
@settings_option
@click.pass_context
def config(ctx: click.Context, component: str | None, changed: bool, fmt: str, overrides) -> None:
    """Show every setting's effective value and its source: default, newscorpus.toml, env or --set.

    Settings are laid over each other in this order: the component's defaults (crawler/settings.py,
    cleaners/settings.py, corpus/dedup/settings.py, corpus/health.py, corpus/release/settings.py,
    corpus/report/settings.py, corpus/executors.py), <home>/newscorpus.toml, NEWSCORPUS_* environment
    variables, --set.
    Values are checked (type and range) here and before every stage runs: exit 2 names a bad one.

    \b
    Example:
        newscorpus config --changed
        NEWSCORPUS_DEDUP_THRESHOLD=0.7 newscorpus config --component dedup
        newscorpus config --set DOWNLOAD_DELAY=1 --format json | jq .DOWNLOAD_DELAY
    """
    settings = effective_settings(ctx, overrides)
    rows = [s for s in settings.rows() if (component is None or s.component == component)
            and (not changed or s.source != "default")]
    if fmt == "json":
        click.echo(json.dumps({s.name: {"value": s.value, "default": s.default, "source": s.source,
                                        "component": s.component} for s in rows},
                              ensure_ascii=False, indent=1, default=str))
        return
    settings_file = workspace(ctx).settings_path
    click.echo(f"# settings file: {settings_file}{'' if settings_file.is_file() else ' (none)'}")
    width = max((len(s.name) for s in rows), default=0)
    for s in rows:
        value = json.dumps(s.value, ensure_ascii=False, default=str)
        click.echo(f"{s.component:<9} {s.name:<{width}} = {value:<30} # {s.source}")
