"""``newscorpus run``: the scheduled cycle, for cron or a systemd timer."""

from __future__ import annotations

import json

import click

from corpus.cli.common import effective_settings, progress_bars, workspace
from corpus.cli.crawl import crawl_options
from corpus.cli.scale import executor_options


@click.command()
@crawl_options
@click.option("--release", "make_release", is_flag=True, help="Also make a release at the end of the cycle.")
@click.option("--notes", metavar="TEXT", help="Release notes (with --release).")
@click.option("--workers", type=click.IntRange(min=1), help="Extraction worker processes (default: CPU count).")
@executor_options
@click.pass_context
def run(ctx, make_release, notes, workers, overrides, as_json, **crawl):
    """One scheduled cycle: crawl (incremental) → extract → dedup → site health → report [→ release].

    Takes every `newscorpus crawl` option. Safe for cron, and its exit status tells cron the truth:
    0 done; 3 it ran but a site is down or degraded (the alerts are printed, recorded, and shown by
    `newscorpus status` and the report); 1 a stage failed (everything earlier stages stored stays;
    the next run resumes); 75 another run holds the workspace (nothing done, try later). Each run is
    recorded in the store and logged to <home>/logs/run-*.log.

    \b
    Example:
        newscorpus --home /srv/news run --site sites/hk.yaml --site sites/wire.yaml
        # crontab: every 6 hours, a release on Sundays; mail only when it is not 0
        0 */6 * * * newscorpus --home /srv/news run --site /srv/sites/hk.yaml >/dev/null 2>&1 || echo "exit $?"
        30 3 * * 0 newscorpus --home /srv/news run --site /srv/sites/hk.yaml --release
        # extract and dedup on a Ray cluster (on its head node)
        0 */6 * * * newscorpus --home /srv/news run --site /srv/sites/hk.yaml --executor ray --ray-address auto
    """
    from corpus.cycle import crawl_job, run_cycle
    from corpus.stage import exit_code

    settings = effective_settings(ctx, overrides)
    job = crawl_job(crawl, settings.changed("crawler"))
    with progress_bars() as update:
        result = run_cycle(workspace(ctx), settings, {**crawl, "workers": workers, "notes": notes,
                                                      "release": make_release},
                           job=job, release=make_release, echo=lambda line: click.echo(line, err=as_json),
                           progress=update)
    if as_json:
        click.echo(json.dumps(result.record.as_dict(), ensure_ascii=False, default=str))
    if result.error is not None:
        click.echo(f"Error: stage {result.failed_stage} failed: {result.error}\n"
                   f"Nothing stored was lost; the next run resumes. Log: {result.log_path}", err=True)
    ctx.exit(exit_code(result.record))
