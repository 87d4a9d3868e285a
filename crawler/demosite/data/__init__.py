"""Text data of the demo site (see SOURCE.md): a package so that a non-editable install ships it."""
