"""Language and script: Traditional Chinese is not Korean; Simplified vs Traditional vs mixed by evidence."""

from __future__ import annotations

import glob
import re
from pathlib import Path

import pytest

from cleaners.encoding import decode_html
from cleaners.language import detect_language

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cleaners"
SEEDS = FIXTURES / "seeds"
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


@pytest.mark.parametrize("seed,script", [("000_4834dbcc47b7c92d.txt", "zh-Hant"), ("001_b2decae2bf799c5f.txt", "zh-Hans"),
                                         ("002_b0efb80cf71aa1ab.txt", "zh-Hant"), ("003_aa87f2fadd5da3ec.txt", "zh-Hant"),
                                         ("004_23808ed94ab39eb3.txt", "zh-Hans")])
def test_seed_scripts(seed, script):
    guess = detect_language((SEEDS / seed).read_text("utf-8"))
    assert (guess.lang, guess.script) == ("zh", script)


def test_traditional_is_never_korean_but_hangul_is():
    assert detect_language("香港特別行政區政府商務及經濟發展局副局長陳百里表示，當前香港正尋求進一步融入國家經貿發展大局。").lang == "zh"
    assert detect_language("서울특별시는 대한민국의 수도이며 최대 도시이다. 한강이 도시를 가로지른다.").lang == "ko"
    assert detect_language("東京都は日本の首都であり、多くの人々がここで働いています。").lang == "ja"


def test_mixed_script_text_is_mixed():
    traditional = (SEEDS / "003_aa87f2fadd5da3ec.txt").read_text("utf-8")[:600]
    simplified = (SEEDS / "001_b2decae2bf799c5f.txt").read_text("utf-8")[:600]
    assert detect_language(traditional + simplified).script == "mixed"


def test_english_goes_to_langdetect():
    guess = detect_language("The council approved the budget on Tuesday after a long debate about transport.")
    assert (guess.lang, guess.script) == ("en", None)


def test_big5_feed_with_markup_is_traditional_chinese():
    text = re.sub(r"<[^>]+>", " ", decode_html((FIXTURES / "encoding" / "big5-blog.worren.net.xml").read_bytes()).text)
    assert (detect_language(text).lang, detect_language(text).script) == ("zh", "zh-Hant")


def test_long_text_is_read_on_a_bounded_sample():
    text = (SEEDS / "001_b2decae2bf799c5f.txt").read_text("utf-8") * 200
    assert detect_language(text, sample_chars=2000).evidence["han"] <= 2000


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/realdata is not here")
def test_realdata_big5_and_gb2312_feeds_get_their_script():
    wrong, total = [], 0
    for folder, script in (("Big5", "zh-Hant"), ("GB2312", "zh-Hans")):
        for path in glob.glob(str(SHARED / "chardet-cjk-encodings" / "tests" / folder / "*")):
            text = re.sub(r"<[^>]+>|&[a-z#0-9]+;", " ", decode_html(Path(path).read_bytes()).text)
            guess = detect_language(text)
            if guess.evidence["han"] < 20:
                continue          # a feed of links and dates: nothing to judge
            total += 1
            if guess.script != script:
                wrong.append((path, guess))
    assert total >= 40 and not wrong


def _realdata_pages(patterns: list[str]) -> list[str]:
    return sorted(p for pattern in patterns for p in glob.glob(str(SHARED / pattern), recursive=True))


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/realdata is not here")
def test_realdata_article_pages_get_their_script():
    import gzip
    import lzma

    from cleaners.pipeline import clean_html

    traditional = _realdata_pages(["twnews-samples/**/*.xz", "readability-testpages-zh/**/pixnet/source.html"])
    simplified = _realdata_pages(["cleaneval-zh/eval/benchmark/zh-original/zh-original/*.html",
                                  "cx-extractor-netease-gbk/RawHtml/*.html", "newspaper4k-zh/**/*.html",
                                  "gne-testpages/tests/**/*.html", "trafilatura-eval-zh/**/*.html",
                                  "fundus-zh/**/*.html.gz", "goose3-zh/**/*.html"])
    labelled, wrong = 0, []
    for paths, script in ((traditional, "zh-Hant"), (simplified, "zh-Hans")):
        for path in paths:
            body = Path(path).read_bytes()
            body = lzma.decompress(body) if path.endswith(".xz") else gzip.decompress(body) if path.endswith(".gz") else body
            document = clean_html(body, "https://example.invalid/").document
            if document is None:
                continue          # rejected pages (lists, stubs) carry no label
            labelled += 1
            if document["script"] != script and not (document["script"] == "mixed" and path.endswith("/33.html")):
                wrong.append((path, document["script"]))
    # CleanEval 33 is a Traditional travel piece followed by a Simplified blog: "mixed" is its right label.
    assert labelled >= 200 and len(wrong) <= 0.01 * labelled, wrong
