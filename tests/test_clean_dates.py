"""Chinese dates: the local forms, relative times anchored at the fetch, and the source order."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from cleaners.dates import choose_published, date_from_text, date_from_url, page_timestamp, parse_date
from cleaners.pipeline import clean_html

FETCHED = datetime(2024, 5, 26, 4, 0, tzinfo=timezone.utc)       # 12:00 in Beijing
FIXTURES = Path(__file__).parent / "fixtures" / "epaper"


@pytest.mark.parametrize("text,expected", [
    ("发布时间：２０２４年５月２６日　１０：０９", "2024-05-26T10:09:00+08:00"),
    ("2024年5月26日 10时09分", "2024-05-26T10:09:00+08:00"),
    ("發佈時間：2024年05月26日 10時09分", "2024-05-26T10:09:00+08:00"),
    ("二〇二四年五月二十六日", "2024-05-26T00:00:00+08:00"),
    ("2024/5/6 下午3:05", "2024-05-06T15:05:00+08:00"),
    ("2024-05-26T02:09:00Z", "2024-05-26T02:09:00+00:00"),
    ("2024-05-26T10:09:00.000+0800", "2024-05-26T10:09:00+08:00"),
    ("3小时前", "2024-05-26T09:00:00+08:00"),
    ("昨天 10:20", "2024-05-25T10:20:00+08:00"),
    ("前天 08:05", "2024-05-24T08:05:00+08:00"),
    ("今日數據趣談：甜瓜不遜紐約名宿", None),
    ("2024年13月40日", None),
])
def test_parse_date(text, expected):
    parsed = parse_date(text, FETCHED)
    assert (parsed.isoformat() if parsed else None) == expected


def test_labelled_line_wins_over_an_earlier_unlabelled_date():
    text = "2019年1月1日 星期二\n类别:国内 发布时间:2024-05-26 10:09:00 来源:每日看点快看\n正文"
    assert date_from_text(text).isoformat() == "2024-05-26T10:09:00+08:00"


def test_a_date_in_prose_is_not_a_date_line_and_the_url_beats_it():
    text = "該文檔信息顯示為2005年4月21日創建，最後修改時間為2006年4月24日，在時間上亦無挑剔之處。\n2006年4月24日"
    assert date_from_text(text) is None
    published, source, _ = choose_published({"url": date_from_url("https://hk.example.com/news/20240519/1.html"),
                                             "text-first-date": parse_date("2006年4月24日")}, FETCHED)
    assert (published[:10], source) == ("2024-05-19", "url")


@pytest.mark.parametrize("url,expected", [
    ("http://www.xinhuanet.com/politics/2024-05/26/c_1130.htm", "2024-05-26"),
    ("https://news.example.cn/a/20240526/t20240526_123.html", "2024-05-26"),
    ("https://hk.example.com/epaper/2024-05/26/node_2.htm", "2024-05-26"),
    ("https://example.com/news/12345.html", None),
])
def test_date_from_url(url, expected):
    found = date_from_url(url)
    assert (found.date().isoformat() if found else None) == expected


def test_source_order_and_disagreement_over_a_day():
    candidates = {"url": datetime(2024, 5, 20, tzinfo=timezone.utc), "meta": parse_date("2024-05-26 10:09"),
                  "text": parse_date("2024年5月26日 09:00"), "jsonld": None}
    published, source, disagreements = choose_published(candidates, FETCHED)
    assert (published, source) == ("2024-05-26T10:09:00+08:00", "meta")
    assert list(disagreements) == ["url"]


def test_future_and_ancient_dates_are_not_believed():
    published, source, _ = choose_published(
        {"jsonld": parse_date("2031-01-01"), "meta": parse_date("1970-01-01"), "text": parse_date("2024-05-25")}, FETCHED)
    assert source == "text" and published.startswith("2024-05-25")


def test_page_dates_follow_the_documented_order():
    body = ("<html><head><meta property='article:published_time' content='2024-05-25T22:00:00+08:00'>"
            "<script type='application/ld+json'>{\"@type\": \"NewsArticle\", \"datePublished\": \"2024-05-26T08:30:00+08:00\"}"
            "</script></head><body><article><p>发布时间：2024年5月20日 08:00</p>" +
            "".join(f"<p>重庆与香港两地在经贸投资、金融科技、文化旅游等方面的交流合作十分广泛，第{n}段。</p>" for n in range(8)) +
            "</article></body></html>")
    hints = {"news:publication_date": "2024-05-26T01:00:00+08:00"}
    document = clean_html(body.encode(), "https://x.cn/2024/05/19/a.html", hints=hints, fetched_at=FETCHED).document
    assert (document["published"], document["date_source"]) == ("2024-05-26T08:30:00+08:00", "jsonld")
    assert set(document["extra"]["date_disagreements"]) == {"text", "text-timestamp", "url", "text-first-date"}
    assert "发布时间" not in document["text"]


def test_page_timestamp_outside_the_article_is_found_but_a_bare_header_date_is_not():
    page = "首页 新闻 财经 体育 2005年3月10日 星期四 BUSINESS.SOHU.COM 2005年3月11日12:12 来源：[ 新华网 ]"
    assert date_from_text("正文第一段。", page_text=page) is None          # no label: a bare timestamp
    assert page_timestamp(page).isoformat() == "2005-03-11T12:12:00+08:00"
    assert page_timestamp("首页 2019年1月1日 星期二 新闻") is None
    assert date_from_text("", page_text="报纸网 | 发布: 2021-1-29 13:18").isoformat() == "2021-01-29T13:18:00+08:00"


def test_ming_pao_print_story_is_dated_by_its_edition_not_a_timer_in_a_script():
    """明報's print-edition page (trimmed, real bytes) carries "2017/01/27 12:00:00" in a script: no
    reader sees it, so it is a script's timestamp, not the page's, and the URL's 20181217 wins."""
    url = ("https://news.mingpao.com/pns/%e6%b8%af%e8%81%9e/article/20181217/s00002/1544984739431/"
           "%e9%a7%95%e8%b6%85%e8%b7%91")
    document = clean_html((FIXTURES / "hk_mingpao_pns_2018-12-17_story.html").read_bytes(), url,
                          fetched_at=FETCHED).document
    assert (document["published"][:10], document["date_source"]) == ("2018-12-17", "url")
    assert document["extra"]["date_disagreements"] == {"script-timestamp": "2017-01-27T12:00:00+08:00"}


