"""The one exception of the release stage; the CLI shows its message to the user as is."""


class ReleaseError(Exception):
    """A release, verify, diff or takedown that cannot go ahead, with what to do about it."""
