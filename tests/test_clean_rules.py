"""Each genre rule on real text: lines it must drop and lines it must keep (seeds and realdata pages)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaners.rules import apply_rules, rules

SEEDS = Path(__file__).resolve().parent / "fixtures" / "cleaners" / "seeds"
RULES = {rule.name: rule for rule in rules()}

# Article sentences from the seeds that no rule may touch.
KEEP = [
    "“得益于重庆普惠金融的良好发展环境和对企业科技创新的支持,我们成为最早一批进入重庆互联网金融行业的港资企业。”孟维欢说。",
    "新华社重庆5月25日电题:共赴“山海之约”——渝港合作书写开放新篇章",
    "新华社记者李晓婷、周思宇、赵佳乐",
    "2023年5月,渝港合作会议第一次会议在重庆举行,渝港合作会议机制正式建立。",
    "【香港商報訊】記者傅博、何璋報道：11月3日，2025硬科技創新大會深圳分會場暨校友活動在深圳舉行。",
    "集聚渝商 促成合作項目64個",
    "港商獻策兩地合作 探尋合作共贏",
    "「雙城硬核·科技共鏈」主題活動 | 深圳分會場",
    "本次活动以“双城硬核·科技共链”为主题，由陕西省、西安市、深圳市相关部门共同主办。",
    "5月14日,湖南—香港投融資對接洽談會在香港舉辦。會上, 一批重點項目簽約。",
    "2024年，長沙新設外商投資企業 223家，同比增長 8.3%。",
    # near misses of the disclaimer, credit and link-cloud rules: a speaker's own view, a market's view, English prose
    "“这只是我的看法，仅代表个人观点。”张先生说。",
    "专家认为，这一数据并不代表市场的全部观点。",
    "衛福部表示，將持續強化自殺防治網絡，並與生命線等民間團體合作。",
    "The agency said on Monday that the new rules would take effect in the coming year.",
    "이 사안이 보다 명백하게 무엇이 진실인가가 밝혀져야 하는 이유가 여기에 있다. 여론공방이나 진흙탕 싸움이 아닌 좀 더 차분하게 사안들을 들여다봐야 할 필요가 있다.",
]

DROP = {
    "snapshot-footer": ["以上内容为资讯信息快照,由td.fyun.cc爬虫进行采集并收录,本站未对信息做任何修改,信息内容不代表本站立场。",
                        "快照生成时间:2024-05-26 11:45:06", "本站信息快照查询为非营利公共服务,如有侵权请联系我们进行删除。",
                        "信息原文地址:"],
    "reprint-line": ["本文转自:新华网", "来源：新华网", "（來源：中央社）",
                     "本文为南冥一鲨授权网易财经《亦观察》专栏发布，转载须注明出处。",     # cx-extractor-netease-gbk 8
                     "来源|广州参考、广州南沙发布、羊城晚报", "信息来源: 中国空间技术研究院、中国运载火箭技术研究院等",
                     "（资料来源：参考消息、海外网等）"],     # gne-testpages: thepaper, cmse, cjn
    "metadata-line": ["类别:国内\xa0发布时间:2024-05-26 10:09:00\xa0来源:每日看点快看", "發佈時間：2025年11月4日 08:00",
                      # gne-testpages: stcn, guancha
                      "2019-09-26 12:11来源：证券时报网作者：李在山", "您所在的位置：", "最后更新: 2019-09-07 15:14:21",
                      "最新更新：2016/03/19 10:48"],     # twnews: 中央社
    "editor-credits": ["编辑：李宏伟 责编：吴磊", "一审:叶力 二审:汤馥铭 三审:吴迪", "審核：陳大文", "【责任编辑：严玉洁】",
                       "编辑 刘晓阳 校对 李铭", "摄影/张艳 编辑/苏芳", "责编|陈梦莹",
                       "美術：陳超雄", "攝影：冼偉倫"],     # the last two: realdata/epaper, 晴報 (skypost)     # gne-testpages: 163 (新京报), zyyfy
    "photo-caption": ["姚明场边支招周琦。视频截图", "（消防局提供）",     # gne-testpages: 163; twnews: 中央社
                      "西洽会香港展场 新重庆-重庆晨报记者 杨新宇 摄", "濟南高質量發展步伐不斷提速。濟南市政府新聞辦供圖",
                      "圖為港洽周開幕式現場", "▲台南市永康分局報請台南地檢署檢察官相驗。（圖／記者林悅翻攝）"],
    "comment-share-prompt": ["网友评论", "文明上网，理性发言", "扫码阅读手机版", "分享到：微信 微博", "Facebook Line Weibo Twitter 複製連結",
                             "跟贴热词：",     # cx-extractor-netease-gbk: under every article
                             "快点击这里了解一下！", "相关资讯请关注:逆水寒专区"],     # gne-testpages: 163, gamersky
    "epaper-debris": ["日日", "勿", "尚", "引資", "強", "## 挺立在「智 | 造蝶變的潮頭浪尖"],
    "navigation": ["首页 - 新闻 - 北京 - 体育 - 娱乐 - 文化 - 房产", "汽车 >> 车坛动态 >> 业界新闻 | 新闻排行榜"],
    "copyright": ["本文为CSDN原创文章，未经允许不得转载，如需转载请联系market#csdn.net(#换成@)",     # gne-testpages: csdn
                  "© 版权所有2000-2006，北京千龙新闻网络传播有限责任公司", "Copyright © 2024 香港商報 All rights reserved"],
    "table-navigation": ["| 首页 | | 滚动 | | 国内 | | 国际 | | 财经 |"],
    "video-player": ["时长：01:45 来源：央视新闻", "建议WIFI下打开", "1.75X", "0.5X 1.0X 1.25X 1.5X 2.0X", "播放失败"],
    "platform-disclaimer": [
        "特别声明：以上内容(包括在内的任何图片或视频)为自媒体平台“网易号”用户上传并发布，本平台仅提供信息存储服务。",
        "Notice: The content above (including the pictures and videos if any) is uploaded and posted by a user of "
        "NetEase Hao, which is a social media platform and only provides information storage services.",
        "雅虎中国的所有内容均由其内容合作方根据协议提供。",
        "声明：证券时报力求信息真实、准确，文章提及内容仅供参考，不构成实质性投资建议，据此操作风险自担",
        # gne-testpages: thepaper (澎湃号), guancha, huanqiu, 163; cleaneval-zh 51
        "特别声明",
        "本文为澎湃号作者或机构在澎湃新闻上传并发布，仅代表该作者或机构观点，不代表澎湃新闻的观点或立场，澎湃新闻仅提供信息发布平台。",
        "本文仅代表作者个人观点。", "图片均来自网络", "图片来自网络，如有侵权，请联系删除。",
        "振兴东北网版权与免责声明： ① 凡本网注明“来源：振兴东北网”的所有作品，版权均属于国务院振兴东北地区等老工业基地领导小组办公室。"],
    "follow-promo": ["更多猛料！欢迎扫描左方二维码关注新浪新闻官方微信（xinlang-xinwen）", "看都看完了，点【在看】试试",
                     "(本文来自澎湃新闻，更多原创资讯请下载“澎湃新闻”APP)", "作者最近文章", "已输入0字",
                     "1、回复【公租房】查看最新消息", "回复【垃圾分类】查看投放指南",
                     "■明報報料熱線﹕inews@mingpao.com/ 9181 4676",     # realdata/epaper, 明報
                     "iOS載點 https://bit.ly/ltn_appstore", ">>加入蘋果日報粉絲團94即時94狂！"],     # twnews: 自由時報, 蘋果日報
    # twnews: 蘋果日報, 中時電子報, ETtoday under suicide stories
    "hotline-notice": ["★中時電子報關心您：再給自己一次機會", "自殺防治諮詢安心專線：0800-788995（24小時）", "生命線協談專線：1995",
                       "張老師專線：1980", "自殺諮詢專線：0800-788995（24小時）", "●《ETNEWS新聞雲》提醒您，請給自己機會：", "生命線：1995"],     # gne-testpages: a 澎湃号's keyword menu
    "calendar": ["4 5 6 7 8 9 10", "25 26 27 28 29 30 31"],
    "keywords-line": ["关键词 >> 新型冠状病毒,新冠病毒,味觉嗅觉丧失,预测指标,澎湃", "標籤：颱風 山竹"],     # gne-testpages: thepaper
    "image-viewer": ["放大圖片 / 顯示原圖", "点击图片查看原图", "（点击看清晰大图）"],     # the last: gne-testpages 163
    "link-cloud": ["打开你的窗 男人的玩物 泳衣也可爱 第五代刘三姐造型抢先曝光 动物的“发情”时刻 著名高校假校花大揭底",
                   "·[幻灯]“窃看”美女别样景 人体摄影背后是什么？(新闻) ·[幻灯]爆笑：周星驰看球实录(体育) ·[组图]车展"],
    "forum-reply-chain": ["【回复 abcd_a 】:【回复 孙律师 】:【回复 old-pop 】:不孝子的一封求助信"],
}


@pytest.mark.parametrize("rule_name,line", [(name, line) for name, lines in DROP.items() for line in lines])
def test_rule_drops_its_genre_line(rule_name, line):
    kept, counts = apply_rules(KEEP[:2] + [line] + KEEP[2:4])
    assert line not in kept
    assert counts.get(rule_name) == 1, counts


def test_no_rule_touches_article_sentences():
    kept, counts = apply_rules(list(KEEP))
    assert kept == KEEP and counts == {}


def test_a_repeated_paragraph_goes_whole_or_as_a_cut_copy_and_its_full_copy_stays():
    full = "各位朋友：大家好，真不知道该从何说起，也不知该怎样说，才能表达我的感受，因为近四个月的时间里。"
    cut = "各位朋友：<BR>大家好，真不知道该从何说起，也不知该怎样说"
    kept, counts = apply_rules(KEEP[:2] + [cut, full, full] + KEEP[2:4])
    assert kept == KEEP[:2] + [full] + KEEP[2:4] and counts == {"repeated-paragraph": 2}


def test_a_run_of_headlines_ending_in_their_dates_is_a_related_list():
    items = ["第六届中国经济学年会胜利闭幕(2006-12-19)[836]", "第六届中国经济学年会专家访谈——姚洋教授采访录(2006-12-18)[793]",
             "李玲：发展的目的是让人们生活得更好(2006-12-16)[355]"]
    lone = "会议于12月11日在南开大学开幕（2004-12-11）"
    kept, counts = apply_rules(KEEP[:2] + items + KEEP[2:4] + [lone])
    assert kept == KEEP[:4] + [lone] and counts == {"related-links": 3}


def test_a_recommended_list_with_bulleted_details_is_a_related_list():
    items = ["海尔4名员工午休被开除 员工：只有30分钟午餐时间", "- 2019年09月06日", "- 09:38", "- APP专享", "- 243,325",
             "传iPhone 11成本下降了10% 但苹果没打算降价让利", "- 2019年09月08日", "- 14:10", "- APP专享", "- 新浪金融研究院",
             "- 76,760"]
    kept, counts = apply_rules(KEEP[:4] + items)
    assert kept == KEEP[:4] and counts == {"related-links": len(items)}


def test_a_diagram_or_numbered_list_is_no_link_cloud():
    lines = ["1.尽心尽意尽力爱神 2.爱人如己 3.律法的教训 4.成为圣洁 5.常常喜乐 6.不住祷告 7.凡事谢恩",
             "我的问题： 圣经的原理 环境的带领 肢体的劝告 行动的动机 心中的负担 自己的能力 行动的后果"]
    kept, counts = apply_rules(KEEP[:2] + lines)
    assert kept == KEEP[:2] + lines and counts == {}


def test_a_data_table_keeps_its_rows_and_a_menu_table_does_not():
    discography = ["| 1st | 首张正规专辑《Renaissance》 | 2001年12月6日 |", "| 2nd | 第二张正规专辑《Evolution》 | 2004年6月19日 |",
                   "| 3rd | 第三张正规专辑《This Is Me》 | 2005年7月1日 |", "| 4th | 第四张正规专辑《第四封信》 | 2006年4月13日 |"]
    menu = ["| 首页 | 滚动 | 国内 | 国际 |", "| 财经 | 体育 | 娱乐 | 汽车 |", "| 房产 | 科技 | 教育 | 健康 |"]
    kept, counts = apply_rules(KEEP[:2] + discography + menu)
    assert kept == KEEP[:2] + [row.strip("| ").replace(" | ", " ") for row in discography]
    assert counts == {"table-navigation": 3}     # the menu rows; the data rows stay, without their bars


def test_trailing_credits_are_cut_and_the_sentence_kept():
    line = "...高峰”,为加快建设具有全国影响力的教育强市谱写开放新篇章。(资讯)文/邓琢琳编辑:李宏伟责编:吴磊 审核:赵蕾"
    kept, counts = apply_rules(KEEP[:3] + [line])
    assert kept[-1].endswith("谱写开放新篇章。(资讯)文/邓琢琳") and counts["editor-credits-trailing"] == 1


@pytest.mark.parametrize("line,kept,rule", [
    ("习近平出席会议并讲话。(本文来源：人民网)", "习近平出席会议并讲话。", "source-span"),
    ("他说：“我们会继续努力。”我要评论", "他说：“我们会继续努力。”", "prompt-span"),
    ("活动时间为5月20日至22日，地点在会展中心。查看更多", "活动时间为5月20日至22日，地点在会展中心。", "prompt-span"),
    ("刀哥想说，自信一点，理性一点，可以吗。本文仅代表作者个人观点。", "刀哥想说，自信一点，理性一点，可以吗。", "disclaimer-span"),
])
def test_a_span_rule_cuts_only_its_span_and_keeps_the_sentence(line, kept, rule):
    lines, counts = apply_rules(KEEP[:2] + [line])
    assert lines == KEEP[:2] + [kept] and counts == {rule: 1}


def test_seed_004_footer_and_related_links_go_and_the_story_stays():
    lines = [line.strip() for line in (SEEDS / "004_23808ed94ab39eb3.txt").read_text("utf-8").splitlines() if line.strip()]
    kept, counts = apply_rules(lines)
    text = "\n".join(kept)
    for gone in ("资讯信息快照", "快照生成时间", "信息原文地址", "更多关于国内的资讯", "2024-11-03 11:01:00", "共叙山海手足情",
                 "扫码阅读手机版", "本文转自"):
        assert gone not in text
    assert kept[-1].startswith("“随着未来合作进一步加深")        # the story's last paragraph survives the list below it
    assert counts["related-links"] >= 20 and counts["snapshot-footer"] == 4


def test_seed_002_epaper_debris_goes_and_paragraphs_stay():
    lines = [line.strip() for line in (SEEDS / "002_b0efb80cf71aa1ab.txt").read_text("utf-8").splitlines() if line.strip()]
    kept, counts = apply_rules(lines)
    assert counts == {"epaper-debris": 6}
    assert "湘江澎湃,潮湧香江。" in kept and "日日" not in kept


@pytest.mark.parametrize("seed", ["000_4834dbcc47b7c92d.txt", "001_b2decae2bf799c5f.txt", "003_aa87f2fadd5da3ec.txt"])
def test_clean_seeds_lose_only_captions(seed):
    lines = [line.strip() for line in (SEEDS / seed).read_text("utf-8").splitlines() if line.strip()]
    kept, counts = apply_rules(lines)
    assert set(counts) <= {"photo-caption"}
    assert len(kept) >= len(lines) - 2


def test_every_rule_is_named_and_says_what_it_removes():
    for rule in rules():
        assert rule.name and rule.removes
    assert len(RULES) == len(rules())
