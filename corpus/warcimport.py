"""Index WARC files into the fetch log (``fetches``, ``urls``) without refetching anything.

WARC is the interchange between machines: crawl workers elsewhere write WARC files to the shared
``warc/`` folder, and this stage makes their fetches known to the store, so ``extract`` can read
them like its own. Our workers' files carry a ``metadata`` record beside each response
(``newscorpus-fetch/1``, see ``crawler/warc.py``) with the outlet, page kind, discovery route,
encoding evidence and hints. Files from other tools (wget ``--warc-file``, Heritrix, Browsertrix,
Common Crawl) have none: the outlet is what the page says (``og:site_name``, JSON-LD
``publisher.name``) or else the host, the kind is sniffed from the bytes and the encoding evidence
recomputed, exactly as the crawl would have.

Idempotent twice over: a file whose size and digest are recorded in ``warc_imports`` is not read
again (nor a copy of it under another name), and a record already in the fetch log (by its file
and offset) is not indexed again, so a file that grew, or a crawl killed before its last commit,
is completed rather than duplicated. Anything else (request, revisit, truncated, non-HTTP records,
unreadable files) is counted by reason and never stops the run.

Library entry points: ``import_warcs(store, paths, warc_dir)`` and ``import_pending(store, warc_dir)``.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from cleaners.encoding import content_type_charset, decode_html
from cleaners.pages import classify_html, looks_like_html, sniff_xml
from cleaners.publisher import publisher_name
from corpus import fetches
from corpus.fetches import Fetch
from corpus.runlock import other_process_alive
from corpus.store import Store, utc_now

METADATA_FORMAT = "newscorpus-fetch/1"   # written by crawler/warc.py
WARC_SUFFIXES = (".warc", ".warc.gz")
IMPORT_BATCH = 500                      # records per write transaction
IMPORT_MAX_BODY_BYTES = 10_000_000      # a body is read this far to sniff its kind and encoding

Progress = Callable[[str, int, int], None]


class WarcImportError(Exception):
    """A problem the user can act on (the message says how)."""


@dataclass(frozen=True)
class _Response:
    """What the first pass keeps of a response record until its metadata (if any) is known."""

    record_id: str
    url: str
    offset: int
    length: int
    date: str
    status: int
    headers: list[tuple[str, str]]
    digest: str | None


# -- files -----------------------------------------------------------------------------------------

def warc_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[str]]:
    """The WARC files named or found (recursively, sorted) in ``paths``, and the paths that do not exist."""
    found, missing = [], []
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.name.endswith(WARC_SUFFIXES)))
        elif path.is_file():
            found.append(path)
        else:
            missing.append(str(raw))
    return found, missing


def store_name(path: Path, warc_dir: Path) -> str:
    """How ``fetches.warc_file`` names the file: relative to the workspace's ``warc/``, else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(warc_dir.resolve()))
    except ValueError:
        return str(resolved)


def _digest(path: Path) -> tuple[int, str]:
    sha1 = hashlib.sha1()
    size = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(1 << 20):
            sha1.update(chunk)
            size += len(chunk)
    return size, "sha1:" + sha1.hexdigest()


# -- the stage -------------------------------------------------------------------------------------

def import_warcs(store: Store, paths: Iterable[str | os.PathLike], warc_dir: Path,
                 progress: Progress | None = None, skip_live_writers: bool = False) -> dict:
    """Index the WARC files in ``paths`` into the store's fetch log.

    Args:
        store: an open, migrated store.
        paths: WARC files (``.warc``, ``.warc.gz``) or folders holding them.
        warc_dir: the workspace's ``warc/`` (files inside it are named relative to it).
        progress: called as ``progress("import", files_done, files_total)``.
        skip_live_writers: leave alone files that a live process on this host is still writing
            (before its fetch log's first commit); ``import_pending`` sets it.

    Returns:
        A summary: files (by outcome), fetches indexed, records already indexed, records skipped by reason.

    Raises:
        WarcImportError: a path that does not exist.
    """
    files, missing = warc_files(paths)
    if missing:
        raise WarcImportError(f"no such file or folder: {', '.join(missing)}")
    summary: Counter = Counter()
    skipped: Counter = Counter()
    for done, path in enumerate(files, start=1):
        outcome = _import_file(store, path, store_name(path, warc_dir), summary, skipped, skip_live_writers)
        summary[f"files_{outcome}"] += 1
        if progress:
            progress("import", done, len(files))
    return {"files": len(files),
            "files_imported": summary["files_imported"],
            "files_unchanged": summary["files_unchanged"] + summary["files_copy"],
            "files_unreadable": summary["files_unreadable"],
            "files_being_written": summary["files_live"],
            "fetches": summary["fetches"],
            "already_indexed": summary["already_indexed"],
            "skipped": dict(sorted(skipped.items()))}


