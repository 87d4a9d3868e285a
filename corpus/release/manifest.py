"""``manifest.json``: what a release holds and how to check it, file by file.

Every file of the release except the manifest itself is listed with its sha256, size and (for
Parquet) row count; ``verify`` recomputes them and names any file that differs, is missing or is
not listed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pyarrow.parquet as pq

from corpus.release.catalog import MANIFEST, load_release

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
    issue: str  # missing | extra | checksum | size | unreadable

    def __str__(self) -> str:
        return f"{self.file}: {self.issue}"


def verify_release(releases_dir: Path, version: str) -> tuple[int, list[Problem]]:
    """Recompute every checksum of release ``version``; return (files checked, problems found)."""
    info = load_release(releases_dir, version)
    listed = info.manifest.get("files", {})
    problems = []
    present = {p.relative_to(info.path).as_posix() for p in info.path.rglob("*") if p.is_file()} - {MANIFEST}
    for name in sorted(present - set(listed)):
        problems.append(Problem(name, "extra (not in manifest.json)"))
    for name, expected in sorted(listed.items()):
        path = info.path / name
        if name.startswith("/") or ".." in Path(name).parts:
            problems.append(Problem(name, "unsafe path in manifest.json"))
        elif name not in present:
            problems.append(Problem(name, "missing"))
        elif path.stat().st_size != expected.get("bytes"):
            problems.append(Problem(name, f"size {path.stat().st_size} != {expected.get('bytes')} in manifest"))
        elif sha256_file(path) != expected.get("sha256"):
            problems.append(Problem(name, "sha256 mismatch"))
    return len(listed), problems