def test_a_bare_timestamp_keeps_its_time_on_the_urls_day_and_a_labelled_date_never_yields():
    url = date_from_url("https://news.example.hk/pns/article/20181217/s00002/1.html")
    same_day = parse_date("2018-12-17 05:30")
    assert choose_published({"text-timestamp": same_day, "url": url}, FETCHED)[:2] == (same_day.isoformat(),
                                                                                         "text-timestamp")
    labelled = parse_date("2017-01-27 12:00")
    assert choose_published({"text": labelled, "url": url}, FETCHED)[:2] == (labelled.isoformat(), "text")


def test_a_reader_comments_date_below_the_story_is_not_its_date():
    """A 2006 blog post (CleanEval page 30) has no date of its own on the page; the first timestamp is
    a reader comment's "(2006-12-24 03:45:27)" under "…文章的最新评论", and it was taken."""
    page = _fixture_page("blog-reader-comments.html.xz")
    assert "2006-12-24 03:45:27".encode("gb18030") in page     # the comment's date is there to be taken
    document = clean_html(page, "http://blog.example.invalid/post.html", fetched_at="2030-01-01T00:00:00+00:00").document
    assert document is not None
    assert not (document["published"] or "").startswith("2006-12-24"), document["published"]


def _fixture_page(name: str) -> bytes:
    import lzma

    return lzma.decompress((Path(__file__).parent / "fixtures" / "cleaners" / name).read_bytes())


def test_a_visible_timestamp_is_found_behind_a_page_worth_of_script():
    """澎湃's page (GNE test page) has its "2019-09-24 09:10" under the source line, after 15,000+
    characters of inline script that used to fill the search window: it had no date."""
    document = clean_html(_fixture_page("thepaper-script-heavy.html.xz"), "https://www.thepaper.cn/newsDetail_forward_4547300",
                          fetched_at="2030-01-01T00:00:00+00:00").document
    assert (document["published"], document["date_source"]) == ("2019-09-24T09:10:00+08:00", "text-timestamp")


def test_a_page_that_renders_its_date_by_script_keeps_it_ranked_as_a_script_date():
    """百家号 shows its time from the page's data ("time": "2019-12-29 22:31:02"); no visible text has it."""
    document = clean_html(_fixture_page("baijiahao-script-date.html.xz"), "https://baijiahao.baidu.com/s?id=1654292",
                          fetched_at="2030-01-01T00:00:00+00:00").document
    assert (document["published"], document["date_source"]) == ("2019-12-29T22:31:02+08:00", "script-timestamp")