def import_pending(store: Store, warc_dir: Path, progress: Progress | None = None) -> dict:
    """Index the workspace's WARC files that are new or grew since they were last indexed.

    Files this store's own crawls wrote are left alone: their fetch log indexed them as they went,
    and what a killed crawl did not commit, the next crawl fetches again. Files from workers on
    other machines become fetches to extract.
    """
    if not warc_dir.is_dir():
        return import_warcs(store, [], warc_dir)
    recorded = {name: size for name, size in store.execute("SELECT file, size FROM warc_imports")}
    crawled = fetches.warc_files(store.conn)
    pending = []
    for path in warc_files([warc_dir])[0]:
        name = store_name(path, warc_dir)
        if name in recorded:
            if recorded[name] != path.stat().st_size:
                pending.append(path)
        elif name not in crawled:
            pending.append(path)
    return import_warcs(store, pending, warc_dir, progress, skip_live_writers=True)


def _import_file(store: Store, path: Path, name: str, summary: Counter, skipped: Counter, skip_live: bool) -> str:
    try:
        size, digest = _digest(path)
    except OSError as error:
        skipped[f"unreadable file: {type(error).__name__}"] += 1
        return "unreadable"
    row = store.execute("SELECT size, digest FROM warc_imports WHERE file = ?", (name,)).fetchone()
    if row is not None and (row[0], row[1]) == (size, digest):
        return "unchanged"
    copy = store.execute("SELECT file FROM warc_imports WHERE digest = ? AND size = ? AND file != ?",
                         (digest, size, name)).fetchone()
    if copy is not None:
        return "copy"
    counts: Counter = Counter()
    try:
        software, writer = _warcinfo(path)
        if skip_live and writer is not None and writer[0] == socket.gethostname() \
                and other_process_alive(writer[1]):
            return "live"
        _index(store, path, name, counts)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError) as error:
        # Whatever whole records came before the damage are indexed; the rest is counted.
        counts[f"unreadable: {str(error).strip().splitlines()[0][:120] if str(error).strip() else type(error).__name__}"] += 1
        software = None
    for key, value in counts.items():
        if key in ("fetches", "already_indexed"):
            summary[key] += value
        else:
            skipped[key] += value
    outcome = "imported" if counts["fetches"] or counts["already_indexed"] else "unreadable"
    with store.transaction() as db:
        db.execute("INSERT INTO warc_imports (file, size, digest, software, imported_at, summary) "
                   "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (file) DO UPDATE SET size = excluded.size, "
                   "digest = excluded.digest, software = excluded.software, imported_at = excluded.imported_at, "
                   "summary = excluded.summary",
                   (name, size, digest, software, utc_now(), json.dumps(dict(counts), ensure_ascii=False)))
    return outcome


def _warcinfo(path: Path) -> tuple[str | None, tuple[str, int] | None]:
    """The ``software`` of the file's first record, if a warcinfo, and (hostname, pid) if ours wrote it."""
    with open(path, "rb") as stream:
        for record in ArchiveIterator(stream):
            if record.rec_type != "warcinfo":
                return None, None
            fields = _warc_fields(record.content_stream().read(65536))
            pid = fields.get("pid", "")
            writer = (fields["hostname"], int(pid)) if "hostname" in fields and pid.isdigit() else None
            return fields.get("software"), writer
    return None, None


def _warc_fields(payload: bytes) -> dict[str, str]:
    fields = {}
    for line in payload.decode("utf-8", "replace").splitlines():
        key, sep, value = line.partition(":")
        if sep:
            fields[key.strip().lower()] = value.strip()
    return fields


