"""``newscorpus ingest``: add plain-text documents from JSON Lines to the store."""

from __future__ import annotations

import click

from corpus.cli.common import json_option, run_stage_command, settings_option


def ingest_lines(s: dict) -> list[str]:
    rejects = ", ".join(f"{reason} {count}" for reason, count in s["rejects"].items()) or "none"
    replaced = f" ({s['replaced']} already stored, updated)" if s["replaced"] else ""
    return [f"ingested {s['documents']} documents{replaced} from {s['lines']} lines; rejects: {rejects}; "
            f"bad lines: {len(s['bad_lines'])}"]


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@settings_option
@json_option
@click.pass_context
def ingest(ctx: click.Context, file: str, overrides, as_json: bool) -> None:
    """Ingest documents from a JSON Lines file (`-`: stdin) through the same text rules as crawled pages.

    One object per line with at least `url` (http or https) and `text`; optional `title`,
    `published` (a date), `source` (the outlet; default: the URL's host) and `lang`. Each bad line
    (not JSON, a bad URL or date, a repeated URL, ...) is reported on stderr with its line number and
    reason and skipped; every good line is stored. Exits 1 when no line became a document.

    \b
    Example:
        newscorpus ingest articles.jsonl
        zcat dump.jsonl.gz | newscorpus ingest -
        echo '{"url": "https://x.cn/1", "text": "……", "source": "晨报"}' > one.jsonl && newscorpus ingest one.jsonl
    """
    from corpus.stages import INGEST

    run_stage_command(ctx, INGEST, {"file": file}, overrides, as_json, render=ingest_lines)
