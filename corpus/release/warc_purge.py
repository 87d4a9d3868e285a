"""Blank WARC records in place for a purged takedown, without moving any other record.

Our WARCs hold one record per gzip member and the store points at members by offset, so removing
a member would shift every later record. Instead the member is replaced by one of *exactly the
same length* holding a small ``metadata`` record that says the original was purged (gzip's
FCOMMENT header field pads it). The file stays a valid WARC, every other offset stays right, and
the original bytes are gone. The file is patched in a copy that is fsynced and renamed over the
original, so a kill leaves either the old or the new file.
"""

from __future__ import annotations

import os
import shutil
import struct
import uuid
import zlib
from datetime import datetime, timezone
from pathlib import Path

from corpus.release.errors import ReleaseError

TOMBSTONE_MARKER = b"newscorpus-takedown: purged"
CONTENT_RECORDS = {"response", "resource", "conversion"}
_READ = 1 << 16


def blank_records(path: Path, offsets: list[int], allowed_uris: set[str]) -> int:
    """Replace the records at ``offsets`` of ``path`` by tombstones; return how many were blanked.

    Only records that hold page content are blanked (a tombstone is left as is, so purging twice
    is harmless). A record whose ``WARC-Target-URI`` is not in ``allowed_uris`` is refused: the
    store and the file disagree.
    """
    patches = []
    with open(path, "rb") as f:
        for offset in sorted(set(offsets)):
            length, record = _read_member(f, offset, path)
            headers = _warc_headers(record)
            if headers.get("warc-type") not in CONTENT_RECORDS:
                continue  # requests, revisits and earlier tombstones hold no page content
            if headers.get("warc-target-uri") not in allowed_uris:
                raise ReleaseError(f"{path} at offset {offset} holds a record for {headers.get('warc-target-uri')!r}, "
                                   "not the taken-down URL; the store and the WARC disagree, nothing was purged")
            patches.append((offset, _tombstone_member(length, headers, path, offset)))
    if not patches:
        return 0
    scratch = path.with_name(f".{path.name}.purge-tmp")
    shutil.copyfile(path, scratch)
    with open(scratch, "r+b") as f:
        for offset, member in patches:
            f.seek(offset)
            f.write(member)
        f.flush()
        os.fsync(f.fileno())
    os.replace(scratch, path)
    directory = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return len(patches)


def _read_member(f, offset: int, path: Path) -> tuple[int, bytes]:
    """(compressed length, decompressed bytes) of the gzip member starting at ``offset``."""
    f.seek(offset)
    inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)
    consumed, out = 0, []
    while not inflater.eof:
        chunk = f.read(_READ)
        if not chunk:
            raise ReleaseError(f"{path} ends inside the gzip member at offset {offset}")
        try:
            out.append(inflater.decompress(chunk))
        except zlib.error as error:
            raise ReleaseError(f"{path} has no gzip member at offset {offset} ({error})") from None
        consumed += len(chunk)
    return consumed - len(inflater.unused_data), b"".join(out)


def _warc_headers(record: bytes) -> dict[str, str]:
    block = record.split(b"\r\n\r\n", 1)[0].decode("utf-8", "replace")
    headers = {}
    for line in block.split("\r\n")[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def _tombstone_member(length: int, original: dict[str, str], path: Path, offset: int) -> bytes:
    """A gzip member of exactly ``length`` bytes holding a metadata record about the purge."""
    full = _tombstone_record(original, with_references=True)
    for record in (full, _tombstone_record(original, with_references=False)):
        deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        body = deflater.compress(record) + deflater.flush()
        padding = length - 10 - 1 - len(body) - 8
        if padding >= 0:
            header = b"\x1f\x8b\x08\x10" + b"\x00\x00\x00\x00" + b"\x02\xff"  # FCOMMENT, no mtime
            trailer = struct.pack("<II", zlib.crc32(record), len(record) & 0xFFFFFFFF)
            return header + b" " * padding + b"\x00" + body + trailer
    raise ReleaseError(f"the record at offset {offset} of {path} is too small ({length} bytes) to hold a tombstone")


def _tombstone_record(original: dict[str, str], with_references: bool) -> bytes:
    content = TOMBSTONE_MARKER + b"\r\n"
    lines = ["WARC/1.1", "WARC-Type: metadata", f"WARC-Record-ID: <urn:uuid:{uuid.uuid4()}>",
             f"WARC-Date: {datetime.now(timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')}"]
    if with_references:
        lines += [f"WARC-Refers-To: {original.get('warc-record-id', '')}",
                  f"WARC-Target-URI: {original.get('warc-target-uri', '')}"]
    lines += ["Content-Type: application/warc-fields", f"Content-Length: {len(content)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8") + content + b"\r\n\r\n"
