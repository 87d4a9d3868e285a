"""Shared fixtures: a fresh workspace per test and a way to run the real CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from corpus.workspace import Workspace

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """An initialised, empty workspace (what `newscorpus init` makes)."""
    ws = Workspace(tmp_path / "ws").ensure()
    ws.open_store().close()
    return ws


def run_cli(*args: str, home: Path | Workspace | None = None, timeout: float = 300, check: bool = True,
            env: dict | None = None, input: str | None = None) -> subprocess.CompletedProcess:
    """Run ``newscorpus ARGS`` in a subprocess, as a user would."""
    command = [sys.executable, "-m", "corpus.cli"]
    if home is not None:
        command += ["--home", str(home.home if isinstance(home, Workspace) else home)]
    full_env = {**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})}
    result = subprocess.run(command + list(args), capture_output=True, text=True, timeout=timeout,
                            env=full_env, input=input, cwd=ROOT)
    if check and result.returncode != 0:
        raise AssertionError(f"newscorpus {' '.join(args)} exited {result.returncode}\n"
                             f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}")
    return result


def cli_summary(*args: str, home: Path | Workspace, env: dict | None = None) -> dict:
    """The summary of ``newscorpus ARGS --json`` (its run record's)."""
    return json.loads(run_cli(*args, "--json", home=home, env=env).stdout)["summary"]