# -- reading records -------------------------------------------------------------------------------

def _index(store: Store, path: Path, name: str, counts: Counter) -> None:
    """Two passes: collect responses and our metadata records, then write one fetch per response."""
    responses: list[_Response] = []
    metadata: dict[str, dict] = {}
    failures: list[tuple[int, dict]] = []
    try:
        with open(path, "rb") as stream:
            archive = ArchiveIterator(stream)
            for record in archive:
                _collect(record, archive, responses, metadata, failures, counts)
    finally:
        # A damaged tail must not lose what was read before it.
        _write_all(store, path, name, responses, metadata, failures, counts)


def _collect(record, archive: ArchiveIterator, responses: list, metadata: dict, failures: list,
             counts: Counter) -> None:
    kind = record.rec_type
    headers = record.rec_headers
    if record.format != "warc":
        counts["not a WARC record (ARC or garbage)"] += 1
    elif kind == "response":
        if record.http_headers is None or not (record.http_headers.get_statuscode() or "").isdigit():
            counts["not an HTTP response"] += 1
            return
        if headers.get_header("WARC-Truncated"):
            # A cut body would make a cut document: the page is left for a crawl to fetch whole.
            counts[f"truncated ({headers.get_header('WARC-Truncated')})"] += 1
            return
        if not _whole(record):
            counts["torn record (file cut, or still being written)"] += 1
            return
        responses.append(_Response(
            headers.get_header("WARC-Record-ID") or "", headers.get_header("WARC-Target-URI") or "",
            archive.get_record_offset(), archive.get_record_length(), headers.get_header("WARC-Date") or "",
            int(record.http_headers.get_statuscode()), list(record.http_headers.headers),
            headers.get_header("WARC-Payload-Digest")))
    elif kind == "metadata":
        fields = _our_metadata(record)
        if fields is None:
            counts["metadata of another tool"] += 1
        elif headers.get_header("WARC-Concurrent-To"):
            metadata[headers.get_header("WARC-Concurrent-To")] = fields
        else:
            failures.append((archive.get_record_offset(), fields))
    elif kind in ("warcinfo", "request"):
        pass  # a file's description; the request a response answers
    else:
        counts[f"{kind} record"] += 1  # revisit, resource, conversion, continuation


def _whole(record) -> bool:
    """Whether the record's block is as long as its Content-Length says (a file cut mid-record is not)."""
    read = 0
    while chunk := record.raw_stream.read(1 << 16):
        read += len(chunk)
    return record.http_headers.total_len + read == record.length


def _our_metadata(record) -> dict | None:
    if (record.rec_headers.get_header("Content-Type") or "").split(";")[0].strip() != "application/json":
        return None
    try:
        fields = json.loads(record.content_stream().read(1_000_000))
    except ValueError:
        return None
    return fields if isinstance(fields, dict) and fields.get("format") == METADATA_FORMAT else None


def _write_all(store: Store, path: Path, name: str, responses: list[_Response], metadata: dict,
               failures: list[tuple[int, dict]], counts: Counter) -> None:
    failed: set[str] = set()  # a file is about one crawl: its retries of a URL count as one failure
    batch: list[Fetch] = []
    for fetch in _fetches(path, name, responses, metadata, failures, counts):
        batch.append(fetch)
        if len(batch) >= IMPORT_BATCH:
            _write_batch(store, batch, counts, failed)
    _write_batch(store, batch, counts, failed)


