"""``newscorpus release``, ``releases``, ``verify``, ``diff`` and ``takedown``: thin wrappers of corpus.release."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import click

from corpus.cli.common import json_option, run_stage_command, settings_option, workspace
from corpus.release import ReleaseError, count_changes, diff_releases, verify_release
from corpus.release.catalog import VERSION_RULE, BrokenRelease, scan_releases, shown, validate_version
from corpus.release.manifest import sha256_file
from corpus.release.tables import CHANGE_KINDS
from corpus.workspace import Workspace

MAX_PAGES_SHOWN = 20


def _changes_line(counts: dict) -> str:
    return ", ".join(f"{counts.get(kind, 0):,} {kind.replace('_', ' ')}" for kind in CHANGE_KINDS)


def _size(files: dict) -> int:
    return sum(entry["bytes"] for entry in files.values())


def _warn_broken(broken: list[BrokenRelease]) -> None:
    for folder in broken:
        click.echo(f"Warning: {folder}; left alone", err=True)


def release_lines(s: dict) -> list[str]:
    path = Path(s["path"])
    for name, reason in s["parent_skipped"].items():
        click.echo(f"Warning: release {name} skipped as the previous release: {reason}", err=True)
    _warn_broken(scan_releases(path.parent)[1])
    counts = s["counts"]
    lines = [f"Release {s['version']} written to {s['path']}",
             f"  {counts['documents']:,} stories ({counts['duplicates']:,} duplicates as provenance) "
             f"in {s['shards']} shard(s), {s['bytes'] / 1e6:.1f} MB"]
    parent = s["parent"]
    lines.append(f"  against {parent}: {_changes_line(s['changes'])}" if parent else "  first release")
    lines.append(f"  manifest.json sha256 {sha256_file(path / 'manifest.json')} (publish it to pin this release)")
    return lines


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
                   "or the RELEASE_SHARD_SIZE setting).")
@settings_option
@json_option
@click.pass_context
def release(ctx: click.Context, version: str | None, notes: str | None, shard_size: str | None, overrides,
            as_json: bool) -> None:
    """Freeze the deduplicated corpus into an immutable release folder.

    Writes releases/V/ with data/*.parquet (one row per story), clusters.parquet, changes.parquet,
    CHANGES.md (against the previous release), README.md (dataset card) and manifest.json
    (checksums). An existing version is never overwritten.

    \b
    Example:
        newscorpus release
        newscorpus release --version 2025.06-spring --notes "Spring crawl of four outlets"
    """
    from corpus.stages import RELEASE

    if shard_size is not None:
        overrides = (*overrides, f"RELEASE_SHARD_SIZE={shard_size}")
    run_stage_command(ctx, RELEASE, {"version": version, "notes": notes}, overrides, as_json, render=release_lines)


@click.command()
@click.option("--format", "output", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: a table; json: one JSON array of releases.")
@click.pass_context
def releases(ctx: click.Context, output: str) -> None:
    """List the releases of this workspace, oldest first, with their counts.

    Folders in releases/ that are not usable releases are named on stderr.

    \b
    Example:
        newscorpus releases
        newscorpus releases --format json
    """
    found, broken = scan_releases(workspace(ctx).require().releases_dir)
    _warn_broken(broken)
    if output == "json":
        click.echo(json.dumps([{"version": info.version, "format": info.format, "parent": info.manifest.get("parent"),
                                "created": info.manifest.get("created"), "counts": info.manifest.get("counts"),
                                "changes": info.manifest.get("changes"),
                                "bytes": _size(info.manifest.get("files", {}))} for info in found],
                              ensure_ascii=False, indent=1))
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
        checked, problems = verify_release(workspace(ctx).require().releases_dir, version)
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
        changes = diff_releases(workspace(ctx).require(), old, new)
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


@click.command()
@click.argument("url", required=False)
@click.option("--cluster", "story", metavar="URL_OR_ID",
              help="Take the whole story down: every page of the dedup cluster with this id (the `id` column "
                   "of a release), or of the cluster holding this URL.")
@click.option("--reason", required=True, help="Why (who asked, when); kept with the tombstone.")
@click.option("--purge", is_flag=True,
              help="Also blank the raw WARC records in place and empty the stored title and text.")
@settings_option
@json_option
@click.pass_context
def takedown(ctx: click.Context, url: str | None, story: str | None, reason: str, purge: bool, overrides,
             as_json: bool) -> None:
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
    from corpus.stages import TAKEDOWN

    if (url is None) == (story is None):
        raise click.UsageError("give either a URL or --cluster URL_OR_ID, not both, not neither")
    home = workspace(ctx).home
    render = ((lambda s: story_takedown_lines(s, purge)) if story
              else (lambda s: takedown_lines(s, purge, reason, home)))
    run_stage_command(ctx, TAKEDOWN, {"url": url, "cluster": story, "reason": reason, "purge": purge}, overrides,
                      as_json, render=render)


def takedown_lines(result: dict, purge: bool, reason: str, home: Path) -> list[str]:
    lines = [f"{'Updated' if result['already_recorded'] else 'Recorded'} takedown of {shown(result['url'])} "
             f"({result['documents']} stored document(s)); the next release leaves it out."]
    if not result["documents"]:
        lines.append("  no stored document has exactly this URL (check `newscorpus export documents`); "
                     "the tombstone still keeps it out if it is collected later")
    if purge:
        lines.append(f"  purged: {result['records_blanked']} WARC record(s) blanked, stored title and text emptied")
    lines += _in_releases(result["in_releases"])
    if result["remaining"]:
        lines.append(f"  The story stays in the corpus: {len(result['remaining'])} other page(s) of story "
                     f"{shown(result['story'])} carry it:")
        lines += _pages(result["remaining"])
        at = [] if home == Workspace.resolve().home else ["--home", str(home)]
        command = ["newscorpus", *at, "takedown", "--cluster", result["story"], "--reason", " ".join(reason.split())]
        lines.append(f"  To take the whole story down: {shlex.join(command)}")
    return lines


def story_takedown_lines(result: dict, purge: bool) -> list[str]:
    lines = [f"Recorded takedown of story {shown(result['story'])}: its {len(result['pages'])} page(s) are left "
             "out of the next release."]
    lines += _pages(result["pages"])
    if purge:
        lines.append(f"  purged: {result['records_blanked']} WARC record(s) blanked, stored titles and texts emptied")
    lines += _in_releases(result["in_releases"])
    return lines + ["  Copies collected later are new pages: take them down too if they appear."]


def _pages(pages: list[dict]) -> list[str]:
    outlets = [shown(page["outlet"] or "unknown") for page in pages]
    width = max(map(len, outlets))
    lines = [f"    {outlet:<{width}}  {shown(page['url'])}{'  (canonical)' if page['canonical'] else ''}"
             for outlet, page in zip(outlets[:MAX_PAGES_SHOWN], pages)]
    if len(pages) > MAX_PAGES_SHOWN:
        lines.append(f"    … and {len(pages) - MAX_PAGES_SHOWN:,} more")
    return lines


def _in_releases(versions: list[str]) -> list[str]:
    if not versions:
        return []
    return [f"  still in published release(s): {', '.join(versions)} (releases are immutable: withdraw them if needed)"]
