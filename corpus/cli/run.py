"""``newscorpus run``: the scheduled cycle, for cron or a systemd timer."""

from __future__ import annotations

import sys

import click

from corpus.cli.common import workspace
from corpus.cli.crawl import crawl_options, crawl_request
from corpus.cli.scale import executor_options, executor_settings
from corpus.cycle import EXIT_LOCKED, EXIT_STAGE_FAILED


@click.command()
@crawl_options
@click.option("--release", "make_release", is_flag=True, help="Also make a release at the end of the cycle.")
@click.option("--notes", metavar="TEXT", help="Release notes (with --release).")
@click.option("--workers", type=click.IntRange(min=1), help="Extraction worker processes (default: CPU count).")
@executor_options
@click.pass_context
def run(ctx, make_release, notes, workers, executor, ray_address, **crawl):
    """One scheduled cycle: crawl (incremental) → extract → dedup → site health → report [→ release].

    Takes every `newscorpus crawl` option. Safe for cron: if another run holds the workspace it
    exits at once with status 75 (try again later); a failed stage exits with status 1 and keeps
    everything earlier stages stored; the next run resumes. Each run is recorded in the store and
    logged to <home>/logs/run-*.log. Site-health warnings (an outlet whose extraction changed) are
    printed at the end and shown by `newscorpus status` and the report.

    \b
    Example:
        newscorpus --home /srv/news run --site sites/hk.yaml --site sites/wire.yaml
        # crontab: every 6 hours, a release on Sundays
        0 */6 * * * newscorpus --home /srv/news run --site /srv/sites/hk.yaml >/dev/null 2>&1
        30 3 * * 0 newscorpus --home /srv/news run --site /srv/sites/hk.yaml --release
        # extract and dedup on a Ray cluster (run on its head node):
        0 */6 * * * newscorpus --home /mnt/shared/news run --site /srv/sites/hk.yaml --executor ray --ray-address auto
    """
    from corpus.cycle import CrawlJob, run_cycle
    from corpus.runlock import WorkspaceBusy
    from crawler.sites import SiteConfigError

    ws = workspace(ctx)
    chosen = executor_settings(executor, ray_address)
    try:
        sites, options = crawl_request(**crawl)
        result = run_cycle(ws, CrawlJob(sites, options), workers=workers, release=make_release, notes=notes,
                           echo=click.echo, executor=chosen)
    except SiteConfigError as error:
        raise click.ClickException(str(error)) from None
    except WorkspaceBusy as error:
        click.echo(f"Error: {error}; not starting (exit {EXIT_LOCKED}).", err=True)
        sys.exit(EXIT_LOCKED)
    if result.status != "finished":
        click.echo(f"Error: stage {result.failed_stage} failed: {result.error}\n"
                   f"Nothing stored was lost; the next run resumes. Log: {result.log_path}", err=True)
        sys.exit(EXIT_STAGE_FAILED)
