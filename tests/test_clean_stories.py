"""Pages that hold several stories come out as one document per story; an article keeps only its own."""

from __future__ import annotations

import json
from pathlib import Path

from cleaners.pipeline import clean_html, clean_text
from cleaners.stories import dated_headlines, split_stories, until_end_mark
from conftest import run_cli

SEEDS = Path(__file__).resolve().parent / "fixtures" / "cleaners" / "seeds"
SEED_000 = SEEDS / "000_4834dbcc47b7c92d.txt"
SEED_002 = SEEDS / "002_b0efb80cf71aa1ab.txt"
# The four headlines printed on the e-paper page of seed 000, read off the seed text.
SEED_000_HEADLINES = {"全球渝商大會引資約567億元", "陝西西安攜手大灣區 推動區域科技創新交流",
                      "「青島造」微短劇霸榜海外市場", "山東打造北方地區經濟重要增長極的雄心和定力"}


def test_clean_prints_the_four_stories_of_seed_000_with_their_headlines():
    rows = [json.loads(line) for line in run_cli("clean", str(SEED_000)).stdout.splitlines()]
    assert {row["title"] for row in rows} == SEED_000_HEADLINES
    assert [row["story_index"] for row in rows] == [1, 2, 3, 4]
    assert {row["page"] for row in rows} == {SEED_000.resolve().as_uri()}
    assert len({row["url"] for row in rows}) == 4 and all(row["url"].startswith(row["page"] + "#story-") for row in rows)
    by_title = {row["title"]: row["text"] for row in rows}
    # Each body under its own headline, even where the page printed two headlines before two bodies.
    assert "記者蔣曦、陳爽報道" in by_title["全球渝商大會引資約567億元"]
    assert "硬科技創新大會" in by_title["陝西西安攜手大灣區 推動區域科技創新交流"]
    assert "硬科技" not in by_title["全球渝商大會引資約567億元"]
    assert "以專破局 以精立業" in by_title["山東打造北方地區經濟重要增長極的雄心和定力"]   # a subhead stays inside
    assert "微短劇" not in by_title["山東打造北方地區經濟重要增長極的雄心和定力"]


def test_seed_002_is_one_feature_despite_its_section_headings():
    rows = [json.loads(line) for line in run_cli("clean", str(SEED_002)).stdout.splitlines()]
    assert len(rows) == 1 and "story_index" not in rows[0]
    assert rows[0]["extra"]["story_split"] == "one-topic"
    assert "湘江澎湃,潮湧香江。" in rows[0]["text"] and "湖南正以深層次改革重構開放坐標" in rows[0]["text"]


def test_an_article_page_does_not_take_in_the_story_appended_below_it():
    own = ("<p>【本報訊】記者王明報道：重慶市今日發布新一輪穩增長政策，涵蓋製造業升級、消費提振和外貿穩定三個方面，"
           "市發改委負責人表示，政策將在未來三個月內陸續落地，惠及全市超過兩萬家企業。</p>"
           "<p>據介紹，新政策對智能網聯新能源汽車、電子信息等重點產業給予專項資金支持，並簡化審批流程。</p>")
    appended = ("<h2>青島西海岸新區微短劇基地拍攝量再創新高</h2>"
                "<p>今年以來，青島西海岸新區的微短劇基地已拍攝一百六十多部作品，其中出海劇三十餘部，多部登上海外播放榜單，"
                "片場負責人表示，遊艇、別墅和歐式建築外景很受劇組歡迎，檔期已排到明年。</p>"
                "<p>業內人士認為，完善的服務配套和豐富的外景資源，讓這裏成為劇組的首選之地。</p>")
    html = (f"<html><head><title>重慶發布穩增長新政 惠及兩萬企業_山城晨報</title></head><body>"
            f"<article><h1>重慶發布穩增長新政 惠及兩萬企業</h1>{own}</article>"
            f"<article>{appended}</article></body></html>")
    document = clean_html(html, "https://news.example.cn/2025/05/26/a.html").document
    assert document["title"] == "重慶發布穩增長新政 惠及兩萬企業"
    assert "穩增長政策" in document["text"] and "微短劇" not in document["text"]
    assert document["extra"]["rules"]["appended-stories"] >= 2   # its paragraphs, counted


