"""A click group that imports each command's module only when that command is used."""

from __future__ import annotations

import importlib

import click


class LazyGroup(click.Group):
    """``commands`` maps a command name to ``"package.module:attribute"``."""

    def __init__(self, *args, commands: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.lazy_commands = dict(commands or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.lazy_commands) + [name for name in super().list_commands(ctx) if name not in self.lazy_commands]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in self.lazy_commands:
            return super().get_command(ctx, name)
        module_name, attribute = self.lazy_commands[name].split(":")
        return getattr(importlib.import_module(module_name), attribute)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # Keep `--help` listing in data-flow order.
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if not command.hidden:
                rows.append((name, command.get_short_help_str(limit=formatter.width - 6 - len(name))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)