def _fetches(path: Path, name: str, responses: list[_Response], metadata: dict,
             failures: list[tuple[int, dict]], counts: Counter) -> Iterator[Fetch]:
    """Fetch rows in the order they happened in the file (failures after the responses)."""
    # In our workers' files a response's metadata follows it: responses past the last described
    # one are the tail of a file still being written, indexed when the file has grown.
    described = [i for i, response in enumerate(responses) if response.record_id in metadata]
    complete = described[-1] + 1 if described else len(responses)
    with open(path, "rb") as stream:
        for i, response in enumerate(responses):
            fields = metadata.get(response.record_id)
            if i >= complete:
                counts["awaiting its metadata record (file still being written)"] += 1
                continue
            try:
                fetch = _from_metadata(fields) if fields is not None else _sniffed(stream, response)
            except (ArchiveLoadFailed, OSError, EOFError, ValueError, TypeError) as error:
                counts[f"unreadable record: {type(error).__name__}"] += 1
                continue
            _fill_http(fetch, response)
            fetch.warc_file, fetch.warc_offset, fetch.warc_length = name, response.offset, response.length
            yield fetch
    for offset, fields in failures:
        try:
            fetch = _from_metadata(fields)
        except (ValueError, TypeError) as error:
            counts[f"unreadable record: {type(error).__name__}"] += 1
            continue
        fetch.warc_file, fetch.warc_offset = name, offset
        yield fetch


def _from_metadata(fields: dict) -> Fetch:
    """Our worker's record of the fetch, as its own fetch log would have held it."""
    known = set(Fetch.__dataclass_fields__) - {"warc_file", "warc_offset", "warc_length"}
    values = {key: value for key, value in fields.items() if key in known}
    if "url" not in values or "fetched_at" not in values:
        raise ValueError("metadata record without url or fetched_at")
    values.setdefault("site", urlsplit(values["url"]).hostname or "unknown")
    values.setdefault("kind", "other")
    values["kind"] = values["kind"] or "other"
    return Fetch(**values)


def _sniffed(stream, response: _Response) -> Fetch:
    """Another tool's response: outlet from the host, kind and encoding from the bytes, as the crawl does."""
    url = response.url
    fetch = Fetch(url=url, site=_outlet(url), kind="other", fetched_at=_store_time(response.date),
                          final_url=url, via="import")
    if 300 <= response.status < 400 and response.status != 304:
        location = _header(response.headers, "Location")
        if location:
            fetch.final_url = urljoin(url, location)
        return fetch
    if not 200 <= response.status < 300:
        return fetch
    stream.seek(response.offset)
    record = next(iter(ArchiveIterator(stream)))
    body = record.content_stream().read(IMPORT_MAX_BODY_BYTES)
    xml = sniff_xml(body)
    if xml:
        fetch.kind = xml
        return fetch
    if not looks_like_html(body):
        fetch.encoding_evidence = {"skipped": "not HTML or XML"}
        return fetch
    decoded = decode_html(body, content_type_charset(_header(response.headers, "Content-Type")))
    fetch.encoding, fetch.encoding_evidence = decoded.encoding, decoded.evidence
    fetch.kind, _ = classify_html(url, decoded.text)
    fetch.outlet = publisher_name(decoded.text)
    return fetch


def _fill_http(fetch: Fetch, response: _Response) -> None:
    """What the HTTP response itself says (the WARC is the authority on it)."""
    fetch.final_url = fetch.final_url or response.url
    fetch.status = response.status
    fetch.content_type = _header(response.headers, "Content-Type")
    length = _header(response.headers, "Content-Length")
    fetch.content_length = fetch.content_length if fetch.content_length is not None else (
        int(length) if length and length.isdigit() else None)
    fetch.content_hash = response.digest
    fetch.etag = _header(response.headers, "ETag")
    fetch.last_modified = _header(response.headers, "Last-Modified")


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    lowered = name.lower()
    return next((value for key, value in headers if key.lower() == lowered), None)


def _outlet(url: str) -> str:
    host = urlsplit(url).hostname or "unknown"
    return host[4:] if host.startswith("www.") else host


def _store_time(warc_date: str) -> str:
    """WARC-Date (``2024-05-01T08:00:00Z``) in the store's format; now if it is missing or malformed."""
    try:
        moment = datetime.fromisoformat(warc_date.replace("Z", "+00:00"))
    except ValueError:
        return utc_now()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


# -- writing the fetch log -------------------------------------------------------------------------

def _write_batch(store: Store, batch: list[Fetch], counts: Counter, failed: set[str]) -> None:
    if not batch:
        return
    with store.transaction() as db:
        for fetch in batch:
            if fetches.is_indexed(db, fetch):
                counts["already_indexed"] += 1
                continue
            fetches.write_fetch(db, fetch, failed, forward_only=True)
            counts["fetches"] += 1
    batch.clear()
