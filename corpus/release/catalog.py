"""The releases folder: version names, existing releases, their manifests, and what is not a release.

The folder is the source of truth: a release exists when ``releases/<V>/manifest.json`` does and
is a well-formed manifest (the folder is renamed into place only once complete). Temporary build
folders start with a dot. Anything else found there (a copied folder, a hand-made manifest, a
corrupted one) is reported as broken and never used, so it cannot break a later release.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from corpus.release.errors import ReleaseError

VERSION_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
MAX_VERSION_LENGTH = 100
MANIFEST = "manifest.json"
TEMP_PREFIX = ".tmp-"
MAX_MANIFEST_BYTES = 64 * 1024**2
# Release format 1: dates as ISO 8601 strings. Format 2: dates as UTC timestamps plus the source's offset.
RELEASE_FORMAT = 2
VERSION_RULE = (f"1-{MAX_VERSION_LENGTH} ASCII letters, digits, '.', '_' or '-', starting with a letter or digit, "
                "without '..' (e.g. 2025.06.01 or v1.2)")


def validate_version(version: str) -> str:
    """Return ``version`` if it is a safe folder name, else raise with the rule it broke."""
    if (not version or len(version) > MAX_VERSION_LENGTH or not VERSION_PATTERN.fullmatch(version)
            or ".." in version):
        raise ReleaseError(f"invalid release version {version!r}: a version is {VERSION_RULE}")
    return version


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    path: Path
    manifest: dict

    @property
    def sequence(self) -> int:
        return self.manifest["sequence"]

    @property
    def format(self) -> int:
        """The release format; manifests written before formats were numbered are format 1."""
        return self.manifest.get("format", 1)


@dataclass(frozen=True)
class BrokenRelease:
    """A folder in ``releases/`` that is not a usable release, and why."""

    name: str
    reason: str

    def __str__(self) -> str:
        return f"releases/{shown(self.name)} is not a usable release ({self.reason})"


def shown(name: str) -> str:
    """A file name as it can be printed on one line (a name can hold newlines and escape codes)."""
    return name if name.isprintable() else repr(name)


def read_manifest(path: Path, version: str) -> dict:
    """The manifest at ``path``, checked field by field; raises naming the file and what is wrong with it."""
    try:
        return _read_manifest(path, version)
    except ValueError as error:
        raise ReleaseError(f"{path} is not a valid release manifest ({error}); the release {version!r} "
                           "cannot be used: restore it from a copy or move it out of the releases folder") from None


def _read_manifest(path: Path, version: str) -> dict:
    """The checked manifest; a ValueError says in a few words what is wrong with it."""
    try:
        if path.is_symlink() or not path.is_file():
            raise ValueError("not a regular file")
        if path.stat().st_size > MAX_MANIFEST_BYTES:
            raise ValueError(f"larger than {MAX_MANIFEST_BYTES // 1024**2} MB")
        manifest = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError, RecursionError) as error:
        raise ValueError(_short(error)) from None
    _check_manifest(manifest, version)
    return manifest


def _check_manifest(manifest: object, version: str) -> None:
    if not isinstance(manifest, dict):
        raise ValueError(f"a JSON object expected, found {type(manifest).__name__}")
    if manifest.get("version") != version:
        raise ValueError(f"it names version {manifest.get('version')!r}, not the folder's name")
    if type(manifest.get("sequence")) is not int or manifest["sequence"] < 1:
        raise ValueError("'sequence' is not a positive integer")
    if type(manifest.get("format", 1)) is not int:
        raise ValueError("'format' is not an integer")
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(
            isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and type(entry.get("bytes")) is int
            for entry in files.values()):
        raise ValueError("'files' is not a map of file name to {sha256, bytes}")
    if "clusters.parquet" not in files:
        raise ValueError("it lists no clusters.parquet")
    for key in ("counts", "changes"):
        if not isinstance(manifest.get(key, {}), dict):
            raise ValueError(f"{key!r} is not an object")
    numbers = [manifest.get("counts", {}).get(key, 0) for key in ("documents", "duplicates")]
    if not all(type(n) is int for n in numbers + list(manifest.get("changes", {}).values())):
        raise ValueError("its counts or changes are not whole numbers")
    for key in ("created", "parent"):
        if not isinstance(manifest.get(key), (str, type(None))):
            raise ValueError(f"{key!r} is not a string")


def _short(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text if len(text) <= 200 else text[:200] + "…"


def load_release(releases_dir: Path, version: str) -> ReleaseInfo:
    """The release ``version``; raises if it does not exist or its manifest is unreadable."""
    path = releases_dir / validate_version(version)
    if path.is_symlink():
        raise ReleaseError(f"{path} is a symlink, not a release folder: releases are never linked or moved in")
    manifest_path = path / MANIFEST
    if not manifest_path.exists() and not manifest_path.is_symlink():
        known = ", ".join(info.version for info in list_releases(releases_dir)) or "none yet"
        raise ReleaseError(f"no release {version!r} in {releases_dir} (releases: {known})")
    return ReleaseInfo(version, path, read_manifest(manifest_path, version))


def scan_releases(releases_dir: Path) -> tuple[list[ReleaseInfo], list[BrokenRelease]]:
    """(every usable release, oldest first by the sequence each manifest records; every other folder)."""
    if not releases_dir.is_dir():
        return [], []
    found, broken = [], []
    for path in sorted(releases_dir.iterdir()):
        if path.name.startswith(".") or not path.is_dir() or path.is_symlink():
            continue  # temporary builds, the lock, stray files
        if not (path / MANIFEST).exists() and not (path / MANIFEST).is_symlink():
            broken.append(BrokenRelease(path.name, "no manifest.json"))
            continue
        if not VERSION_PATTERN.fullmatch(path.name) or ".." in path.name or len(path.name) > MAX_VERSION_LENGTH:
            broken.append(BrokenRelease(path.name, "its name is not a release version"))
            continue
        try:
            found.append(ReleaseInfo(path.name, path, _read_manifest(path / MANIFEST, path.name)))
        except ValueError as error:
            broken.append(BrokenRelease(path.name, f"manifest.json: {error}"))
    found.sort(key=lambda info: (info.sequence, str(info.manifest.get("created", "")), info.version))
    return found, broken


def list_releases(releases_dir: Path) -> list[ReleaseInfo]:
    """Every usable release, oldest first (``scan_releases`` also names the folders that are not)."""
    return scan_releases(releases_dir)[0]


def folder_in_releases(path: Path, releases_dir: Path) -> str | None:
    """The name of the folder of ``releases_dir`` that ``path`` lies in (links resolved), or None.

    Releases are immutable, and anything else written there is a foreign folder: other commands
    (``report --out``) call this to refuse such a destination.
    """
    try:
        relative = Path(path).resolve().relative_to(releases_dir.resolve())
    except ValueError:
        return None
    return relative.parts[0] if relative.parts else "."


def default_version(releases_dir: Path, now: datetime | None = None) -> str:
    """``YYYY.MM.DD`` (UTC), then ``YYYY.MM.DD.1``, ``.2``, … for later releases the same day."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y.%m.%d")
    candidate, suffix = stamp, 0
    while (releases_dir / candidate).exists() or (releases_dir / candidate).is_symlink():
        suffix += 1
        candidate = f"{stamp}.{suffix}"
    return candidate
