"""``newscorpus decisions``: list, export and import editors' decisions (split, merge, canonical)."""

from __future__ import annotations

import sys

import click

from corpus.cli.common import json_option, run_stage_command, workspace


@click.group()
def decisions() -> None:
    """Editors' decisions about clusters, applied by every later `dedup`.

    A decision is one JSON line: {"action": "split" | "merge" | "canonical", "urls": [URL, ...],
    "editor": NAME, "note": TEXT}. split: the first URL is not the same story as any other listed;
    merge: all listed URLs are one story; canonical: the one URL is its story's canonical copy.
    Make them by clicking in `newscorpus review`, or in a static report.html (it downloads a file).

    \b
    Example:
        newscorpus decisions import decisions.jsonl && newscorpus dedup
        newscorpus decisions export > decisions.jsonl
    """


@decisions.command("list")
@click.pass_context
def list_(ctx: click.Context) -> None:
    """Show every decision, oldest first, and whether it holds in the clusters now.

    \b
    Example:
        newscorpus decisions list
    """
    from corpus.decisions import decision_statuses, list_decisions
    from corpus.report.status import printable

    ws = workspace(ctx)
    if not ws.db_path.exists():
        click.echo("No decisions yet (no store here).")
        return
    with ws.open_store(readonly=True) as store:
        statuses = decision_statuses(store.conn, list_decisions(store.conn))
    if not statuses:
        click.echo("No decisions yet. Make them with `newscorpus review` or `newscorpus decisions import FILE`.")
        return
    for status in statuses:
        d = status.decision
        state = {"holds": "holds", "pending": "pending (run `newscorpus dedup`)",
                 "missing": f"waiting for {len(status.missing)} URL(s) not in a cluster"}[status.state]
        click.echo(printable(f"#{d.id} {d.created_at} {d.action:<9} by {d.editor or '(anonymous)'} [{d.origin}]: "
                             f"{state}"))
        for url in d.urls:
            click.echo(printable(f"    {url}"))
        if d.note:
            click.echo(printable(f"    note: {d.note}"))


@decisions.command("export")
@click.pass_context
def export(ctx: click.Context) -> None:
    """Write every decision to stdout as JSON Lines (the format `decisions import` reads).

    \b
    Example:
        newscorpus decisions export > decisions.jsonl
        newscorpus --home ws1 decisions export | newscorpus --home ws2 decisions import -
    """
    from corpus.decisions import list_decisions
    from corpus.decisions.jsonl import write_decisions

    ws = workspace(ctx)
    if not ws.db_path.exists():
        return
    with ws.open_store(readonly=True) as store:
        write_decisions(list_decisions(store.conn), sys.stdout)


@decisions.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@json_option
@click.pass_context
def import_(ctx: click.Context, file: str, as_json: bool) -> None:
    """Add the decisions of a JSON Lines FILE (`-` = stdin); importing the same file again adds nothing.

    Bad lines are reported on stderr with their line numbers and skipped; the good ones are stored
    (in one transaction, under the workspace lock). The next `dedup` applies them.

    \b
    Example:
        newscorpus decisions import decisions.jsonl
        newscorpus decisions import - < decisions-2025-06-01.jsonl
    """
    from corpus.stages import DECISIONS_IMPORT

    def lines(summary: dict) -> list[str]:
        return [f"{summary['added']} decision(s) added, {summary['already_there']} already there, "
                f"{summary['bad_lines']} bad line(s)."] + (["Run `newscorpus dedup` to apply them."] if summary["added"] else [])

    run_stage_command(ctx, DECISIONS_IMPORT, {"file": file}, (), as_json, render=lines)
