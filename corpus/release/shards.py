"""Data shards cut by size, named the Hugging Face way once their number is known."""

from __future__ import annotations

from pathlib import Path

from corpus.release.settings import ReleaseSettings
from corpus.release.tables import DOCUMENTS_SCHEMA, write_table


class ShardWriter:
    """Collects document rows and writes a shard each time ``settings.shard_size`` bytes are reached.

    ``close()`` writes the rest (one empty shard if there were no rows, so ``data/*.parquet``
    always matches) and renames the shards ``train-00000-of-00003.parquet`` and so on.
    """

    def __init__(self, folder: Path, settings: ReleaseSettings):
        self.folder = folder
        self.settings = settings
        self.paths: list[Path] = []
        self._rows: list[dict] = []
        self._size = 0

    def add(self, row: dict, size: int) -> None:
        self._rows.append(row)
        self._size += size
        if self._size >= self.settings.shard_size:
            self._flush()

    def close(self) -> list[Path]:
        if self._rows or not self.paths:
            self._flush()
        final = []
        for index, path in enumerate(self.paths):
            final.append(path.rename(self.folder / f"train-{index:05d}-of-{len(self.paths):05d}.parquet"))
        return final

    def _flush(self) -> None:
        path = self.folder / f"part-{len(self.paths):05d}.parquet"
        write_table(self._rows, DOCUMENTS_SCHEMA, path, self.settings)
        self.paths.append(path)
        self._rows, self._size = [], 0
