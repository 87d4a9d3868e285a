"""Release settings: every default in one place, validated when the settings are built.

Environment overrides use the component prefix: ``NEWSCORPUS_RELEASE_SHARD_SIZE=64MB``,
``NEWSCORPUS_RELEASE_COMPRESSION_LEVEL=9``.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from corpus.release.errors import ReleaseError

# Target uncompressed size of one data shard (UTF-8 bytes of url + title + text). Hugging Face
# suggests shards of a few hundred MB; 256 MB of Chinese text compresses to roughly 100 MB.
RELEASE_SHARD_SIZE = 256 * 1024**2
# Rows per Parquet row group: small enough for the dataset viewer and for streaming readers.
RELEASE_ROW_GROUP_ROWS = 2_000
# zstd is read by pyarrow, duckdb, polars and datasets. On the 1,000 THUCNews texts level 3 gives
# 42 % of the UTF-8 size at ~80 MB/s; level 9 gives 37.5 % at a tenth of the speed.
RELEASE_COMPRESSION = "zstd"
RELEASE_COMPRESSION_LEVEL = 3
SHARD_SIZE_ENV = "NEWSCORPUS_RELEASE_SHARD_SIZE"
COMPRESSION_LEVEL_ENV = "NEWSCORPUS_RELEASE_COMPRESSION_LEVEL"

_UNITS = {"": 1, "b": 1, "kb": 1024, "k": 1024, "mb": 1024**2, "m": 1024**2, "gb": 1024**3, "g": 1024**3}


def parse_size(text: str) -> int:
    """``"256MB"`` -> bytes. Units B, KB, MB, GB (powers of 1024), case-insensitive."""
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", str(text))
    if not match or match.group(2).lower() not in _UNITS:
        raise ReleaseError(f"cannot read the size {text!r}: write a number with B, KB, MB or GB, e.g. 256MB")
    return int(match.group(1)) * _UNITS[match.group(2).lower()]


@dataclass(frozen=True)
class ReleaseSettings:
    """How a release is written. Changing any of these changes the bytes of the data files."""

    shard_size: int = RELEASE_SHARD_SIZE
    row_group_rows: int = RELEASE_ROW_GROUP_ROWS
    compression: str = RELEASE_COMPRESSION
    compression_level: int = RELEASE_COMPRESSION_LEVEL

    def __post_init__(self):
        if self.shard_size < 1:
            raise ReleaseError(f"shard size must be at least 1 byte, got {self.shard_size}")
        if self.row_group_rows < 1:
            raise ReleaseError(f"row group size must be at least 1 row, got {self.row_group_rows}")
        if not 1 <= self.compression_level <= 22:
            raise ReleaseError(f"${COMPRESSION_LEVEL_ENV} must be a zstd level from 1 to 22, got {self.compression_level}")

    @classmethod
    def from_env(cls, shard_size: str | int | None = None) -> "ReleaseSettings":
        """Defaults, overridden by the ``$NEWSCORPUS_RELEASE_*`` variables, then by ``shard_size``."""
        chosen = shard_size if shard_size is not None else os.environ.get(SHARD_SIZE_ENV)
        size = RELEASE_SHARD_SIZE if chosen is None else (chosen if isinstance(chosen, int) else parse_size(chosen))
        return cls(shard_size=size,
                   compression_level=int(_number(COMPRESSION_LEVEL_ENV, RELEASE_COMPRESSION_LEVEL)))


def _number(variable: str, default: float) -> float:
    value = os.environ.get(variable)
    if value is None:
        return default
    try:
        return float(value)
    except ValueError:
        raise ReleaseError(f"${variable} must be a number, got {value!r}") from None
