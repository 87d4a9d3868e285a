"""A release survives hostile input and a damaged releases folder, through the CLI (issue 14 items 10, 11).

Scraped outlets, titles and languages carrying markup end up in the dataset card as text, never as
HTML; version names that are not plain folder names are refused; corrupted manifests, foreign
folders and symlinks give clean errors and never stop a later release; a report cannot be
written into a release; release and report files get the modes the umask gives.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT, run_cli
from release_support import put_document, real_texts, set_clusters

PAYLOADS = [
    "<script>alert('outlet')</script>",
    '<img src=x onerror="alert(1)">',
    "a|b\n| --- |\n<iframe src=javascript:alert(2)>",
    "`<svg onload=alert(3)>`",
    "# =HYPERLINK(\"http://evil\") [x](javascript:alert(4))",
    "&lt;b&gt;entity&lt;/b&gt; <!-- comment -->",
]


class _Tags(HTMLParser):
    """Every start tag and its attributes in rendered HTML, and the visible text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.text = set(), [], []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [name for name, _ in attrs]

    def handle_data(self, data):
        self.text.append(data)


@pytest.fixture
def two_stories(workspace):
    texts = real_texts()
    put_document(workspace, "https://wire.example.cn/0.html", texts[0])
    put_document(workspace, "https://wire.example.cn/1.html", texts[1])
    set_clusters(workspace, {"s-0": ["https://wire.example.cn/0.html"], "s-1": ["https://wire.example.cn/1.html"]})
    return workspace


def _no_traceback(result):
    assert "Traceback" not in result.stderr + result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_card_shows_planted_markup_as_text(tmp_path):
    texts = real_texts()
    lines = [{"url": f"https://site{i}.example.cn/a/{i}.html", "text": texts[i], "source": payload, "title": payload,
              "lang": payload, "published": "2025-05-01T08:00:00+08:00"} for i, payload in enumerate(PAYLOADS)]
    feed = tmp_path / "hostile.jsonl"
    feed.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), "utf-8")
    home = tmp_path / "ws"
    run_cli("ingest", str(feed), home=home)
    run_cli("dedup", home=home)
    run_cli("release", "--version", "v1", "--notes", "<b onmouseover=alert(5)>notes</b>\n# heading?", home=home)
    card = (home / "releases" / "v1" / "README.md").read_text("utf-8")
    body = card.split("---", 2)[2]

    html = MarkdownIt("commonmark").enable("table").render(body)
    rendered = _Tags()
    rendered.feed(html)
    assert rendered.tags <= {"h1", "h2", "p", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "code",
                             "pre", "em", "strong"}, rendered.tags
    assert not [name for name in rendered.attributes if name.startswith("on") or name in {"src", "href"}]
    visible = " ".join(" ".join(rendered.text).split())
    for payload in PAYLOADS:  # every outlet reaches the reader, character for character, as text
        assert " ".join(payload.split()) in visible, payload
    assert "<b onmouseover=alert(5)>notes</b> # heading?" in visible
    sources = body.split("## Sources", 1)[1].split("\n\n")[1].splitlines()
    assert len(sources) == 2 + len(PAYLOADS)  # one table row per outlet: no payload broke out of its row


@pytest.mark.parametrize("bad", ["v1\n", "v1\r", "v\x1b[31m1", "-v1", "v1 ", "é1", "a\\b", "v1/..", "." * 3])
def test_release_names_that_are_not_plain_folder_names_are_refused(two_stories, bad):
    result = run_cli("release", "--version", bad, home=two_stories, check=False)
    assert result.returncode == 2
    assert "a version is 1-100 ASCII letters, digits" in _no_traceback(result)
    assert sorted(path.name for path in two_stories.releases_dir.iterdir()) == []


CORRUPTIONS = {
    "garbage": b"\x00\xff not json at all",
    "empty": b"",
    "a list": b"[1, 2]",
    "files not a map": b'{"version": "v1", "sequence": 1, "files": ["clusters.parquet"]}',
    "sequence a word": b'{"version": "v1", "sequence": "first", "files": {}}',
    "counts not numbers": None,  # the real manifest with "documents": "many"
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
}


def test_corrupted_manifests_give_clean_errors_and_later_releases_still_work(two_stories):
    run_cli("release", "--version", "v1", home=two_stories)
    releases = two_stories.releases_dir
    for name, corruption in CORRUPTIONS.items():
        folder = releases / name.replace(" ", "-")
        shutil.copytree(releases / "v1", folder)
        manifest = folder / "manifest.json"
        manifest.chmod(0o644)
        if corruption is None:
            data = json.loads(manifest.read_text("utf-8"))
            manifest.write_text(json.dumps({**data, "version": folder.name, "sequence": 2,
                                            "counts": {**data["counts"], "documents": "many"}}))
        else:
            manifest.write_bytes(corruption)
        verify = run_cli("verify", folder.name, home=two_stories, check=False)
        assert verify.returncode == 1
        assert f"{manifest} is not a valid release manifest" in _no_traceback(verify), name

    diff = run_cli("diff", "v1", "garbage", home=two_stories, check=False)
    assert diff.returncode == 1 and "garbage/manifest.json is not a valid release manifest" in _no_traceback(diff)
    listing = run_cli("releases", home=two_stories)
    assert [line.split()[0] for line in listing.stdout.splitlines()[1:]] == ["v1"]
    warnings = [line for line in listing.stderr.splitlines() if "is not a usable release (manifest.json: " in line]
    assert len(warnings) == len(CORRUPTIONS) and "Traceback" not in listing.stderr

    made = run_cli("release", "--version", "v2", home=two_stories)
    assert "against v1: 0 added, 0 updated, 0 removed, 0 merged, 0 taken down" in made.stdout
    v2 = json.loads((releases / "v2" / "manifest.json").read_text("utf-8"))
    assert (v2["parent"], v2["sequence"]) == ("v1", 2)


