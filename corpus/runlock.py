"""A workspace lock so that two writing stages never overlap (a cron ``run`` and a manual ``dedup``).

An ``flock`` on ``<home>/run.lock``: the kernel releases it when the holder exits or is killed,
so a SIGKILLed run never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from corpus.errors import EXIT_BUSY, NewscorpusError


class WorkspaceBusy(NewscorpusError):
    """Another run holds the workspace lock (exit 75: try again later)."""

    exit_code = EXIT_BUSY


# Locks this process holds, by path: a stage run under the runner's lock may take it again.
_held: dict[str, int] = {}


class RunLock:
    """Hold the workspace's run lock for the duration of a ``with`` block (re-entrant in one process).

    Raises:
        WorkspaceBusy: another process holds it; the message names its pid.
    """

    def __init__(self, path: Path):
        self.path = path
        self._key = os.path.abspath(path)
        self._fd: int | None = None
        self._nested = False

    def __enter__(self) -> "RunLock":
        if self._key in _held:
            self._nested = True
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise WorkspaceBusy(f"another newscorpus run (pid {holder}) is using this workspace ({self.path}); "
                                "try again when it has finished") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        self._fd = fd
        _held[self._key] = fd
        return self

    def __exit__(self, *exc) -> None:
        if self._nested:
            self._nested = False
            return
        if self._fd is not None:
            del _held[self._key]
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


def is_locked(path: Path) -> bool:
    """Whether a process holds the lock now (a run row still 'running' without a holder was killed)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
