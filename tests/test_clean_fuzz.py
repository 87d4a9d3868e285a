"""Hostile input for the cleaners: random bytes, random encodings, deep nesting. `clean` never raises."""

from __future__ import annotations

import json
import random

from cleaners.pipeline import clean_html, clean_text
from conftest import run_cli

CODECS = ("utf-8", "gb18030", "big5hkscs", "utf-16", "shift_jis", "latin-1", "koi8-r")
LABELS = ("utf-8", "gbk", "big5", "zlib_codec", "base64", "rot13", "utf-7", "x-no-such", "", "utf-16")
SAMPLE = "重慶與香港兩地經貿合作十分廣泛。" * 8


def _pages(rng: random.Random) -> list[bytes]:
    pages = [rng.randbytes(rng.randrange(1, 4000)) for _ in range(15)]
    for codec in CODECS:
        text = f'<html><head><meta charset="{rng.choice(LABELS)}"><title>第A0{rng.randrange(9)}版：要聞</title></head>' \
               f"<body><h2>標題</h2><p>{SAMPLE}</p><map name=PagePicMap><area coords='1,2' href='content_1.htm'></map></body></html>"
        body = text.encode(codec, "replace")
        cut = rng.randrange(len(body))
        pages.append(body[:cut] + rng.randbytes(20) + body[cut:])
    depth = 20_000
    pages.append(("<div>" * depth + f"<p>{SAMPLE}</p>" + "</div>" * depth).encode())
    pages.append(("<h2>頭條新聞標題在這裏</h2><p>" + "【本報訊】" * 500 + "</p>").encode("utf-8") * 30)
    pages.append(b"<html><body>" + "\ud800\udfff\x00\x1b".encode("utf-8", "surrogatepass") + b"</body></html>")
    return pages


def test_cleaners_return_a_document_or_a_reason_for_any_bytes():
    rng = random.Random(11)
    for body in _pages(rng):
        for header in (None, rng.choice(LABELS)):
            cleaned = clean_html(body, "https://fuzz.example/2024/05/26/node_1.htm", header_charset=header)
            assert (cleaned.document is None) != (cleaned.reject is None)
        cleaned = clean_text(body.decode("utf-8", "replace"), "https://fuzz.example/a", split=True)
        assert (cleaned.document is None) != (cleaned.reject is None)


def test_clean_command_survives_random_files(tmp_path):
    rng = random.Random(7)
    paths = []
    for number, body in enumerate(_pages(rng)):
        path = tmp_path / f"f{number}.{'html' if number % 2 else 'txt'}"
        path.write_bytes(body)
        paths.append(str(path))
    result = run_cli("clean", *paths, check=False)
    assert result.returncode in (0, 1) and "Traceback" not in result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert {row["path"] for row in rows} == set(paths)
    assert all(("text" in row) or ("reject" in row) or ("error" in row) for row in rows)
