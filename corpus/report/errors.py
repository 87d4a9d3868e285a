"""The one exception of the report stage; the CLI shows its message to the user as is."""


class ReportError(Exception):
    """A report that cannot be written, with what to do about it."""
