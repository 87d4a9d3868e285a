"""Modes for outputs meant to be shared (releases, reports): what the user's umask gives.

Both are built in a ``tempfile.mkdtemp`` folder (mode 0700) and renamed into place, which would
keep them private whatever the umask; these give the modes ``mkdir`` and ``open`` would have given,
so a web server or a group can read what the umask lets them read.
"""

from __future__ import annotations

import os


def current_umask() -> int:
    """The process umask (read by setting it and putting it back: the CLI is single-threaded here)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def folder_mode() -> int:
    return 0o777 & ~current_umask()


def file_mode(read_only: bool = False) -> int:
    return (0o444 if read_only else 0o666) & ~current_umask()
