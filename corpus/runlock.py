"""A workspace lock so that two writing stages never overlap (a cron ``run`` and a manual ``dedup``).

An ``flock`` on ``<home>/run.lock``: the kernel releases it when the holder exits or is killed,
so a SIGKILLed run never leaves a stale lock behind. Crawl workers sharing a frontier take it in
shared mode: they run side by side and every other writer still waits its turn.
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
    """Hold the workspace's run lock for the duration of a ``with`` block (re-entrant in one process);
    ``shared``: together with other shared holders, never with an exclusive one.

    Raises:
        WorkspaceBusy: another process holds it; the message names its pid.
    """

    def __init__(self, path: Path, shared: bool = False):
        self.path = path
        self.shared = shared
        self._key = os.path.abspath(path)
        self._fd: int | None = None
        self._nested = False

    def __enter__(self) -> "RunLock":
        if self._key in _held:
            self._nested = True
            return self
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode(errors="replace").strip()
            os.close(fd)
            who = f"pid {holder}" if holder else "crawl workers sharing a frontier"
            raise WorkspaceBusy(f"another newscorpus run ({who}) is using this workspace ({self.path}); "
                                "try again when it has finished") from None
        if not self.shared:  # shared holders leave the file empty: the message above names them
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
            if not self.shared:
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


def other_process_alive(pid: object) -> bool:
    """Whether ``pid`` is another live process on this machine (the writer a record names may be gone)."""
    if not isinstance(pid, int) or pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, but someone else's
        return True
    return True
