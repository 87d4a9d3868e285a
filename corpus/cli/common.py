"""Small pieces shared by the CLI commands."""

from __future__ import annotations

import click

from corpus.workspace import Workspace


def workspace(ctx: click.Context) -> Workspace:
    """The workspace chosen by ``--home`` on the main command."""
    return ctx.find_root().obj
