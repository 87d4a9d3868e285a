"""decode_html on real pages: GBK without a charset, misdeclared pages, Big5 feeds."""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

from cleaners.encoding import content_type_charset, decode_html, normalize_label, plausibility

HERE = Path(__file__).resolve().parent / "fixtures" / "cleaners" / "encoding"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"
META_CHARSET = re.compile(rb"<meta[^>]+charset[^>]*>", re.I)
CLEANEVAL_HEADER = re.compile(rb'^<text id="[^"]*" title="[^"]*" encoding="[^"]*">')


def _undeclared(body: bytes) -> bytes:
    """The page with every charset declaration removed (as if saved by a careless mirror)."""
    return META_CHARSET.sub(b"", body)


def _gold_lines(path: Path) -> list[str]:
    text = re.sub(r"^URL:.*$", "", path.read_text("utf-8"), flags=re.M)
    lines = ["".join(block.split()) for block in re.split(r"<[hpl]>", text)]
    return [line for line in lines if len(line) >= 12]


def _share_found(gold: list[str], text: str) -> float:
    flat = "".join(text.split())
    return sum(1 for line in gold if line[:8] in flat) / len(gold)


@pytest.mark.parametrize("number", ["10", "16", "57"])
def test_gbk_pages_without_any_declaration_decode_cleanly(number):
    body = _undeclared((HERE / f"cleaneval-{number}.html").read_bytes())
    decoded = decode_html(body)
    assert decoded.encoding == "gb18030"
    assert decoded.evidence["declared"] is None
    assert _share_found(_gold_lines(HERE / f"cleaneval-{number}.gold.txt"), decoded.text) >= 0.8


def test_utf8_page_declaring_gb2312_is_read_as_utf8():
    body = (HERE / "cleaneval-31.html").read_bytes()
    body = body.replace(b"<head>", b'<head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">', 1)
    decoded = decode_html(body, header_charset="gb2312")
    assert decoded.encoding == "utf-8"
    assert decoded.evidence["declared"] == "gb18030"
    assert _share_found(_gold_lines(HERE / "cleaneval-31.gold.txt"), decoded.text) >= 0.8


def test_gbk_page_declaring_utf8_is_read_as_gb18030():
    body = _undeclared((HERE / "netease-1.html").read_bytes())
    decoded = decode_html(b'<meta charset="utf-8">' + body, header_charset="utf-8")
    assert decoded.encoding == "gb18030"
    assert decoded.evidence["reason"] == "declared-misleading"
    assert "网易" in decoded.text


def test_a_few_invalid_bytes_do_not_overturn_a_correct_declaration():
    decoded = decode_html((HERE / "cleaneval-57.html").read_bytes())
    assert decoded.encoding == "gb18030"
    assert 0 < decoded.evidence["replacements"]["gb18030"] < 20


def test_big5_feed_with_and_without_its_xml_declaration():
    body = (HERE / "big5-blog.worren.net.xml").read_bytes()
    declared = decode_html(body)
    stripped = decode_html(re.sub(rb"<\?xml[^>]*\?>", b"", body))
    assert declared.encoding == stripped.encoding == "big5hkscs"
    assert declared.text.count("\ufffd") == 0
    assert plausibility(stripped.text) > 0.95


def test_big5_page_without_declaration():
    decoded = decode_html((HERE / "big5-chromium-undeclared.html").read_bytes())
    assert decoded.encoding == "big5hkscs"
    assert "\ufffd" not in decoded.text


def test_bom_and_override_win():
    assert decode_html(b"\xef\xbb\xbf" + "新聞".encode()).encoding == "utf-8"
    forced = decode_html("新闻".encode("gbk"), override="gbk")
    assert (forced.encoding, forced.text, forced.evidence["reason"]) == ("gb18030", "新闻", "override")
    with pytest.raises(ValueError, match="unknown encoding"):
        decode_html(b"x", override="no-such-codec")


def test_labels_widen_like_browsers():
    assert [normalize_label(x) for x in ("GB2312", "x-gbk", "big5", "UTF8", "bogus")] == [
        "gb18030", "gb18030", "big5hkscs", "utf-8", None]


def _realdata_legacy_pages():
    patterns = ["cleaneval-zh/eval/benchmark/zh-original/zh-original/*.html",
                "cx-extractor-netease-gbk/RawHtml/*.html", "chardet-cjk-encodings/tests/Big5/*.xml",
                "chardet-cjk-encodings/tests/GB2312/*.xml"]
    return sorted(p for pattern in patterns for p in glob.glob(str(SHARED / pattern)))


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/realdata is not here")
def test_every_legacy_realdata_page_decodes_without_mojibake_when_undeclared():
    failures = []
    for path in _realdata_legacy_pages():
        body = CLEANEVAL_HEADER.sub(b"", _undeclared(Path(path).read_bytes()))
        body = re.sub(rb"<\?xml[^>]*\?>", b"", body)
        decoded = decode_html(body)
        expected = "big5hkscs" if "/Big5/" in path else ("utf-8", "gb18030")
        bad = decoded.text.count("\ufffd")
        if decoded.encoding not in expected or plausibility(decoded.text) < 0.9 or bad > len(body) // 1000:
            failures.append((path, decoded.encoding, round(plausibility(decoded.text), 3), bad))
    assert not failures


@pytest.mark.parametrize("content_type,charset", [
    ("text/html; charset=GB2312", "GB2312"),
    ('text/html;charset="big5"', "big5"),
    ("text/html; boundary=x; Charset = utf-8 ", "utf-8"),
    ("text/html", None),
    ("text/html; charset=", None),
    (None, None),
])
def test_content_type_charset_reads_the_declared_label(content_type, charset):
    assert content_type_charset(content_type) == charset
