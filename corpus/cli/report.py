"""``newscorpus report``: the editors' dedup report of the workspace's store."""

from __future__ import annotations

from pathlib import Path

import click

from corpus.cli.common import json_option, run_stage_command, settings_option, workspace


def report_lines(s: dict) -> list[str]:
    lines = [f"{s['documents']:,} documents in {s['clusters']:,} clusters "
             f"({s['clusters_with_duplicates']:,} with duplicates, {s['duplicates']:,} duplicate documents, "
             f"{s['cross_script_clusters']:,} cross-script); {s['rejects']:,} rejected pages."]
    if s.get("since"):
        counts = ", ".join(f"{count:,} {kind.replace('_', ' ')}" for kind, count in s["since"]["counts"].items())
        lines.append(f"Since release {s['since']['version']}: {counts}.")
    lines.append(f"Report: {s['path']}")
    if s.get("latest"):
        lines.append(f"Latest: {s['latest']}")
    return lines


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Report folder to create (must not exist). Default: <home>/reports/<UTC timestamp>/.")
@click.option("--since", "since", metavar="RELEASE", default=None,
              help="Also show what changed between this release and the store now.")
@settings_option
@json_option
@click.pass_context
def report(ctx: click.Context, out: Path | None, since: str | None, overrides, as_json: bool) -> None:
    """Write the dedup report: report.html (self-contained, opens offline), clusters.csv, report.json.

    The page summarises documents, duplicates per outlet, cross-script clusters, containments and
    rejects, and lets an editor search and filter every cluster and compare each duplicate with
    its canonical document character by character. <home>/reports/latest.html is the newest one.

    \b
    Example:
        newscorpus report
        newscorpus report --since 2025.06.01 --out /tmp/june-report
    """
    from corpus.release.catalog import folder_in_releases
    from corpus.stages import REPORT

    releases_dir = workspace(ctx).releases_dir
    if out is not None and (inside := folder_in_releases(out, releases_dir)) is not None:
        where = "the releases folder" if inside == "." else f"release {inside}"
        raise click.BadParameter(f"{out} lies inside {where} ({releases_dir}), which holds immutable "
                                 "releases only: choose a folder outside it", param_hint="'--out'")
    run_stage_command(ctx, REPORT, {"out": str(out) if out else None, "since": since}, overrides, as_json,
                      render=report_lines)