def test_foreign_folders_and_a_manifest_alone_never_break_a_release(two_stories):
    run_cli("release", "--version", "v1", home=two_stories)
    releases = two_stories.releases_dir
    (releases / "notes").mkdir()
    (releases / "notes" / "todo.txt").write_text("not a release")
    (releases / "README.md").write_text("a stray file")
    shutil.copytree(releases / "v1", releases / "copy-of-v1")  # names another version
    (releases / "v9").mkdir()
    shutil.copy(releases / "v1" / "manifest.json", releases / "v9" / "manifest.json")
    (releases / "v9" / "manifest.json").chmod(0o644)
    data = json.loads((releases / "v9" / "manifest.json").read_text("utf-8"))
    (releases / "v9" / "manifest.json").write_text(json.dumps({**data, "version": "v9", "sequence": 7}))

    made = run_cli("release", "--version", "v2", home=two_stories)
    assert "against v1: 0 added" in made.stdout  # v9 holds no pages: skipped, and said so
    assert "release v9 skipped as the previous release" in made.stderr
    assert "releases/notes is not a usable release (no manifest.json)" in made.stderr
    assert "releases/copy-of-v1 is not a usable release (manifest.json: it names version 'v1'" in made.stderr
    assert "Release `v9` was skipped" in (releases / "v2" / "CHANGES.md").read_text("utf-8")
    assert "ok: release v2" in run_cli("verify", "v2", home=two_stories).stdout
    assert (releases / "notes" / "todo.txt").read_text() == "not a release"  # left alone


def test_verify_fails_on_a_data_file_replaced_by_a_symlink(two_stories, tmp_path):
    run_cli("release", "--version", "v1", home=two_stories)
    release = two_stories.releases_dir / "v1"
    shard = next((release / "data").glob("*.parquet"))
    outside = tmp_path / "identical.parquet"
    shutil.copy(shard, outside)  # same bytes: only the link gives it away
    shard.unlink()
    shard.symlink_to(outside)
    (release / "extra-link").symlink_to("/etc/passwd")
    result = run_cli("verify", "v1", home=two_stories, check=False)
    assert result.returncode == 1
    assert f"FAIL data/{shard.name}: symlink (a release holds regular files only)" in result.stderr
    assert "FAIL extra-link: symlink" in result.stderr
    assert "passwd" not in result.stderr + result.stdout

    moved = two_stories.home / "elsewhere"
    release.rename(moved)
    release.symlink_to(moved)
    result = run_cli("verify", "v1", home=two_stories, check=False)
    assert result.returncode == 1 and "is a symlink, not a release folder" in _no_traceback(result)


def test_report_refuses_to_write_into_a_release(two_stories, tmp_path):
    run_cli("release", "--version", "v1", home=two_stories)
    before = sorted(path.name for path in (two_stories.releases_dir / "v1").rglob("*"))
    link = tmp_path / "link"
    link.symlink_to(two_stories.releases_dir / "v1")
    for out in (two_stories.releases_dir / "v1" / "rep", link / "rep", two_stories.releases_dir / "rep"):
        result = run_cli("report", "--out", str(out), home=two_stories, check=False)
        assert result.returncode == 2
        assert "which holds immutable releases only" in _no_traceback(result)
    assert sorted(path.name for path in (two_stories.releases_dir / "v1").rglob("*")) == before
    assert not (two_stories.releases_dir / "rep").exists()
    assert "ok: release v1" in run_cli("verify", "v1", home=two_stories).stdout


def _cli_with_umask(umask, *args, home):
    command = [sys.executable, "-m", "corpus.cli", "--home", str(home.home), *args]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, umask=umask, timeout=300,
                            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("umask, folder, readonly_file, file", [(0o022, 0o755, 0o444, 0o644),
                                                                 (0o027, 0o750, 0o440, 0o640)])
def test_release_and_report_modes_follow_the_umask(two_stories, tmp_path, umask, folder, readonly_file, file):
    _cli_with_umask(umask, "release", "--version", "v1", home=two_stories)
    _cli_with_umask(umask, "report", "--out", str(tmp_path / "rep"), home=two_stories)
    release = two_stories.releases_dir / "v1"
    modes = {path.relative_to(release).as_posix(): stat.S_IMODE(path.stat().st_mode)
             for path in [release, *release.rglob("*")]}
    assert modes.pop(".") == folder and modes.pop("data") == folder
    assert set(modes.values()) == {readonly_file}, modes
    assert stat.S_IMODE((tmp_path / "rep").stat().st_mode) == folder
    assert {stat.S_IMODE(path.stat().st_mode) for path in (tmp_path / "rep").iterdir()} == {file}
