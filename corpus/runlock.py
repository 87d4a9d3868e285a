"""A workspace lock so that a cron job never overlaps with the previous one.

An ``flock`` on ``<home>/run.lock``: the kernel releases it when the holder exits or is killed,
so a SIGKILLed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class WorkspaceBusy(RuntimeError):
    """Another run holds the workspace lock."""


class RunLock:
    """Hold the workspace's run lock for the duration of a ``with`` block.

    Raises:
        WorkspaceBusy: another process holds it; the message names its pid.
    """

    def __init__(self, path: Path):
        self.path = path
        self._fd: int | None = None

    def __enter__(self) -> "RunLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise WorkspaceBusy(f"another newscorpus run (pid {holder}) is using this workspace ({self.path})")
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
