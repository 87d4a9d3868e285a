"""Decode a page's bytes to text, choosing the encoding from evidence rather than trust.

Chinese sites misdeclare often: pages that say ``gb2312`` are UTF-8, pages that say nothing are
GBK, Big5 pages use HKSCS characters. So the declared charsets (HTTP header, BOM, ``<meta>``,
``<?xml encoding>``) are only candidates; each candidate is decoded and checked, and the choice
falls to the one that decodes strictly (no replacement characters) and reads as plausible text
(share of non-ASCII characters that are common Hanzi or CJK punctuation).

Labels are widened the way browsers do (WHATWG): gb2312/gbk/x-gbk -> gb18030, big5 -> big5hkscs,
iso-8859-1/ascii -> windows-1252.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field

# How much of the page is sniffed for a <meta> or <?xml?> declaration.
SNIFF_BYTES = 4096
# The plausibility score reads this many times 4 characters (bounds the cost on long pages).
SCORE_SAMPLE_CHARS = 8000
# Replacement characters tolerated in a declared encoding before an alternative may win
# (real GBK pages carry a few invalid bytes).
TOLERATED_REPLACEMENT_SHARE = 0.002
# Tried in this order when nothing declared decodes cleanly.
UNDECLARED_CANDIDATES = ("utf-8", "gb18030", "big5hkscs")

_WIDER = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030",
    "hz": "gb18030", "big5": "big5hkscs", "big5-tw": "big5hkscs", "cp950": "big5hkscs",
    "latin-1": "windows-1252", "iso8859-1": "windows-1252", "ascii": "windows-1252",
    "cp1252": "windows-1252", "utf-8-sig": "utf-8",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_\-:.]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']\s*([A-Za-z0-9_\-:.]+)""", re.I)


@dataclass(frozen=True)
class Decoded:
    """A decoded page: the text, the Python codec used, and why it was chosen."""

    text: str
    encoding: str
    evidence: dict = field(default_factory=dict)


# Text codecs that no web page is written in: a label naming one is no evidence (issue 14).
_NOT_PAGE_CODECS = {"idna", "punycode", "raw-unicode-escape", "unicode-escape", "undefined"}


def normalize_label(label: str | None) -> str | None:
    """Python codec name for a text-encoding label, widened to its superset; None if unknown or not text."""
    if not label:
        return None
    label = label.strip().strip("\"'").lower()
    if label in _WIDER:
        return _WIDER[label]
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not info._is_text_encoding or info.name in _NOT_PAGE_CODECS:  # zlib, base64, rot13 ... are no charsets
        return None
    return _WIDER.get(info.name, info.name)


def content_type_charset(content_type: str | None) -> str | None:
    """The ``charset`` parameter of a Content-Type header, as declared (unnormalised)."""
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip("\"'")
    return None


def sniff_declared(body: bytes) -> str | None:
    """The charset a page declares in its first bytes (``<?xml encoding>`` or ``<meta charset>``)."""
    head = body[:SNIFF_BYTES]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii", "replace") if match else None


def _common_chars() -> frozenset[str]:
    """Frequent Hanzi (GB2312 level 1, Big5 level 1) plus CJK symbols of both charts."""
    chars: set[str] = set()

    def add(codec: str, leads: range, trails: list[int]) -> None:
        for lead in leads:
            for trail in trails:
                try:
                    chars.add(bytes((lead, trail)).decode(codec))
                except UnicodeDecodeError:
                    pass

    gb_trails = list(range(0xA1, 0xFF))
    big5_trails = list(range(0x40, 0x7F)) + list(range(0xA1, 0xFF))
    add("gb2312", range(0xA1, 0xA4), gb_trails)     # punctuation, full-width forms
    add("gb2312", range(0xB0, 0xD8), gb_trails)     # level-1 Hanzi
    add("big5", range(0xA1, 0xA4), big5_trails)     # punctuation, symbols
    add("big5", range(0xA4, 0xC7), big5_trails)     # frequent Hanzi
    return frozenset(chars)


_COMMON = _common_chars()
_COMMON_RUN = re.compile("[" + "".join(re.escape(char) for char in sorted(_COMMON)) + "]+")


def plausibility(text: str) -> float:
    """Share of the non-ASCII characters (sampled) that are common Hanzi or CJK punctuation.

    1.0 for pure-ASCII text; mojibake from a wrong CJK codec scores far lower.
    """
    head = text[: SCORE_SAMPLE_CHARS * 4]
    non_ascii = len(head) - len(head.encode("ascii", "ignore"))
    if not non_ascii:
        return 1.0
    common = sum(map(len, _COMMON_RUN.findall(head)))
    return common / non_ascii


