"""The releases folder: version names, existing releases and their manifests.

The folder is the source of truth: a release exists when ``releases/<V>/manifest.json`` does
(the folder is renamed into place only once complete). Temporary build folders start with a dot.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from corpus.release.errors import ReleaseError

VERSION_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
MAX_VERSION_LENGTH = 100
MANIFEST = "manifest.json"
TEMP_PREFIX = ".tmp-"


def validate_version(version: str) -> str:
    """Return ``version`` if it is a safe folder name, else raise with the rule it broke."""
    if not version or len(version) > MAX_VERSION_LENGTH or not VERSION_PATTERN.match(version) or ".." in version:
        raise ReleaseError(
            f"invalid release version {version!r}: use 1-{MAX_VERSION_LENGTH} letters, digits, '.', '_' or '-', "
            "starting with a letter or digit and without '..' (e.g. 2025.06.01 or v1.2)"
        )
    return version


@dataclass(frozen=True)
class ReleaseInfo:
    version: str
    path: Path
    manifest: dict

    @property
    def sequence(self) -> int:
        return int(self.manifest.get("sequence", 0))


def load_release(releases_dir: Path, version: str) -> ReleaseInfo:
    """The release ``version``; raises if it does not exist or its manifest is unreadable."""
    path = releases_dir / validate_version(version)
    manifest_path = path / MANIFEST
    if not manifest_path.is_file():
        known = ", ".join(info.version for info in list_releases(releases_dir)) or "none yet"
        raise ReleaseError(f"no release {version!r} in {releases_dir} (releases: {known})")
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ReleaseError(f"{manifest_path} cannot be read: {error}") from None
    return ReleaseInfo(version, path, manifest)


def list_releases(releases_dir: Path) -> list[ReleaseInfo]:
    """Every complete release, oldest first (by the sequence number each manifest records)."""
    if not releases_dir.is_dir():
        return []
    found = []
    for path in releases_dir.iterdir():
        if path.name.startswith(".") or not (path / MANIFEST).is_file() or not VERSION_PATTERN.match(path.name):
            continue
        try:
            found.append(ReleaseInfo(path.name, path, json.loads((path / MANIFEST).read_text("utf-8"))))
        except (OSError, ValueError):
            continue  # unreadable manifest: `verify` reports it, listing skips it
    return sorted(found, key=lambda info: (info.sequence, info.manifest.get("created", ""), info.version))


def default_version(releases_dir: Path, now: datetime | None = None) -> str:
    """``YYYY.MM.DD`` (UTC), then ``YYYY.MM.DD.1``, ``.2``, … for later releases the same day."""
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y.%m.%d")
    candidate, suffix = stamp, 0
    while (releases_dir / candidate).exists():
        suffix += 1
        candidate = f"{stamp}.{suffix}"
    return candidate
