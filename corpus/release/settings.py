"""Release settings: every default in one place, validated when the settings are built.

They are set like every other setting (``corpus/settings.py``): ``[release]`` in the workspace's
``newscorpus.toml``, ``NEWSCORPUS_RELEASE_SHARD_SIZE=64MB`` in the environment, or
``--set RELEASE_COMPRESSION_LEVEL=9``; ``newscorpus config --component release`` shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Target uncompressed size of one data shard (UTF-8 bytes of url + title + text). Hugging Face
# suggests shards of a few hundred MB; 256 MB of Chinese text compresses to roughly 100 MB.
RELEASE_SHARD_SIZE = 256 * 1024**2
# Rows per Parquet row group: small enough for the dataset viewer and for streaming readers.
RELEASE_ROW_GROUP_ROWS = 2_000
# zstd is read by pyarrow, duckdb, polars and datasets. On the 1,000 THUCNews texts level 3 gives
# 42 % of the UTF-8 size at ~80 MB/s; level 9 gives 37.5 % at a tenth of the speed.
RELEASE_COMPRESSION = "zstd"
RELEASE_COMPRESSION_LEVEL = 3

# Parquet codecs pyarrow writes, with the levels each takes (None: no level; the setting is ignored).
COMPRESSION_LEVELS = {"zstd": (1, 22), "gzip": (1, 9), "brotli": (0, 11), "snappy": None, "none": None}
_UNITS = {"": 1, "b": 1, "kb": 1024, "k": 1024, "mb": 1024**2, "m": 1024**2, "gb": 1024**3, "g": 1024**3}


def parse_size(text: str) -> int:
    """``"256MB"`` -> bytes. Units B, KB, MB, GB (powers of 1024), case-insensitive.

    Raises:
        ValueError: naming RELEASE_SHARD_SIZE and how to write a size.
    """
    match = re.fullmatch(r"\s*(\d+)\s*([a-zA-Z]*)\s*", str(text))
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"setting RELEASE_SHARD_SIZE: cannot read the size {text!r}: write a number with B, KB, MB "
                         f"or GB, e.g. 256MB")
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
            raise ValueError(f"setting RELEASE_SHARD_SIZE must be at least 1 byte, got {self.shard_size}")
        if self.row_group_rows < 1:
            raise ValueError(f"setting RELEASE_ROW_GROUP_ROWS must be at least 1 row, got {self.row_group_rows}")
        if self.compression not in COMPRESSION_LEVELS:
            raise ValueError(f"setting RELEASE_COMPRESSION must be one of {', '.join(COMPRESSION_LEVELS)}, "
                             f"got {self.compression!r}")
        levels = COMPRESSION_LEVELS[self.compression]
        if levels and not levels[0] <= self.compression_level <= levels[1]:
            raise ValueError(f"setting RELEASE_COMPRESSION_LEVEL must be a {self.compression} level from {levels[0]} "
                             f"to {levels[1]}, got {self.compression_level}")

    @property
    def parquet_compression_level(self) -> int | None:
        """The level to hand pyarrow: None for a codec that takes none."""
        return self.compression_level if COMPRESSION_LEVELS[self.compression] else None

    @classmethod
    def from_values(cls, values: dict) -> "ReleaseSettings":
        """Build from ``RELEASE_*`` values (the settings system's); a shard size may carry a unit."""
        size = values.get("RELEASE_SHARD_SIZE", RELEASE_SHARD_SIZE)
        return cls(shard_size=size if isinstance(size, int) else parse_size(size),
                   row_group_rows=values.get("RELEASE_ROW_GROUP_ROWS", RELEASE_ROW_GROUP_ROWS),
                   compression=values.get("RELEASE_COMPRESSION", RELEASE_COMPRESSION),
                   compression_level=values.get("RELEASE_COMPRESSION_LEVEL", RELEASE_COMPRESSION_LEVEL))