def test_a_split_that_is_not_confident_leaves_the_page_whole_with_its_reason():
    lines = ["第一段說的是重慶的經濟。" * 30, "這是小標題", "第二段仍然說重慶的經濟發展與投資。" * 20]
    split = split_stories(lines)
    assert len(split.stories) == 1 and split.reason
    cleaned = clean_text("\n".join(lines), "https://example.cn/a", split=True)
    assert len(cleaned.documents) == 1 and cleaned.documents[0]["extra"]["story_split"] == split.reason


def test_a_photo_story_keeps_its_captions_as_its_text():
    captions = ["市民在江北嘴觀景平台欣賞兩江交匯的夜景。記者 黃志強攝", "遊客在洪崖洞前拍照留念，人潮絡繹不絕。記者 梁家輝攝",
                "輕軌穿樓而過，吸引大批遊客駐足觀看。記者 陳曉東攝"]
    figures = "".join(f'<p><img src="p{n}.jpg"></p><p>{text}</p>' for n, text in enumerate(captions))
    html = f"<html><head><title>圖集：山城夜色</title></head><body><article><h1>圖集：山城夜色</h1>{figures}</article></body></html>"
    cleaned = clean_html(html, "https://news.example.hk/2025/05/26/photos.html")
    assert cleaned.document is not None, cleaned.reject
    assert all(caption in cleaned.document["text"] for caption in captions)
    assert cleaned.document["extra"]["rules"]["photo-story"] == 1


def test_a_page_whose_main_text_trafilatura_misses_is_rescued_by_its_paragraphs():
    import lzma

    page = lzma.decompress((SEEDS.parent / "jl-gov-notice.html.xz").read_bytes())
    document = clean_html(page, "https://www.jl.gov.cn/zw/xxgk/gfxwj/202201/t20220128_8383451.html").document
    # trafilatura's precise pass keeps the metadata table; a second pass over the page finds the notice.
    assert document is not None and set(document["extra"]["rules"]) & {"baseline-rescue", "balanced-pass"}
    assert "禁止任何单位和个人新建、扩建和改建项目" in document["text"] and "特此通告。" in document["text"]


def test_clean_prints_each_story_of_a_saved_e_paper_page(tmp_path):
    import html
    import re

    from crawler.demosite.site import build_site

    site = build_site(1, "http://127.0.0.1:8410")
    rows = [row for row in site.ground_truth if row["kind"] == "epaper"]
    url = next(row["url"] for row in rows if row["document_url"].endswith("#story-2"))
    body = site.pages[url.removeprefix(site.base)].body
    saved = tmp_path / "node.htm"
    saved.write_bytes(body)
    printed = [json.loads(line) for line in run_cli("clean", str(saved), "--url", url).stdout.splitlines()]
    assert [row["url"] for row in printed] == sorted(row["document_url"] for row in rows if row["url"] == url)
    assert all(row["page"] == url for row in printed) and [row["story_index"] for row in printed] == [1, 2]
    headlines = [html.unescape(h) for h in re.findall(r"<h2>([^<]+)</h2>", body.decode("big5hkscs"))]
    assert [row["title"] for row in printed] == headlines
    assert all(row["page_number"].startswith("A") and row["page_name"] for row in printed)


def test_a_second_dated_article_below_a_short_item_is_not_mixed_in():
    item = "<p>【本報訊】重慶與香港今日簽署金融合作備忘錄，兩地將在跨境理財、綠色金融、科技金融等方面加強合作，並建立定期會商機制，具體細則將於下月公布。</p>"
    appended = ("<h2>渝港金融合作再進一步 跨境理財通規模擴大</h2><p>2024-05-26 10:09 来源：新华网</p>"
                + "".join(f"<p>重慶與香港在金融領域的合作持續深化，跨境理財通試點規模第{n}次擴大，兩地金融機構"
                          f"積極參與，綠色金融和科技金融合作項目不斷增加，市場人士普遍看好合作前景。</p>" for n in range(4)))
    html = (f"<html><head><title>重慶香港簽署金融合作備忘錄_山城晨報</title></head><body><div class='content'>"
            f"<h1>重慶香港簽署金融合作備忘錄</h1>{item}{appended}</div></body></html>")
    document = clean_html(html, "https://news.example.cn/2024/05/26/b.html").document
    assert "金融合作備忘錄" in document["text"]
    assert "跨境理財通試點規模" not in document["text"]
    assert document["extra"]["rules"]["appended-stories"] == 1


