"""The one error type every stage and command raises for a failure a user can act on, and the exit codes.

The CLI prints ``Error: <message>`` (one line, no traceback) and exits with the error's code, so cron
and scripts can tell the outcomes apart. The codes are the same for every command (README: Exit codes).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

EXIT_DONE = 0          # the command did what was asked
EXIT_FAILED = 1        # it failed; what was stored before stays stored and the next run resumes
EXIT_USAGE = 2         # a usage mistake: an unknown option, a bad value, a setting out of range (click's code)
EXIT_DEGRADED = 3      # it ran, but a site is down or degraded (no server answered, most fetches failed, ...)
EXIT_BUSY = 75         # another run holds the workspace (sysexits' EX_TEMPFAIL: try again later)


class NewscorpusError(Exception):
    """A failure with a message that says what to do; ``exit_code`` is what the command exits with."""

    exit_code = EXIT_FAILED

    def __init__(self, message: str, exit_code: int | None = None):
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code


class SettingError(NewscorpusError):
    """A setting with an unknown name or a value of the wrong type or range (a usage error)."""

    exit_code = EXIT_USAGE


class WorkspaceError(NewscorpusError):
    """The workspace or its store cannot be used: missing, not a folder, unwritable, not a store."""


@contextmanager
def user_errors(*types: type[Exception]) -> Iterator[None]:
    """Re-raise these exception types, whose messages are written for users, as ``NewscorpusError``."""
    try:
        yield
    except types as error:
        raise NewscorpusError(str(error)) from None
