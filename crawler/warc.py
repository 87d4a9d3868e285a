"""Append HTTP exchanges to gzip WARC files, one record per gzip member, flushed per record.

warcio builds the records (WARC-Target-URI, WARC-Date, block and payload digests); we compress
each one as its own gzip member at a chosen level and write it with a single ``write`` + ``flush``,
so a SIGKILLed crawl leaves files that warcio reads up to the last whole record, and the store can
point at any response by (file, offset). Files rotate when they pass ``max_size``.

WARC is also the interchange between machines: a crawl worker that cannot write the coordinator's
store leaves, next to each response, a ``metadata`` record (``WARC-Concurrent-To`` the response,
JSON payload, ``"format": "newscorpus-fetch/1"``) with what the fetch log needs and HTTP does not
say: the outlet, page kind, discovery route, the URL first requested, encoding evidence, hints.
A failed download gets a metadata record of its own. ``newscorpus import-warc`` reads them back.
File names carry host and pid, so workers sharing one ``warc/`` folder never collide.
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import zlib
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# Hop-by-hop framing that the body we hold no longer has (it was de-chunked by the downloader).
_DROP_HEADERS = {"transfer-encoding"}
# The payload format of our metadata records (``corpus.warcimport`` reads it; bump on a change of meaning).
FETCH_METADATA_FORMAT = "newscorpus-fetch/1"
# The host part of file names: workers on many machines write into one shared folder.
_HOST = re.sub(r"[^A-Za-z0-9.]+", "_", socket.gethostname())[:40] or "host"
# Where a record is depends on the file it is read from, so the location is not part of its metadata.
_LOCATION_FIELDS = {"warc_file", "warc_offset", "warc_length"}


def fetch_metadata(fetch, hints: dict | None = None) -> dict:
    """The metadata record's fields for a ``crawler.fetchlog.Fetch``: every field but its WARC location."""
    fields = {name: value for name, value in asdict(fetch).items() if name not in _LOCATION_FIELDS}
    if hints:
        fields["hints"] = hints
    return fields


@dataclass(frozen=True)
class WarcLocation:
    file: str          # name relative to the WARC folder
    offset: int        # of the gzip member holding the response record
    length: int        # bytes of that member
    payload_digest: str  # e.g. "sha1:4KX..."
    record_id: str = ""  # the response's WARC-Record-ID, which its metadata record points to


class WarcWriterRotating:
    """Writes request/response pairs into ``<folder>/<prefix>-<stamp>-<host>-<pid>-<seq>.warc.gz`` files.

    Args:
        folder: the workspace's ``warc/`` folder.
        prefix: the start of each file name (e.g. ``newscorpus-r12``).
        max_size: start a new file once the current one reaches this many bytes.
        gzip_level: zlib level for each record's gzip member.
        software: written in each file's warcinfo record.
    """

    def __init__(self, folder: Path, prefix: str, max_size: int, gzip_level: int = 6, software: str = "newscorpus"):
        if max_size < 1:
            raise ValueError("WARC max size must be at least 1 byte (NEWSCORPUS_WARC_MAX_SIZE)")
        self.folder = Path(folder)
        self.prefix = prefix
        self.max_size = max_size
        self.gzip_level = gzip_level
        self.software = software
        self._builder = WARCWriter(io.BytesIO(), gzip=False, warc_version="1.1")
        self._file = None
        self._name: str | None = None
        self._seq = 0
        self.bytes_written = 0
        self.files: list[str] = []

    def write_exchange(self, url: str, method: str, request_headers: list[tuple[str, str]], status: int,
                       reason: str, response_headers: list[tuple[str, str]], body: bytes,
                       ip_address: str | None = None) -> WarcLocation:
        """Write the response record, then its request record; return where the response is."""
        http = StatusAndHeaders(f"{status} {reason}".strip(),
                                [(k, v) for k, v in response_headers if k.lower() not in _DROP_HEADERS],
                                protocol="HTTP/1.1")
        warc_headers = {"WARC-IP-Address": ip_address} if ip_address else None
        response = self._builder.create_warc_record(url, "response", payload=io.BytesIO(body), length=len(body),
                                                    http_headers=http, warc_headers_dict=warc_headers)
        target = url.split("://", 1)[-1]
        path = target[target.find("/"):] if "/" in target else "/"
        request = self._builder.create_warc_record(
            url, "request", payload=io.BytesIO(b""), length=0,
            http_headers=StatusAndHeaders(f"{method} {path} HTTP/1.1", request_headers, is_http_request=True))
        request.rec_headers.replace_header("WARC-Date", response.rec_headers.get_header("WARC-Date"))
        request.rec_headers.add_header("WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID"))
        location = self._append(response, may_rotate=True)
        self._append(request)
        digest = response.rec_headers.get_header("WARC-Payload-Digest")
        return WarcLocation(location[0], location[1], location[2], digest,
                            response.rec_headers.get_header("WARC-Record-ID"))

    def write_metadata(self, url: str, fields: dict, concurrent_to: WarcLocation | None = None) -> None:
        """A ``metadata`` record of ``fields`` (JSON) about ``url``: next to its response, or alone for a failure.

        Written right after ``write_exchange`` (files rotate only before a response), it lands in
        the same file as the response it describes.
        """
        payload = json.dumps({"format": FETCH_METADATA_FORMAT, **fields}, ensure_ascii=False,
                             default=str).encode("utf-8")
        record = self._builder.create_warc_record(url, "metadata", payload=io.BytesIO(payload), length=len(payload),
                                                  warc_content_type="application/json")
        if concurrent_to is not None:
            record.rec_headers.add_header("WARC-Concurrent-To", concurrent_to.record_id)
        self._append(record, may_rotate=concurrent_to is None)

    def _append(self, record, may_rotate: bool = False) -> tuple[str, int, int]:
        member = self._gzip(record)
        if self._file is None or (may_rotate and self._file.tell() >= self.max_size):
            self._rotate()
        offset = self._file.tell()
        self._file.write(member)
        self._file.flush()
        self.bytes_written += len(member)
        return self._name, offset, len(member)

    def _gzip(self, record) -> bytes:
        raw = io.BytesIO()
        self._builder.out = raw
        self._builder.write_record(record)
        compressor = zlib.compressobj(self.gzip_level, zlib.DEFLATED, zlib.MAX_WBITS + 16)
        return compressor.compress(raw.getvalue()) + compressor.flush()

    def _rotate(self) -> None:
        self.close()
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        while True:
            self._seq += 1
            name = f"{self.prefix}-{stamp}-{_HOST}-{os.getpid()}-{self._seq:05d}.warc.gz"
            try:
                fd = os.open(self.folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
                break
            except FileExistsError:
                continue
        self._file = os.fdopen(fd, "wb")
        self._name = name
        self.files.append(name)
        info = self._builder.create_warcinfo_record(name, {"software": self.software, "format": "WARC File Format 1.1",
                                                           "conformsTo": "https://iipc.github.io/warc-specifications/",
                                                           "hostname": socket.gethostname(), "pid": str(os.getpid())})
        self._file.write(self._gzip(info))
        self._file.flush()

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
