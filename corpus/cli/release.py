"""``newscorpus release``, ``releases``, ``verify``, ``diff`` and ``takedown``: thin wrappers of corpus.release."""

from __future__ import annotations

import json
import shlex

import click

from corpus.cli.common import progress_bars, workspace
from corpus.release import (ReleaseError, ReleaseSettings, StoryTakedown, count_changes, diff_releases, make_release,
                            record_story_takedown, record_takedown, verify_release)
from corpus.release.catalog import VERSION_RULE, BrokenRelease, scan_releases, shown, validate_version
from corpus.release.manifest import sha256_file
from corpus.release.tables import CHANGE_KINDS
from corpus.release.takedown import Page
from corpus.workspace import Workspace


def _changes_line(counts: dict) -> str:
    return ", ".join(f"{counts.get(kind, 0):,} {kind.replace('_', ' ')}" for kind in CHANGE_KINDS)


def _size(files: dict) -> int:
    return sum(entry["bytes"] for entry in files.values())


def _checked_version(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    try:
        return value if value is None else validate_version(value)
    except ReleaseError as error:
        raise click.BadParameter(str(error)) from None


@click.command()
@click.option("--version", "version", default=None, metavar="V", callback=_checked_version,
              help=f"Release name: {VERSION_RULE}. Default: today's date, YYYY.MM.DD[.N].")
@click.option("--notes", default=None, help="A sentence for the dataset card and manifest.")
@click.option("--shard-size", default=None, metavar="SIZE",
              help="Target uncompressed size of each data shard, e.g. 256MB (default; "
                   "or $NEWSCORPUS_RELEASE_SHARD_SIZE).")
@click.pass_context
def release(ctx: click.Context, version: str | None, notes: str | None, shard_size: str | None) -> None:
    """Freeze the deduplicated corpus into an immutable release folder.

    Writes releases/V/ with data/*.parquet (one row per story), clusters.parquet, changes.parquet,
    CHANGES.md (against the previous release), README.md (dataset card) and manifest.json
    (checksums). An existing version is never overwritten.

    \b
    Example:
        newscorpus release
        newscorpus release --version 2025.06-spring --notes "Spring crawl of four outlets"
    """
    try:
        with progress_bars() as update:
            path = make_release(workspace(ctx), version=version, notes=notes,
                                settings=ReleaseSettings.from_env(shard_size),
                                progress=lambda done, total: update("stories", done, total))
    except ReleaseError as error:
        raise click.ClickException(str(error)) from None
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    for name, reason in manifest["parent_skipped"].items():
        click.echo(f"Warning: release {name} skipped as the previous release: {reason}", err=True)
    _warn_broken(scan_releases(path.parent)[1])
    counts = manifest["counts"]
    shards = sum(1 for name in manifest["files"] if name.startswith("data/"))
    click.echo(f"Release {manifest['version']} written to {path}")
    click.echo(f"  {counts['documents']:,} stories ({counts['duplicates']:,} duplicates as provenance) "
               f"in {shards} shard(s), {_size(manifest['files']) / 1e6:.1f} MB")
    parent = manifest["parent"]
    click.echo(f"  against {parent}: {_changes_line(manifest['changes'])}" if parent else "  first release")
    click.echo(f"  manifest.json sha256 {sha256_file(path / 'manifest.json')} (publish it to pin this release)")


def _warn_broken(broken: list[BrokenRelease]) -> None:
    for folder in broken:
        click.echo(f"Warning: {folder}; left alone", err=True)


@click.command()
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def releases(ctx: click.Context, output: str) -> None:
    """List the releases of this workspace, oldest first, with their counts.

    \b
    Example:
        newscorpus releases
        newscorpus releases --format json
    """
    found, broken = scan_releases(workspace(ctx).releases_dir)
    _warn_broken(broken)
    if output == "json":
        for info in found:
            manifest = info.manifest
            click.echo(json.dumps({"version": info.version, "parent": manifest.get("parent"),
                                   "created": manifest.get("created"), "counts": manifest.get("counts"),
                                   "changes": manifest.get("changes"), "bytes": _size(manifest.get("files", {}))},
                                  ensure_ascii=False))
        return
    if not found:
        click.echo("No releases yet: run `newscorpus release`.")
        return
    rows = [("version", "format", "created", "parent", "stories", "duplicates", "MB", "changes")]
    for info in found:
        manifest, counts = info.manifest, info.manifest.get("counts", {})
        rows.append((info.version, str(info.format), manifest.get("created", "?"), manifest.get("parent") or "-",
                     f"{counts.get('documents', 0):,}", f"{counts.get('duplicates', 0):,}",
                     f"{_size(manifest.get('files', {})) / 1e6:.1f}",
                     _changes_line(manifest.get("changes", {})) if manifest.get("parent") else "first release"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


@click.command()
@click.argument("version")
@click.pass_context
def verify(ctx: click.Context, version: str) -> None:
    """Recompute every checksum of release VERSION against its manifest.json.

    Exits 1 and names each file that is changed, missing or not listed.

    \b
    Example:
        newscorpus verify 2025.06.01
    """
    try:
        checked, problems = verify_release(workspace(ctx).releases_dir, version)
    except ReleaseError as error:
        raise click.ClickException(str(error)) from None
    for problem in problems:
        click.echo(f"FAIL {problem}", err=True)
    if problems:
        raise click.ClickException(f"release {version}: {len(problems)} problem(s) in {checked} listed files")
    click.echo(f"ok: release {version}, {checked} files match manifest.json")


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "output", type=click.Choice(["text", "jsonl"]), default="text", show_default=True,
              help="text: counts and a few examples; jsonl: every change, one JSON object per line.")
@click.pass_context
def diff(ctx: click.Context, old: str, new: str, output: str) -> None:
    """Show what changed from release OLD to release NEW.

    Changes per story: added, updated (text or canonical page changed), removed, merged
    (became a duplicate of another story) and taken down.

    \b
    Example:
        newscorpus diff 2025.06.01 2025.07.01
        newscorpus diff 2025.06.01 2025.07.01 --format jsonl > changes.jsonl
    """
    try:
        changes = diff_releases(workspace(ctx), old, new)
    except ReleaseError as error:
        raise click.ClickException(str(error)) from None
    if output == "jsonl":
        for change in changes:
            click.echo(json.dumps(change, ensure_ascii=False))
        return
    click.echo(f"{old} -> {new}: {_changes_line(count_changes(changes))}")
    for kind in CHANGE_KINDS:
        listed = [c for c in changes if c["change"] == kind]
        for change in listed[:5]:
            into = f" -> {change['into']}" if change["into"] else ""
            click.echo(f"  {kind:<10} {shown(change['id'])}  {shown(change['url'])}{into}")
        if len(listed) > 5:
            click.echo(f"  {kind:<10} … and {len(listed) - 5:,} more (--format jsonl lists all)")


MAX_PAGES_SHOWN = 20


@click.command()
@click.argument("url", required=False)
@click.option("--cluster", "story", metavar="URL_OR_ID",
              help="Take the whole story down: every page of the dedup cluster with this id (the `id` column "
                   "of a release), or of the cluster holding this URL.")
@click.option("--reason", required=True, help="Why (who asked, when); kept with the tombstone.")
@click.option("--purge", is_flag=True,
              help="Also blank the raw WARC records in place and empty the stored title and text.")
@click.pass_context
def takedown(ctx: click.Context, url: str | None, story: str | None, reason: str, purge: bool) -> None:
    """Take URL (or with --cluster, a whole story) out of the corpus: every later release leaves it out.

    Taking down one page of a story that other outlets carried keeps the story in the corpus through
    their copies: the command lists them and shows how to take the whole story down. The raw WARC
    record is kept (for audit) unless --purge. Releases already written are immutable: the command
    names those that contain the page, so they can be withdrawn.

    \b
    Example:
        newscorpus takedown https://news.example.hk/a/123.html --reason "publisher request 2025-06-01"
        newscorpus takedown --cluster https://news.example.hk/a/123.html --reason "publisher request"
        newscorpus takedown https://news.example.hk/a/123.html --reason "court order" --purge
    """
    if (url is None) == (story is None):
        raise click.UsageError("give either a URL or --cluster URL_OR_ID, not both, not neither")
    ws = workspace(ctx)
    try:
        if story is not None:
            _story_takedown(record_story_takedown(ws, story, reason, purge=purge), purge)
            return
        result = record_takedown(ws, url, reason, purge=purge)
    except ReleaseError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{'Updated' if result.already_recorded else 'Recorded'} takedown of {shown(result.url)} "
               f"({result.documents} stored document(s)); the next release leaves it out.")
    if not result.documents:
        click.echo("  no stored document has exactly this URL (check `newscorpus export documents`); "
                   "the tombstone still keeps it out if it is collected later")
    if purge:
        click.echo(f"  purged: {result.records_blanked} WARC record(s) blanked, stored title and text emptied")
    _in_releases(result.in_releases)
    if result.remaining:
        click.echo(f"  The story stays in the corpus: {len(result.remaining)} other page(s) of story "
                   f"{shown(result.story)} carry it:")
        _pages(result.remaining)
        home = [] if ws.home == Workspace.resolve().home else ["--home", str(ws.home)]
        command = ["newscorpus", *home, "takedown", "--cluster", result.story, "--reason", reason]
        click.echo(f"  To take the whole story down: {shlex.join(command)}")


def _story_takedown(result: StoryTakedown, purge: bool) -> None:
    click.echo(f"Recorded takedown of story {shown(result.story)}: its {len(result.pages)} page(s) are left out "
               "of the next release.")
    _pages(result.pages)
    if purge:
        click.echo(f"  purged: {result.records_blanked} WARC record(s) blanked, stored titles and texts emptied")
    _in_releases(result.in_releases)
    click.echo("  Copies collected later are new pages: take them down too if they appear.")


def _pages(pages: list[Page]) -> None:
    width = max(len(shown(page.outlet or "unknown")) for page in pages)
    for page in pages[:MAX_PAGES_SHOWN]:
        role = "  (canonical)" if page.canonical else ""
        click.echo(f"    {shown(page.outlet or 'unknown'):<{width}}  {shown(page.url)}{role}")
    if len(pages) > MAX_PAGES_SHOWN:
        click.echo(f"    … and {len(pages) - MAX_PAGES_SHOWN:,} more")


def _in_releases(versions: list[str]) -> None:
    if versions:
        click.echo(f"  still in published release(s): {', '.join(versions)} "
                   "(releases are immutable: withdraw them if needed)")