def _decode(body: bytes, encoding: str) -> tuple[str, int]:
    text = body.decode(encoding, errors="replace")
    return text, text.count("\ufffd")


def decode_html(body: bytes, header_charset: str | None = None, override: str | None = None) -> Decoded:
    """Decode page bytes, choosing among declared and usual encodings by how well each decodes.

    Args:
        body: the raw HTTP body.
        header_charset: the ``charset`` parameter of the Content-Type header, if any.
        override: an encoding the user imposes (a site config, ``--encoding``); used as is.

    Returns:
        Decoded(text, encoding, evidence) where evidence names the header/bom/meta declarations,
        the replacement-character count of each candidate tried, and the reason for the choice.

    Example:
        >>> decode_html("新闻".encode("gbk"), header_charset="gb2312").encoding
        'gb18030'
    """
    evidence: dict = {"header": header_charset, "bom": None, "meta": None, "override": override}
    if override:
        encoding = normalize_label(override)
        if encoding is None:
            raise ValueError(f"unknown encoding {override!r}; use a Python codec name such as gb18030 or big5hkscs")
        text, bad = _decode(body, encoding)
        return Decoded(text, encoding, {**evidence, "chosen": encoding, "reason": "override", "replacements": {encoding: bad}})

    for bom, encoding in _BOMS:
        if body.startswith(bom):
            text, bad = _decode(body[len(bom):], encoding)
            evidence.update(bom=encoding, chosen=encoding, reason="bom", replacements={encoding: bad})
            return Decoded(text, encoding, evidence)

    evidence["meta"] = sniff_declared(body)
    declared = [enc for enc in (normalize_label(header_charset), normalize_label(evidence["meta"])) if enc]
    declared = list(dict.fromkeys(declared))
    evidence["declared"] = declared[0] if declared else None
    choice, reason, tried = _choose(body, declared)
    evidence.update(chosen=choice[1], reason=reason, replacements={enc: bad for enc, (_, bad, _) in tried.items()})
    return Decoded(choice[0], choice[1], evidence)


def _choose(body: bytes, declared: list[str]) -> tuple[tuple[str, str], str, dict]:
    """(text, encoding), reason and the per-candidate (text, replacements, plausibility) tried."""
    tried: dict[str, tuple[str, int, float]] = {}

    def attempt(encoding: str) -> tuple[str, int, float]:
        if encoding not in tried:
            text, bad = _decode(body, encoding)
            tried[encoding] = (text, bad, plausibility(text) if bad < len(text) else 0.0)
        return tried[encoding]

    # Valid UTF-8 with non-ASCII content is almost never an accident, whatever the page declares.
    text, bad = _decode(body, "utf-8")
    if bad == 0:
        tried["utf-8"] = (text, 0, 1.0)
        if body.isascii() and declared:
            text, bad, _ = attempt(declared[0])
            return (text, declared[0]), "declared-ascii", tried
        return (text, "utf-8"), "utf-8-valid" if "utf-8" in declared or not declared else "utf-8-valid-overrides-declared", tried

    tolerated = max(2, int(len(body) * TOLERATED_REPLACEMENT_SHARE))
    for encoding in declared:
        text, bad, score = attempt(encoding)
        rivals = [attempt(other) for other in UNDECLARED_CANDIDATES if other != encoding]
        beaten = any(r_bad < bad and r_score > score for _, r_bad, r_score in rivals)
        if bad <= tolerated and not beaten and score >= max(r[2] for r in rivals) - 0.2:
            return (text, encoding), "declared", tried

    ranked = sorted(
        (attempt(encoding) + (encoding,) for encoding in dict.fromkeys([*declared, *UNDECLARED_CANDIDATES])),
        key=lambda item: (item[1] > tolerated, -item[2], item[1]),
    )
    text, bad, score, encoding = ranked[0]
    if score < 0.5:
        fallback = _charset_normalizer_guess(body)
        if fallback and fallback not in tried:
            f_text, f_bad, f_score = attempt(fallback)
            if f_bad <= bad and f_score >= score:
                return (f_text, fallback), "charset-normalizer", tried
    reason = "declared-misleading" if declared and encoding not in declared else "best-candidate"
    return (text, encoding), reason, tried


def _charset_normalizer_guess(body: bytes) -> str | None:
    """Last resort for non-CJK legacy pages (Latin, Cyrillic, Shift-JIS ...)."""
    from charset_normalizer import from_bytes

    best = from_bytes(body[:200_000]).best()
    return normalize_label(best.encoding) if best else None
