"""Decisions as JSON Lines, one decision a line: the format of export, import and the static page's download."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from corpus.decisions.model import Decision, DecisionError, parse_decision

DECISIONS_MAX_LINE_CHARS = 1_000_000   # a longer line is refused unread (500 URLs of 2 KiB fit)


@dataclass
class ReadResult:
    decisions: list[Decision] = field(default_factory=list)
    bad_lines: list[tuple[int, str]] = field(default_factory=list)   # (line number, reason)


def read_decisions(lines: Iterable[str], origin: str = "import") -> ReadResult:
    """Parse every line; a bad line is kept with its number and reason and never stops the others."""
    result = ReadResult()
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if len(line) > DECISIONS_MAX_LINE_CHARS:
            result.bad_lines.append((number, f"longer than {DECISIONS_MAX_LINE_CHARS:,} characters"))
            continue
        try:
            result.decisions.append(parse_decision(json.loads(line), origin))
        except (ValueError, RecursionError) as error:  # JSONDecodeError and DecisionError are ValueErrors
            reason = str(error) if isinstance(error, DecisionError) else f"not JSON ({type(error).__name__})"
            result.bad_lines.append((number, reason))
    return result


def write_decisions(decisions: Iterable[Decision], out: TextIO) -> int:
    count = 0
    for decision in decisions:
        out.write(json.dumps(decision.to_json(), ensure_ascii=False) + "\n")
        count += 1
    return count
