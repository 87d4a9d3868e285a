"""Every command is documented: it has help with an example (sqlite-utils' test_docs habit)."""

import pytest
from click.testing import CliRunner

from corpus.cli import COMMANDS, main


def _commands():
    runner_ctx = main.make_context("newscorpus", ["--help"], resilient_parsing=True)
    return [(name, main.get_command(runner_ctx, name)) for name in COMMANDS]


@pytest.mark.parametrize("name,command", _commands(), ids=[name for name in COMMANDS])
def test_command_help_has_example(name, command):
    if command is None:
        pytest.skip(f"`{name}` is not built yet")
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`newscorpus {name} --help` has no example"


def test_main_help_lists_only_existing_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "Example" in result.output
