"""``manifest.json``: what a release holds and how to check it, file by file.

Every file of the release except the manifest itself is listed with its sha256, size and (for
Parquet) row count; ``verify`` recomputes them and names any file that differs, is missing or is
not listed.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from corpus.release.catalog import MANIFEST, load_release, shown

CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def describe_files(root: Path) -> dict[str, dict]:
    """``{relative path: {sha256, bytes, rows}}`` for every file under ``root`` but the manifest."""
    files = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        name = path.relative_to(root).as_posix()
        if name == MANIFEST:
            continue
        rows = pq.ParquetFile(path).metadata.num_rows if path.suffix == ".parquet" else None
        files[name] = {"sha256": sha256_file(path), "bytes": path.stat().st_size, "rows": rows}
    return files


def write_json(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False) + "\n", "utf-8")


@dataclass(frozen=True)
class Problem:
    file: str
    issue: str  # missing, extra, symlink, size or sha256 mismatch, unsafe path

    def __str__(self) -> str:
        return f"{shown(self.file)}: {self.issue}"


def verify_release(releases_dir: Path, version: str) -> tuple[int, list[Problem]]:
    """Recompute every checksum of release ``version``; return (files checked, problems found).

    A release holds regular files and folders only: a symlink (even to an identical copy), a FIFO
    or a device is a problem, and is never followed or opened.
    """
    info = load_release(releases_dir, version)
    listed = info.manifest["files"]
    entries = _entries(info.path)
    problems = [Problem(name, f"{kind} (a release holds regular files only)")
                for name, kind in sorted(entries.items()) if kind != "file"]
    present = {name for name, kind in entries.items() if kind == "file"} - {MANIFEST}
    for name in sorted(present - set(listed)):
        problems.append(Problem(name, "extra (not in manifest.json)"))
    for name, expected in sorted(listed.items()):
        path = info.path / name
        if name.startswith("/") or ".." in Path(name).parts:
            problems.append(Problem(name, "unsafe path in manifest.json"))
        elif name in entries and entries[name] != "file":
            continue  # already named above
        elif name not in present:
            problems.append(Problem(name, "missing"))
        elif path.stat().st_size != expected["bytes"]:
            problems.append(Problem(name, f"size {path.stat().st_size} != {expected['bytes']} in manifest"))
        elif sha256_file(path) != expected["sha256"]:
            problems.append(Problem(name, "sha256 mismatch"))
    return len(listed), problems


def _entries(root: Path) -> dict[str, str]:
    """``{relative path: file | symlink | special file}`` for everything under ``root``, links not followed."""
    entries = {}
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            path = Path(folder) / name
            mode = path.lstat().st_mode
            if stat.S_ISLNK(mode):
                kind = "symlink"
            elif stat.S_ISREG(mode):
                kind = "file"
            elif stat.S_ISDIR(mode):
                continue
            else:
                kind = "special file"
            entries[path.relative_to(root).as_posix()] = kind
    return entries
