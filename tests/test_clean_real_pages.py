"""Real pages where a named rule decides what the document holds (tests/fixtures/cleaners, SOURCE.md).

Each assertion names text a human reader would (or would not) count as the article; it fails
without the rule that handles it.
"""

from __future__ import annotations

import json
import lzma
from pathlib import Path

import pytest

from cleaners.pipeline import clean_html

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cleaners"


def _clean(name: str) -> dict:
    cleaned = clean_html(lzma.decompress((FIXTURES / name).read_bytes()), "http://blog.example.com/page.html")
    assert cleaned.document is not None, cleaned.reject
    return cleaned.document


def test_a_blog_page_of_posts_keeps_its_first_post_only():
    document = _clean("wenxuecity-blog-posts.html.xz")
    assert document["text"].startswith("距墨爾本西北約110公里處")          # the first post, 昨天去金矿玩
    for later in ("头发留的很长很长了", "没中文报纸", "给我描述美丽的雪", "由海姑娘张贴"):
        assert later not in document["text"]                               # the three posts below it and their footers
    assert document["extra"]["rules"]["appended-posts"] == 3


def test_link_clouds_and_a_portal_disclaimer_leave_the_article():
    document = _clean("yahoo-link-cloud.html.xz")
    text = document["text"]
    assert "像许多日本女性一样，顺子一直等到30岁出头才结婚" in text and "夫妻关系变成室友" in text
    for junk in ("打开你的窗 男人的玩物", "[幻灯]", "雅虎中国的所有内容均由其内容合作方", "雅虎中国在网上传输的所有内容"):
        assert junk not in text
    assert document["extra"]["rules"]["link-cloud"] >= 2 and document["extra"]["rules"]["platform-disclaimer"] == 2


GNE_163 = Path(__file__).resolve().parents[1].parent / "shared" / "realdata" / "gne-testpages" / "tests" / "163"


@pytest.mark.skipif(not GNE_163.is_dir(), reason="../shared/realdata/gne-testpages is not present (GPL pages, not copied)")
@pytest.mark.parametrize("page,opening", [
    ("1.html", "2019年，龙湖集团即将迎来赴港上市10周年"),
    ("2.html", "新京报讯2019年篮球世界杯17-32名排位赛"),
])
def test_a_portal_article_beats_the_comment_block_precision_mode_keeps(page, opening):
    # On 163.com trafilatura's precision mode keeps the readers' comments and drops the article above them.
    cleaned = clean_html((GNE_163 / page).read_bytes(), "https://www.163.com/news/article/x.html")
    assert cleaned.document is not None and opening in cleaned.document["text"]
    assert "网友评论仅供其表达个人看法" not in cleaned.document["text"]
    assert cleaned.document["extra"]["rules"]["balanced-pass"] == 1


def test_an_article_in_a_layout_list_keeps_its_paragraphs():
    # 观察者网 puts its two page columns in <ul><li>: read as a list item, the article was one line with
    # its headline, date and font-size links glued on, out of every line rule's reach.
    html = (FIXTURES / "guancha-layout-list.html").read_bytes()
    document = clean_html(html, "https://www.guancha.cn/internation/2019_09_09_517236.shtml").document
    lines = document["text"].split("\n")
    assert lines[0].startswith("据中新网9月9日报道") and lines[-1] == "记者通过电子邮件联系了富士康，截至发稿时，尚未收到回应。"
    assert "“我们已经确认所有工人都得到适当的补偿，包括加班工资和奖金，所有加班工作都是自愿的，没有强迫劳动的证据。”苹果公司说。" in lines
    assert "字号" not in document["text"] and len(lines) == 6
    assert document["extra"]["rules"]["layout-list"] == 1


def test_a_feature_keeps_its_subheaded_sections_whose_topics_change():
    # 半月谈 (trafilatura's eval set): three sections, 农业 / 治理 / 社会, that share few words. Taken for
    # stories appended below the article, the last two were cut (trafilatura's own snippets: 发现社会, 姚劲波说).
    cleaned = clean_html(lzma.decompress((FIXTURES / "banyuetan-sections.html.xz").read_bytes()),
                         "http://www.banyuetan.org/jmcs/detail/20200102/1000200033136171577956287380194268_1.html")
    text = cleaned.document["text"]
    for section in ("“数字”赋能农业", "“数字”刷新治理", "“数字”发现社会"):
        assert section in text
    assert "姚劲波说。" in text and text.startswith("半月谈记者 史卫燕")
    assert "appended-stories" not in cleaned.document["extra"]["rules"] and len(cleaned.documents) == 1


def test_a_wechat_article_written_in_sections_is_found():
    # A WeChat 公众号 article (gne-testpages tests/wechat/1.html, trimmed): every paragraph is
    # <section><span>…</span></section>, no <p>; trafilatura found only "微信扫一扫 关注该公众号".
    cleaned = clean_html((FIXTURES / "wechat-section-paragraphs.html").read_bytes(), "https://mp.weixin.qq.com/s/x")
    assert cleaned.document is not None, cleaned.reject
    lines = cleaned.document["text"].split("\n")
    assert lines[0].startswith("今天凌晨，三星在美国旧金山举行发布会") and "Galaxy Z Flip 也一并发布" in lines[-1]
    assert "此外，Galaxy S20 全系均将配备 LPDDR5 内存，最高支持 1TB 的拓展存储，支持 15W 无线快充、反向充电功能。" in lines
    assert cleaned.document["extra"]["rules"]["section-paragraphs"] >= 8


@pytest.mark.parametrize("page", ["appledaily.html.xz", "chinatimes.html.xz", "ettoday.html.xz"])
def test_a_taiwan_suicide_story_loses_the_hotline_notice_and_keeps_its_text(page):
    expected = json.loads((FIXTURES / "twnews" / "HELPER_expected_from_tests.json").read_text("utf-8"))[page]
    document = clean_html(lzma.decompress((FIXTURES / "twnews" / page).read_bytes()), f"https://example.tw/{page}").document
    assert expected["body_contains"] in document["text"]
    for notice in ("專線", "生命線", "給自己"):
        assert notice not in document["text"]
    assert document["extra"]["rules"]["hotline-notice"] >= 3