# The end of a sina.com.cn finance article (gne-testpages tests/sina/3.html) and the column's promotion below it.
WIRE_END = ["我们预计，欧洲央行将试图通过将利率进一步下调至负值，并重启量化宽松，每月购买约300亿欧元资产，来重振欧元区经济。",
            "我们预计英国央行将在11月降息25个基点。如果出现硬退欧，预计英国央行将进一步降息，并通过同时购买政府和企业债券重启量化宽松。（完）"]


def test_what_follows_an_articles_end_mark_is_not_the_article():
    promo = ["公司资本论", "连接每日热点，", "点评股市众生相"]
    document = clean_text("\n".join(WIRE_END + promo), "https://finance.sina.com.cn/x.shtml",
                          title="债券市场是否存在泡沫？世界知名首席投资官们这么说", split=True).document
    assert document["text"].split("\n") == WIRE_END            # the closing sentence stays, with its mark
    assert document["extra"]["rules"]["after-end-mark"] == 3


def test_a_digest_of_wire_items_each_closed_by_its_mark_is_not_cut():
    second = "新华社北京9月26日电 国务院新闻办公室26日举行发布会，介绍京津冀交通一体化建设的进展情况。（完）"
    text = "\n".join(WIRE_END + [second, "记者从会上获悉，三地将继续推进交通一体化。"])
    document = clean_text(text, "https://example.com/digest.html", title="今日要闻", split=True).document
    assert second in document["text"] and "三地将继续推进交通一体化" in document["text"]
    assert "after-end-mark" not in document["extra"]["rules"]


def test_a_bare_end_mark_goes_with_the_follow_us_block_below_it():
    # mydrivers.com (gne-testpages visiable_test): the article, "- THE END -", then the outlet's accounts.
    article = ["目前嫦娥五号探测器已经在海南文昌进入发射场准备阶段，执行发射任务的长征五号运载火箭也在进行发射前的总装和测试。",
               "探测器全重8.2吨，由轨道器、返回器、着陆器、上升器四部分组成。"]
    below = ["- THE END -", "- 微博：快科技官方 快科技(原驱动之家)官方微博", "- 今日头条：快科技 带来硬件软件、手机数码最快资讯！"]
    assert until_end_mark(article + below, 60) == (article, 2)


def test_a_picture_source_under_a_subhead_does_not_date_it_as_an_article():
    # 每日经济新闻 on 163.com (gne-testpages tests/163/4.html): a section's subhead, then its picture's source.
    lines = ["另一位小米高管对记者透露，红米K30系列肯定支持5G手机，这以往是红米两千元价位的旗舰系列。", "续航难题待解",
             "图片来源：摄图网", "成本之外，5G芯片的耗电量问题，成为芯片企业、手机厂商共同头疼的问题。"]
    assert dated_headlines(lines) == set()
    assert dated_headlines(lines[:2] + ["2024-05-26 10:09 来源：新华网"] + lines[3:]) == {"续航难题待解"}


def test_a_closing_byline_ends_the_article_and_a_heading_byline_does_not():
    # 南方都市报 (gne-testpages tests/njxfhn/1.html): the reporters' line, then a related story's card.
    article = ["南都记者了解到，在公安部、广东省公安厅对电信网络诈骗犯罪窝点“落地快打”的工作机制下，江门警方成功端掉多个窝点。",
               "江门警方提示，接到自称是公安、检察院、法院、银行等单位人员的来电切勿轻易相信。", "警方表示，将继续保持严打高压态势。",
               "采写：南都记者 余毅菁 向雪妮"]
    card = ["香港警方：8.31示威行动未发生致命事件，谴责造谣者", "港铁公司车务营运总监黄琨暐表示，8月31日晚，港铁公司启动疏散程序。", ",南方都市报"]
    assert until_end_mark(article + card, 60) == (article, 3)
    heading = ["新京报记者 陆一夫"] + article[:3]
    assert until_end_mark(heading, 60) == (heading, 0)
    # An e-paper story: 引题, 主题 and 副题 above the reporter's line, the body below it.
    epaper = ["聚焦民营经济高质量发展 推动营商环境持续优化", "江门警方成功端掉多个电信网络诈骗窝点",
              "涉案金额超过一千万元 抓获犯罪嫌疑人四十余名", "本报记者 余毅菁"] + article[:3] * 2
    assert until_end_mark(epaper, 60) == (epaper, 0)
