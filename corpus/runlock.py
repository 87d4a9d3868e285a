"""A workspace lock so that a cron job never overlaps with the previous one.

An ``flock`` on ``<home>/run.lock``: the kernel releases it when the holder exits or is killed,
so a SIGKILLed run never leaves a stale lock behind. Crawl workers sharing a frontier take it in
shared mode: they run side by side and every other writer still waits its turn.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class WorkspaceBusy(RuntimeError):
    """Another run holds the workspace lock."""


class RunLock:
    """Hold the workspace's run lock for the duration of a ``with`` block (``shared``: with other shared holders).

    Raises:
        WorkspaceBusy: another process holds it; the message names its pid.
    """

    def __init__(self, path: Path, shared: bool = False):
        self.path = path
        self.shared = shared
        self._fd: int | None = None

    def __enter__(self) -> "RunLock":
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip()
            os.close(fd)
            who = f"pid {holder}" if holder else "crawl workers sharing a frontier"
            raise WorkspaceBusy(f"another newscorpus run ({who}) is using this workspace ({self.path})")
        if not self.shared:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            if not self.shared:
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
