"""Undo an HTTP ``Content-Encoding`` (gzip, x-gzip, deflate, br, zstd, stacked), never past a size cap.

A 1 MB deflate body can expand to 1 GiB, so every decoder works in bounded steps and stops at
``max_size`` output bytes; a body whose codings cannot all be undone is refused with a reason
instead of being passed on as text. Truncated streams (a download stopped early) give what they hold.
The crawler (before it parses a page) and extraction (reading the WARC, which keeps bodies as sent)
both decode through here, so both see the same bytes.
"""

from __future__ import annotations

import zlib

_STEP = 64 * 1024


class ContentEncodingError(ValueError):
    """A body that cannot be decoded: unknown coding, corrupt data, or over the size cap."""


def codings(header: str | bytes | None) -> list[str]:
    """The codings of a ``Content-Encoding`` header in the order they were applied (identity dropped)."""
    if isinstance(header, bytes):
        header = header.decode("latin-1")
    return [part.strip().lower() for part in (header or "").split(",") if part.strip().lower() not in ("", "identity")]


def decode_content(body: bytes, header: str | bytes | None, max_size: int) -> bytes:
    """``body`` with every coding of ``header`` undone, last applied first.

    Raises:
        ContentEncodingError: a coding we do not know, data that is not what it claims, or more
            than ``max_size`` bytes once decoded.
    """
    for coding in reversed(codings(header)):
        decoder = _DECODERS.get(coding)
        if decoder is None:
            raise ContentEncodingError(f"unsupported Content-Encoding {coding!r}")
        try:
            body = decoder(body, max_size)
        except ContentEncodingError:
            raise
        except Exception as error:  # zlib.error, brotli.error, ZstdError: corrupt data
            raise ContentEncodingError(f"{coding}: not valid {coding} data ({error})") from None
    return body


def _check(size: int, max_size: int, coding: str) -> None:
    if size > max_size:
        raise ContentEncodingError(f"{coding}: larger than {max_size} bytes once decoded")


def _zlib(body: bytes, max_size: int, wbits: int, coding: str) -> bytes:
    out, size = [], 0
    data = body
    while data:
        inflater = zlib.decompressobj(wbits)
        chunk = inflater.decompress(data, _STEP)
        while True:
            size += len(chunk)
            _check(size, max_size, coding)
            out.append(chunk)
            if inflater.eof or not inflater.unconsumed_tail:
                break
            chunk = inflater.decompress(inflater.unconsumed_tail, _STEP)
        # A gzip body may hold several members; anything after a deflate stream is ignored.
        data = inflater.unused_data if inflater.eof and wbits > zlib.MAX_WBITS else b""
    return b"".join(out)


def _gzip(body: bytes, max_size: int) -> bytes:
    return _zlib(body, max_size, 16 + zlib.MAX_WBITS, "gzip")


def _deflate(body: bytes, max_size: int) -> bytes:
    try:
        return _zlib(body, max_size, zlib.MAX_WBITS, "deflate")
    except zlib.error:  # raw deflate without the zlib header, as some servers send it
        return _zlib(body, max_size, -zlib.MAX_WBITS, "deflate")


def _brotli(body: bytes, max_size: int) -> bytes:
    import brotli

    inflater = brotli.Decompressor()
    chunk = inflater.process(body, output_buffer_limit=_STEP)
    out, size = [], 0
    while chunk:
        size += len(chunk)
        _check(size, max_size, "br")
        out.append(chunk)
        if inflater.is_finished():
            break
        chunk = inflater.process(b"", output_buffer_limit=_STEP)
    return b"".join(out)


def _zstd(body: bytes, max_size: int) -> bytes:
    from backports import zstd

    inflater = zstd.ZstdDecompressor()
    out, size = [], 0
    chunk = inflater.decompress(body, _STEP)
    while chunk:
        size += len(chunk)
        _check(size, max_size, "zstd")
        out.append(chunk)
        if inflater.eof or inflater.needs_input:
            break
        chunk = inflater.decompress(b"", _STEP)
    return b"".join(out)


_DECODERS = {"gzip": _gzip, "x-gzip": _gzip, "deflate": _deflate, "br": _brotli, "zstd": _zstd}
