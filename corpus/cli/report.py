"""``newscorpus report``: the editors' dedup report of the workspace's store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from corpus.cli.common import workspace


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder to create (must not exist). Default: <home>/reports/<UTC timestamp>/.")
@click.option("--since", "since", metavar="RELEASE", default=None,
              help="Also show what changed between this release and the store now.")
@click.pass_context
def report(ctx: click.Context, out: Path | None, since: str | None) -> None:
    """Write the dedup report: report.html (self-contained, opens offline), clusters.csv, report.json.

    The page summarises documents, duplicates per outlet, cross-script clusters, containments and
    rejects, and lets an editor search and filter every cluster and compare each duplicate with
    its canonical document character by character. <home>/reports/latest.html is the newest one.

    \b
    Example:
        newscorpus report
        newscorpus report --since 2025.06.01 --out /tmp/june-report
    """
    from corpus.release.errors import ReleaseError
    from corpus.report import ReportError, write_report

    from corpus.release.catalog import folder_in_releases

    ws = workspace(ctx)
    if out is not None and (inside := folder_in_releases(out, ws.releases_dir)) is not None:
        where = "the releases folder" if inside == "." else f"release {inside}"
        raise click.BadParameter(f"{out} lies inside {where} ({ws.releases_dir}), which holds immutable "
                                 "releases only: choose a folder outside it", param_hint="'--out'")
    progress = (lambda line: click.echo(f"… {line}", err=True)) if sys.stderr.isatty() else None
    try:
        result = write_report(ws, out=out, since=since, progress=progress)
    except (ReportError, ReleaseError) as error:
        raise click.ClickException(str(error)) from None
    s = result.summary
    click.echo(f"{s['documents']:,} documents in {s['clusters']:,} clusters "
               f"({s['clusters_with_duplicates']:,} with duplicates, {s['duplicates']:,} duplicate documents, "
               f"{s['cross_script_clusters']:,} cross-script); {s['rejects']:,} rejected pages.")
    if result.since:
        counts = ", ".join(f"{count:,} {kind.replace('_', ' ')}" for kind, count in result.since["counts"].items())
        click.echo(f"Since release {result.since['version']}: {counts}.")
    click.echo(f"Report: {result.path / 'report.html'}")
    if result.latest:
        click.echo(f"Latest: {result.latest}")
