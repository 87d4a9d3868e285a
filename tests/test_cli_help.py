"""Every command is documented: it has help with an example (sqlite-utils' test_docs habit).

A command whose module cannot be loaded fails here: a broken import is never skipped as "not built yet".
"""

import click
import pytest
from click.testing import CliRunner

from corpus.cli import COMMANDS, main
from corpus.cli.export import EXPORTS
from corpus.cli.lazy import LazyGroup

EVERY = [[name] for name in COMMANDS] + [["export", name] for name in EXPORTS]


@pytest.mark.parametrize("path", EVERY, ids=[" ".join(path) for path in EVERY])
def test_command_help_has_example(path):
    result = CliRunner().invoke(main, [*path, "--help"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`newscorpus {' '.join(path)} --help` has no example"


def test_main_help_lists_every_command_with_the_exit_codes():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and "75 workspace" in result.output
    rows = result.output.split("Commands:")[1].splitlines()
    listed = [line.split()[0] for line in rows if line.startswith("  ") and line[2] != " "]
    assert listed == list(COMMANDS)


def test_a_command_that_cannot_be_loaded_is_an_error_not_a_gap():
    group = LazyGroup(commands={"ghost": "corpus.cli.no_such_module:ghost"})
    with pytest.raises(ModuleNotFoundError):
        group.get_command(click.Context(group), "ghost")
    with pytest.raises(ModuleNotFoundError):
        CliRunner().invoke(group, ["--help"], catch_exceptions=False)
