"""Real pages copied from ../shared/realdata: titles, bodies, dates, script, and what must not survive."""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest

from cleaners.pipeline import clean_html

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cleaners"
TWNEWS = FIXTURES / "twnews"
EXPECTED = json.loads((TWNEWS / "HELPER_expected_from_tests.json").read_text("utf-8"))


def _flat(text: str | None) -> str:
    return "".join((text or "").split())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_taiwan_news_pages_keep_title_body_date_and_read_as_traditional(name):
    expected = EXPECTED[name]
    cleaned = clean_html(lzma.decompress((TWNEWS / name).read_bytes()), f"https://example.tw/{name}")
    document = cleaned.document
    assert document is not None, cleaned.reject
    assert _flat(expected["title_contains"]) in _flat(document["title"])
    assert expected["body_contains"] in document["text"]
    assert document["published"][:10] == expected["date"][:10] and document["published"].endswith("+08:00")
    assert (document["lang"], document["script"]) == ("zh", "zh-Hant")
    for junk in ("Facebook Line Weibo", "複製連結", "字級設定"):
        assert junk not in document["text"]


def test_ettoday_byline_gives_the_author():
    cleaned = clean_html(lzma.decompress((TWNEWS / "ettoday.html.xz").read_bytes()), "https://www.ettoday.net/a.htm")
    assert cleaned.document["author"] == "林悅"


def test_china_daily_page_matches_its_gold_body_and_drops_credits():
    gold = [line for line in (FIXTURES / "chinadaily-001.gold.txt").read_text("utf-8").splitlines() if line.strip()]
    cleaned = clean_html((FIXTURES / "chinadaily-001.html").read_bytes(),
                         "https://china.chinadaily.com.cn/a/202311/17/WS65571297a310d5acd876f404.html")
    document = cleaned.document
    text = _flat(document["text"])
    credits = [line for line in gold if "编辑：" in line]
    assert len(credits) == 2                      # the gold keeps "（编辑：…）" and "【责任编辑：…】"; we drop them
    assert all(_flat(line) in text for line in gold if line not in credits)
    assert not any(_flat(line) in text for line in credits)
    assert document["published"].startswith("2023-11-17") and document["script"] == "zh-Hans"


@pytest.mark.parametrize("number", ["10", "16", "57"])
def test_gbk_cleaneval_pages_come_out_readable_and_without_navigation(number):
    body = (FIXTURES / "encoding" / f"cleaneval-{number}.html").read_bytes()
    cleaned = clean_html(body, f"http://cleaneval.invalid/{number}.html")
    document = cleaned.document
    assert document is not None, cleaned.reject
    assert document["encoding"] == "gb18030" and document["script"] == "zh-Hans"
    assert "首页 - 新闻 - 北京" not in document["text"]
    assert "版权所有" not in document["text"]


def test_an_english_page_is_rejected_as_wrong_language():
    html = "<html><head><title>Weather</title></head><body><article>" + "".join(
        f"<p>The weather in the northern districts stayed mild on day {n}, forecasters said.</p>" for n in range(12)
    ) + "</article></body></html>"
    cleaned = clean_html(html.encode(), "https://example.com/weather")
    assert cleaned.reject["reason"] == "wrong-language"
    assert "en" in cleaned.reject["detail"]


def test_fallback_extractors_rescue_a_page_the_fast_pass_misses(monkeypatch):
    """With "when-short", trafilatura's fallback (and its balanced pass) run only when its own pass finds too little."""
    import trafilatura

    from cleaners.pipeline import main_text, parse_html
    from cleaners.settings import CleanerSettings

    calls = []
    real = trafilatura.extract

    def counting(*args, **kwargs):
        calls.append(kwargs["fast"])
        return real(*args, **kwargs)

    monkeypatch.setattr(trafilatura, "extract", counting)
    story = "".join(f"<p>第{i}段：渝港两地在金融、经贸投资、科技创新等领域的交流合作日益紧密。</p>" for i in range(20))
    article = parse_html(f"<html><body><article>{story}</article></body></html>")
    main_text(article, "http://example.cn/a.html", CleanerSettings())
    assert calls == [True]                      # enough text: no fallback
    calls.clear()
    stub = parse_html("<html><body><div><p>短讯</p></div></body></html>")
    main_text(stub, "http://example.cn/b.html", CleanerSettings())
    assert calls == [True, False, False]        # too little: fallback extractors, then the balanced pass tried
    calls.clear()
    main_text(stub, "http://example.cn/b.html", CleanerSettings(fallback="never"))
    assert calls == [True]
    with pytest.raises(ValueError, match="CLEANERS_FALLBACK"):
        CleanerSettings(fallback="sometimes")
