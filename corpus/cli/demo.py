"""``newscorpus demo``: the whole cycle on the bundled demo news site, in one command."""

from __future__ import annotations

import click

from corpus.cli.common import effective_settings, workspace
from corpus.workspace import Workspace

DEMO_HOME = "newscorpus-demo"


@click.command()
@click.option("--port", type=click.IntRange(0, 65535), default=8410, show_default=True,
              help="Port of the demo site on 127.0.0.1 (0 picks a free one; a busy port is replaced by a free one).")
@click.option("--scale", type=click.IntRange(min=1), default=1, show_default=True,
              help="Size of the demo site (1: ~170 pages; 50: ~6,300).")
@click.option("--workers", type=click.IntRange(min=1), help="Extraction worker processes (default: CPU count).")
@click.pass_context
def demo(ctx, port, scale, workers):
    """Start the demo news site, crawl → extract → dedup → report → release, and print the paths.

    Works in ./newscorpus-demo unless --home (or $NEWSCORPUS_HOME) names another workspace. Run it
    again and the crawl is incremental: nothing stored is fetched twice.

    \b
    Example:
        newscorpus demo
        newscorpus --home /tmp/demo demo --port 0
    """
    from corpus.cycle import CrawlJob, run_cycle
    from corpus.demo import demo_site_process, demo_sites, free_port
    from corpus.stage import exit_code

    given = ctx.find_root().params.get("home")
    ws = workspace(ctx) if given else Workspace.resolve(DEMO_HOME)
    ws.open_store().close()  # before the site starts: a workspace that cannot be used fails at once
    click.echo(f"newscorpus demo: workspace {ws.home}")
    chosen = free_port(port)
    if chosen != port:
        click.echo(f"port {port} is taken; serving the demo site on {chosen} instead")
    settings = effective_settings(ctx)
    with demo_site_process(chosen, scale) as url:
        click.echo(f"demo news site serving at {url}/ (4 outlets: wire, agg, morning, hk)")
        result = run_cycle(ws, settings, {"workers": workers, "notes": "Demo release of the bundled demo news site."},
                           job=CrawlJob(demo_sites(url)), release=True, echo=click.echo)
    if result.error is not None:
        click.echo(f"Error: demo failed in stage {result.failed_stage}: {result.error} (log: {result.log_path})",
                   err=True)
        ctx.exit(exit_code(result.record))
    stages = result.stages
    dedup, release, report = stages["dedup"], stages["release"], stages["report"]
    click.echo("")
    click.echo(f"documents: {dedup.get('documents')}, clusters: {dedup.get('clusters')}, "
               f"duplicates merged: {dedup.get('duplicates')}, cross-script clusters: {dedup.get('cross_script_clusters')}")
    click.echo(f"release {release['version']}: {release['path']}")
    click.echo(f"report:  {report['path']}")
    click.echo(f"log:     {result.log_path}")
    click.echo(f"next:    newscorpus --home {ws.home} status")
    ctx.exit(exit_code(result.record))
