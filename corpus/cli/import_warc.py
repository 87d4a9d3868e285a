"""``newscorpus import-warc``: index WARC files into the fetch log (a thin layer over corpus.warcimport)."""

from __future__ import annotations

from pathlib import Path

import click

from corpus.cli.common import json_option, run_stage_command, settings_option


def import_lines(s: dict) -> list[str]:
    skipped = ", ".join(f"{reason} {count}" for reason, count in s["skipped"].items()) or "none"
    return [f"{s['files']} WARC files: {s['files_imported']} indexed, {s['files_unchanged']} already indexed, "
            f"{s['files_unreadable']} unreadable; {s['fetches']} fetches added, {s['already_indexed']} records "
            f"already known; skipped: {skipped}"]


@click.command("import-warc")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@settings_option
@json_option
@click.pass_context
def import_warc(ctx: click.Context, paths: tuple[str, ...], overrides, as_json: bool) -> None:
    """Index WARC files (or folders of them) into the store, without refetching anything.

    Takes our crawl workers' files from shared storage (their metadata records carry outlet,
    page kind, discovery route and encoding evidence) and WARC files of other tools: wget
    --warc-file, Heritrix, Browsertrix, Common Crawl CC-NEWS (outlet from the host, kind and
    encoding from the bytes). Files stay where they are; `extract` then reads them. A file
    already indexed is skipped, a grown one is completed; unreadable, revisit, request and
    truncated records are counted by reason. `extract` imports new files in warc/ by itself.
    Exits 1 when no file could be read.

    \b
    Example:
        newscorpus import-warc /data/cc-news/CC-NEWS-20240501*.warc.gz
        wget --warc-file=site --recursive --level=2 https://news.example.cn/ && newscorpus import-warc site.warc.gz
        newscorpus import-warc /mnt/shared/warc/ && newscorpus extract
    """
    from corpus.stages import IMPORT_WARC

    run_stage_command(ctx, IMPORT_WARC, {"paths": [str(Path(path).absolute()) for path in paths]}, overrides,
                      as_json, render=import_lines)
