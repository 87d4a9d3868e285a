"""Genre rules: what trafilatura leaves in Chinese news pages, removed line by line.

Each rule is small and named, says what it removes, and is counted: ``apply_rules`` returns the
kept lines and ``{rule name: lines removed}`` for the document's ``extra``. The rules see one
paragraph per line (trafilatura's text output), never HTML.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import Protocol

_DATE_ONLY = re.compile(r"^\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*$")
_SENTENCE_END = re.compile(r"[。！？!?；;…”」』]\s*$")
_CJK_OR_WORD = re.compile(r"[\w\u3400-\u9fff]")
_HAN = re.compile(r"[\u3400-\u9fff]")
_CLAUSE = re.compile(r"[，,。！？；]")
_BULLET = re.compile(r"^\s*[-–•·]\s+")
_ITEM_META = re.compile(r"^\s*[-–•·]\s+[^。，！？]{1,12}$")     # a list item's short detail: time, tag, count
_INLINE_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}(?:\s+\d{1,2}:\d{2})?|\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}")


class Rule(Protocol):
    name: str
    removes: str

    def apply(self, lines: list[str]) -> list[str]: ...


@dataclass(frozen=True)
class LineRule:
    """Drops every line up to ``max_chars`` long that matches ``pattern``."""

    name: str
    removes: str
    pattern: re.Pattern
    max_chars: int = 80

    def drops(self, line: str) -> bool:
        return len(line) <= self.max_chars and self.pattern.search(line) is not None

    def apply(self, lines: list[str]) -> list[str]:
        return [line for line in lines if not self.drops(line)]


@dataclass(frozen=True)
class TrailingCreditRule:
    """Cuts editor/reviewer credits glued to the end of a paragraph ("…供图编辑:李宏伟责编:吴磊")."""

    name: str = "editor-credits-trailing"
    removes: str = "editor/reviewer credits run into the last sentence of a paragraph"
    pattern: re.Pattern = re.compile(
        r"(?:[（(]?(?:责任编辑|責任編輯|编辑|編輯|责编|責編|审核|審核|一审|二审|三审|终审|校对|校對)\s*[:：/／]\s*"
        r"[\u3400-\u9fff·]{2,4}\s*[)）]?\s*){1,6}$")

    def apply(self, lines: list[str]) -> list[str]:
        kept = []
        for line in lines:
            match = self.pattern.search(line)
            if match and match.start() > 0:
                line = line[: match.start()].rstrip()
            kept.append(line)
        return kept


@dataclass(frozen=True)
class SpanRule:
    """Cuts only the span ``pattern`` matches (a source note or a prompt glued to a sentence) and keeps
    the rest of the paragraph. A line that is nothing but the span is left to the line rules."""

    name: str
    removes: str
    pattern: re.Pattern

    def apply(self, lines: list[str]) -> list[str]:
        kept = []
        for line in lines:
            cut = self.pattern.sub("", line).strip() if self.pattern.search(line) else line
            kept.append(cut if _CJK_OR_WORD.search(cut) else line)
        return kept


@dataclass(frozen=True)
class RelatedLinksRule:
    """Drops runs of headline + snippet + date items (aggregator "related news" lists).

    A run is anchored on date-only lines: two or more of them, each within ``max_gap`` lines of
    the previous; the run starts at most ``max_gap`` lines before the first date and ends at the
    last date, plus a trailing "更多关于…的资讯" line. A heading like "相关新闻" just before goes too.
    """

    name: str = "related-links"
    removes: str = "related-links lists: short headlines each followed by a date or ending in one, '更多关于…的资讯'"
    max_gap: int = 3
    # A headline ending in its date (and view count): "第六届中国经济学年会胜利闭幕(2006-12-19)[836]".
    dated_item: re.Pattern = re.compile(r"[（(\[【]\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2})?\s*[)）\]】]"
                                        r"\s*(?:\[\d+\]|[（(]\d+[)）])?\s*$")
    more_about: re.Pattern = re.compile(r"^(更多关于|更多關於).{0,20}(资讯|資訊|新闻|新聞)[:：]?$|^(相关|相關|热门|熱門|推荐|推薦|延伸)(新闻|新聞|阅读|閱讀|文章|推荐|推薦|报道|報導|链接|連結)[:：]?$")

    def apply(self, lines: list[str]) -> list[str]:
        dates = [i for i, line in enumerate(lines) if _DATE_ONLY.match(_BULLET.sub("", line))]
        meta = [bool(_ITEM_META.match(line)) for line in lines]
        drop: set[int] = set()
        run: list[int] = []
        for index in dates + [None]:
            # An item's bulleted details ("- 09:38", "- APP专享", "- 243,325") do not count as lines between dates.
            if run and (index is None or sum(not m for m in meta[run[-1] + 1: index]) > self.max_gap):
                if len(run) >= 2:
                    end = run[-1] + 1
                    while end < len(lines) and meta[end]:
                        end += 1
                    drop.update(range(self._item_start(lines, run[0]), end))
                run = []
            if index is not None:
                run.append(index)
        drop.update(i for i, line in enumerate(lines) if self.more_about.match(line) or self._inline_list(line))
        dated = [i for i, line in enumerate(lines) if len(line) <= 80 and self.dated_item.search(line)]
        drop.update(i for i in dated if i - 1 in dated or i + 1 in dated)
        return [line for i, line in enumerate(lines) if i not in drop]

    @staticmethod
    def _inline_list(line: str) -> bool:
        """Several dated headlines run into one line ("·标题（2005-04-03 17:19） ·标题（…）")."""
        if len(line) < 20 or not any(char.isdigit() for char in line[:60]):
            return False
        stamps = len(_INLINE_DATE.findall(line))
        return stamps >= 2 and len(line) / stamps < 60

    def _item_start(self, lines: list[str], first_date: int) -> int:
        """First line of the item ending at ``first_date``: headlines and cut snippets, no finished sentence."""
        start = first_date
        while start > 0 and first_date - start < self.max_gap:
            line = lines[start - 1]
            if len(line) > 120 or _SENTENCE_END.search(line):
                break
            start -= 1
        return start


@dataclass(frozen=True)
class OrphanFragmentRule:
    """Drops e-paper OCR debris: 1–3 character lines, and short heading fragments that OCR broke
    across columns (a bar between two Han characters, a 「 never closed: "挺立在「智 | 造蝶變的潮頭浪尖")."""

    name: str = "epaper-debris"
    removes: str = "orphan 1-3 character lines and broken heading fragments left by e-paper OCR"
    max_chars: int = 3
    max_fragment_chars: int = 30
    column_break: re.Pattern = re.compile(r"[\u3400-\u9fff「」]\s+\|\s+[\u3400-\u9fff「」]")

    def apply(self, lines: list[str]) -> list[str]:
        return [line for line in lines if not self._orphan(line) and not self._broken_heading(line)]

    def _orphan(self, line: str) -> bool:
        if len(line) > 4 * self.max_chars:
            return False
        letters = _CJK_OR_WORD.findall(line)
        return len(letters) <= self.max_chars and not _DATE_ONLY.match(line)

    def _broken_heading(self, line: str) -> bool:
        if len(line) > self.max_fragment_chars or _SENTENCE_END.search(line):
            return False
        unclosed = line.count("「") != line.count("」")
        return unclosed and self.column_break.search(line) is not None


@dataclass(frozen=True)
class TableRowRule:
    """Drops navigation and advert rows of layout tables; keeps prose rows without the cell bars.

    trafilatura writes table rows as "| cell | cell |". A row whose every cell is short, or that
    has three or more cells and no sentence, is a menu or an advert block.
    """

    name: str = "table-navigation"
    removes: str = "layout-table rows of short link cells (menus, adverts, 'today's picks')"
    max_cell_chars: int = 30
    min_data_rows: int = 4
    data_cell: re.Pattern = re.compile(r"\d|[《》、]")

    def apply(self, lines: list[str]) -> list[str]:
        cells = [self._cells(line) if line.startswith("|") else None for line in lines]
        data = self._data_rows(cells)
        kept = []
        for index, (line, row) in enumerate(zip(lines, cells)):
            if row is None:
                kept.append(line)
                continue
            prose = [cell for cell in row if _SENTENCE_END.search(cell) or re.search(r"[。！？]", cell)]
            long = not all(len(cell) <= self.max_cell_chars for cell in row)
            if row and (index in data or long and (prose or len(row) < 3)):
                kept.append(" ".join(row))
        return kept

    @staticmethod
    def _cells(line: str) -> list[str]:
        return [cell.strip() for cell in line.replace("\\|", "|").split("|") if cell.strip(" -·")]

    def _data_rows(self, rows: list[list[str] | None]) -> set[int]:
        """Rows of a data table (an infobox, a discography, a results table): a run of rows with the same
        number of cells, most of which hold a number, a title in 《》 or an enumeration; menus hold words."""
        found: set[int] = set()
        start = 0
        while start < len(rows):
            end = start
            while end < len(rows) and rows[end] and len(rows[end]) >= 2 and len(rows[end]) == len(rows[start] or ()):
                end += 1
            run = range(start, end)
            if len(run) >= self.min_data_rows and sum(
                    any(self.data_cell.search(cell) for cell in rows[i][1:]) for i in run) >= 0.6 * len(run):
                found.update(run)
            start = max(end, start + 1)
        return found


@dataclass(frozen=True)
class MenuLineRule:
    """Drops menus and breadcrumbs: a line of short items joined by -, |, >, », ·, /."""

    name: str = "navigation"
    removes: str = "menu and breadcrumb lines (首页 - 新闻 - 体育, 汽车 >> 业界新闻)"
    separators: re.Pattern = re.compile(r"\s*(?:[|>»·/\\]+|\s[-–—]+\s)\s*")
    max_item_chars: int = 8

    def apply(self, lines: list[str]) -> list[str]:
        return [line for line in lines if not self._menu(line)]

    def _menu(self, line: str) -> bool:
        if len(line) > 200 or len(self.separators.findall(line)) < 3:
            return False
        items = [item for item in self.separators.split(line) if item.strip()]
        return len(items) >= 4 and all(len(item) <= self.max_item_chars for item in items)


@dataclass(frozen=True)
class RepeatedParagraphRule:
    """Drops a paragraph printed again on the page: the same text, or a cut copy of a longer one (its
    start, a sentence or more: a teaser of the first paragraph, a forum post quoted with its markup shown)."""

    name: str = "repeated-paragraph"
    removes: str = "paragraphs repeated on the page, whole or as a cut copy of a longer paragraph"
    min_chars: int = 15           # Han characters: a repeated blank or rule line is no paragraph
    markup: re.Pattern = re.compile(r"<[A-Za-z/][^<>]{0,40}>|[\s\u3000]+")

    def apply(self, lines: list[str]) -> list[str]:
        # A cut copy ends where it was cut: an ellipsis, or "?" for a character cut in half.
        flat = [self.markup.sub("", line).rstrip(".…?") for line in lines]
        first: dict[str, int] = {}
        for i, text in enumerate(flat):
            first.setdefault(text, i)
        ordered = sorted(first)   # the longer lines a text begins follow it here
        kept = []
        for i, (line, text) in enumerate(zip(lines, flat)):
            # A cut copy is a sentence or more cut short: a headline that a paragraph repeats is no copy.
            repeated = len(_HAN.findall(text)) >= self.min_chars and (
                first[text] < i or _CLAUSE.search(text) is not None and _begins_longer(ordered, text))
            if not repeated:
                kept.append(line)
        return kept


def _begins_longer(ordered: list[str], text: str) -> bool:
    """Does ``text`` begin a longer line of ``ordered`` (sorted, distinct)?"""
    for other in ordered[bisect_left(ordered, text):]:
        if not other.startswith(text):
            return False
        if len(other) > len(text):
            return True
    return False


@dataclass(frozen=True)
class LinkCloudRule:
    """Drops lines of link text run together: many short phrases separated by spaces or bullets
    and not one comma or full stop ("打开你的窗 男人的玩物 泳衣也可爱 …", "·[幻灯]… ·[幻灯]…")."""

    name: str = "link-cloud"
    removes: str = "runs of link texts without punctuation (hot-topic clouds, bulleted teaser rows, search tags)"
    min_items: int = 6
    max_item_chars: int = 14
    bullets: re.Pattern = re.compile(r"(?:^|\s)[·•▪►]\s*\S")
    prose: re.Pattern = re.compile(r"[，,。；;]")
    link_text: re.Pattern = re.compile(r"^(?!\d)[\w\u3400-\u9fff“”《》「」\[\]()（）!！]+$")
    full_stop: re.Pattern = re.compile(r"\w[.!?](?:\s|$)")
    lowercase_word: re.Pattern = re.compile(r"^[\"'“‘(]?[a-z][a-z'’-]*[.,;:!?\"'”’)]*$")

    def apply(self, lines: list[str]) -> list[str]:
        return [line for line in lines if not self._cloud(line)]

    def _cloud(self, line: str) -> bool:
        if self._spaced_prose(line):
            return False
        if len(line) < 30 or self.prose.search(line):
            return len(self.bullets.findall(line)) >= 3 and not re.search(r"[。；]", line)
        if len(self.bullets.findall(line)) >= 3:
            return True
        items = line.split()
        # Link texts are words: a diagram, a numbered list or a form ("1.爱人如己", "否 是 →", "问题：") is not.
        links = sum(len(item) <= self.max_item_chars and self.link_text.match(item) is not None for item in items)
        return len(items) >= self.min_items and links >= 0.9 * len(items)

    def _spaced_prose(self, line: str) -> bool:
        """Sentences of a language that writes spaces between words: many lowercase words ("the", "said",
        "of"), which link texts and menus ("Home News Sport") hardly have, or two full stops (Korean)."""
        words = line.split()
        return len(words) >= self.min_items and (
            sum(self.lowercase_word.match(w) is not None for w in words) >= 0.4 * len(words)
            or len(self.full_stop.findall(line)) >= 2)


_RULES: tuple[Rule, ...] = (
    TableRowRule(),
    MenuLineRule(),
    SpanRule(
        "source-span", "a source or reprint note glued to a paragraph ((本文来源：人民网), 【来源：新华社】)",
        re.compile(r"[（(【\[]\s*(?:本文)?(?:来源|來源|转自|轉自|稿源|出处|出處)\s*[:：][^（()）【】\[\]]{1,30}[)）】\]]")),
    SpanRule(
        "prompt-span", "comment, share and read-more prompts glued to a sentence (我要评论, 查看更多, 点击查看全文)",
        re.compile(r"\s*(?:我要评论|我要評論|查看更多(?:评论|評論|内容|內容|精彩)?|展开全文|展開全文|点击查看全文|點擊查看全文|"
                   r"阅读全文|閱讀全文|查看原文|点击加载更多|點擊加載更多|加载更多|加載更多|显示更多|顯示更多)\s*[>›»]*\s*$")),
    SpanRule(
        "disclaimer-span", "an author's-view disclaimer glued to a paragraph's last sentence (本文仅代表作者个人观点)",
        re.compile(r"(?:本文|本文章|以上内容|文章)(?:观点|觀點)?(?:仅|僅)代表(?:该|該)?作者[^。！？]{0,12}(?:观点|觀點|立场|立場|看法)"
                   r"[^。！？]{0,30}[。.]?\s*$")),
    LineRule(
        "copyright", "copyright notices (©, Copyright, 版权所有, 未经授权不得转载)",
        re.compile(r"©|Copyright|版权所有|版權所有|未经.{0,12}授权.{0,20}(转载|轉載)|未經.{0,12}授權"
                   r"|未经(?:允许|许可|同意).{0,6}不得(?:转载|使用)|未經(?:允許|許可|同意).{0,6}不得(?:轉載|使用)"), max_chars=200),
    LineRule(
        "snapshot-footer", "aggregator snapshot footers (以上内容为资讯信息快照, 快照生成时间, 信息原文地址)",
        re.compile(r"资讯信息快照|資訊信息快照|快照生成时间|快照生成時間|信息快照查询|信息快照查詢|信息原文地址"
                   r"|本站未对信息做任何修改|如有侵权请联系|如有侵權請聯繫"), max_chars=200),
    RelatedLinksRule(),
    LineRule(
        "reprint-line", "reprint/source lines (本文转自：新华网, 来源：…, 转载请注明出处)",
        re.compile(r"^[（(【\[]?\s*(本文|文章|新闻|新聞|信息|資訊|资讯|资料|資料)?(转自|轉自|转载自|轉載自|来源|來源|稿源|出处|出處)\s*[:：|｜]"
                   r"|(?:转载|轉載)(?:请|請|须|須|需)(?:注明|註明)|本文来源[:：]|本站转载|本站轉載|仅供读者参考|僅供讀者參考"), max_chars=80),
    LineRule(
        "metadata-line", "page metadata lines (类别:国内 发布时间:… 来源:…, 字号, 浏览次数)",
        re.compile(r"(发布时间|發佈時間|發布時間|发布日期|發佈日期|更新时间|更新時間|时间|時間|日期)\s*[:：]\s*\d"
                   r"|^\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?\s*\d{1,2}:\d{2}(?::\d{2})?\s*(?:来源|來源|作者|编辑|編輯)"
                   r"|最后更新\s*[:：]|最後更新\s*[:：]|最新更新\s*[:：]|^(?:您|你)?(?:所在|当前|當前)的?位置\s*[:：]|字号\s*[:：]|字體\s*[:：]|浏览次数|瀏覽次數|阅读量|閱讀量|点击数|點擊數|【(大|中|小)】"), max_chars=100),
    LineRule(
        "editor-credits", "editor and reviewer credits (编辑：… 责编：…, 一审/二审/三审, 審核, 校对)",
        re.compile(r"^[（(【\[]?\s*(责任编辑|責任編輯|编辑|編輯|责编|責編|审核|審核|一审|二审|三审|终审|校对|校對|"
                   r"监制|監製|统筹|統籌|策划|策劃|值班编辑|值班編輯)\s*[:：︰﹕]"
                   # art and photo credits, the line nothing but names: "美術：陳超雄", "攝影︰冼偉倫"
                   r"|^(?:美术|美術|摄影|攝影|美编|美編|设计|設計|制图|製圖)\s*[:：︰﹕]\s*[\u3400-\u9fff·、\s]{2,20}$"
                   # credits without a colon, the whole line nothing but roles and names: "编辑 刘晓阳 校对 李铭", "摄影/张艳 编辑/苏芳"
                   r"|^(?:(?:责任编辑|責任編輯|编辑|編輯|责编|責編|审核|審核|校对|校對|美编|美編|摄影|攝影|制图|製圖)"
                   r"(?:\s*[/／|｜]\s*|\s+)[\u3400-\u9fff·]{2,4}\s*)+$"), max_chars=80),
    TrailingCreditRule(),
    LineRule(
        "photo-caption", "photo captions (…供圖, …摄/攝, 圖為…, 资料图片)",
        re.compile(r"(供圖|供图|摄|攝|攝影|摄影|圖片來源\S*|图片来源\S*|資料圖片?|资料图片?|(?:视频|視頻|网络|網絡|网页|網頁)(?:截图|截圖))[)）】]?\s*$"
                   r"|^[（(【\[]?\s*(圖為|图为|圖：|图：|圖/|图/|▲|△)|[（(][^（）()]{1,15}提供[)）]\s*$"), max_chars=60),
    LineRule(
        "comment-share-prompt", "comment and share prompts (网友评论, 文明上网, 分享到, 扫码阅读手机版)",
        re.compile(r"^跟贴热词|^跟帖热词|^快?(?:点击|點擊)(?:这里|這裡)|^相关(?:资讯|新闻|阅读)请关注|^相關(?:資訊|新聞|閱讀)請關注|网友评论|網友評論|文明上网|文明上網|发表评论|發表評論|我要评论|我要評論|已有\d+人参与|"
                   r"^分享到|^分享至|分享到\s*[:：]|分享至\s*[:：]|分享让更多人看到|我来说两句|我來說兩句|页面功能|頁面功能|扫码阅读手机版|掃碼閱讀手機版|扫一扫|掃一掃|扫描二维码|掃描二維碼|打开APP|打開APP|"
                   r"下载客户端|下載客戶端|点击进入|點擊進入|登录后|登錄後|举报|舉報|关注我们|關注我們|返回顶部|返回頂部|"
                   r"上一篇|下一篇|打印本页|打印本頁|关闭窗口|關閉窗口|收藏本文|複製連結|复制链接|字級設定|字级设置|字體大小|字体大小"), max_chars=40),
    LineRule(
        "video-player", "video-player chrome (时长：01:45 来源：…, 建议WIFI下打开, 1.75X, 播放失败, 重新播放)",
        re.compile(r"^(?:时长|時長)\s*[:：]?\s*\d{1,2}:\d{2}|建议(?:在)?\s*WIFI|建議(?:在)?\s*WIFI|WIFI下(?:打开|打開|观看|觀看|播放)|"
                   r"^\s*(?:[0-2](?:\.\d{1,2})?[Xx×]\s*)+$|播放失败|播放失敗|重新播放|视频加载|視頻加載|正在加载|正在加載|"
                   r"^\s*\d{1,2}:\d{2}\s*/\s*\d{1,2}:\d{2}\s*$|您的浏览器不支持|您的瀏覽器不支援|倍速|清晰度|全屏播放", re.I),
        max_chars=80),
    LineRule(
        "follow-promo", "follow-us and app promotions (扫描二维码关注…公众号, 下载…APP, 点【在看】, 更多猛料, 作者最近文章)",
        re.compile(r"二维码|二維碼|公众号|公眾號|扫码关注|掃碼關注|下载.{0,12}APP|下載.{0,12}APP|【在看】|更多猛料|粉丝福利|"
                   r"粉絲福利|(?:報料|报料)(?:熱線|热线)|^(?:iOS|Android)\s*(?:載點|载点|下載|下载)|加入.{0,12}(?:粉絲團|粉丝团)|^\d{0,2}[、.．]?\s*(?:回复|回覆|回復)\s*【[^】]{1,12}】|解锁更多|解鎖更多|(?:小编|作者|小編)最近文章$|^我要跟帖$|^已输入\d+字|^评论\s*[(（]\d+[)）]$|"
                   r"登录超时|登錄超時|^免注册|^免註冊|请支持独立网站|請支持獨立網站|更多原创资讯请下载|更多原創資訊請下載|^微信公众号$", re.I),
        max_chars=120),
    LineRule(
        "keywords-line", "keyword and tag lines (关键词 >> …, 标签：…, Tags: …)",
        re.compile(r"^(?:关键词|關鍵詞|关键字|關鍵字|标签|標籤|Tags?|Keywords?)\s*[:：>»]", re.I), max_chars=120),
    LineRule(
        "calendar", "calendar widgets (rows of day numbers: 4 5 6 7 8 9 10)",
        re.compile(r"^\s*(?:\d{1,2}\s+){4,}\d{1,2}\s*$")),
    LineRule(
        "image-viewer", "photo-viewer chrome (放大圖片, 顯示原圖, 查看大图, 点击图片查看原图)",
        re.compile(r"^[（(【\[]?(?:[/|·\s]*(?:放大圖片|放大图片|顯示原圖|显示原图|查看原圖|查看原图|查看大圖|查看大图|"
                   r"點擊圖片查看原圖|点击图片查看原图|(?:點擊|点击)(?:看|查看)?(?:清晰)?(?:大圖|大图)))+[/|·\s]*[)）】\]]?$"),
        max_chars=40),
    LineRule(
        "platform-disclaimer", "platform disclaimers (特别声明：以上内容…仅代表作者本人观点, Notice: The content above…)",
        re.compile(r"^(?:特别声明|特別聲明|免责声明|免責聲明)\s*[:：]|以上内容[(（]?包括在内的任何图片或视频[)）]?|"
                   r"仅代表作者本人观点|僅代表作者本人觀點|不代表本(?:站|网|網|平台)(?:观点|觀點|立场|立場)|"
                   r"^Notice\s*:\s*The content above|only represents? the (?:views|opinion) of the author|"
                   r"is an information publishing platform|所有内容均由.{0,12}(?:内容合作方|合作媒体|合作媒體)|内容合作方负责|"
                   r"涉及计算机网络著作权纠纷|仅供参考，不构成.{0,8}投资建议|僅供參考，不構成.{0,8}投資建議|"
                   r"^(?:特别声明|特別聲明|免责声明|免責聲明|声明|聲明)$|"
                   # only the author's view, not the platform's (a speaker's "仅代表个人观点" in a quote stays)
                   r"(?:仅|僅)代表(?:该|該)?作者|^(?:本文|以上|文章)[^。]{0,20}(?:仅|僅)代表|"
                   r"不代表(?:本|该|該)?[^。，]{0,8}(?:平台|网|網|站|新闻|新聞|媒体|媒體|报|報|号|號)[^。，]{0,6}(?:观点|觀點|立场|立場)|"
                   r"^[^。，]{0,10}(?:免责声明|免責聲明)\s*[:：]|"
                   r"^(?:本文)?(?:图片|圖片|配图|配圖)(?:均)?(?:来自|來自|来源于|來源於|源自|取自)(?:网络|網絡|網路|网路|互联网|互聯網)|"
                   r"如有侵权[，,]?\s*请?(?:联系|聯繫|与|與)|如有侵權[，,]?\s*請?(?:聯繫|與)", re.I), max_chars=300),
    LineRule(
        "hotline-notice", "suicide-prevention hotline notices that Taiwan's media print under such stories (安心專線, 生命線, 張老師專線)",
        re.compile(r"(?:安心|生命線|生命线|張老師|张老师)(?:協談|协谈)?(?:專線|专线)|^(?:生命線|生命线)\s*[:：]\s*1995|"
                   r"(?:自殺|自杀)(?:防治)?(?:諮詢|咨询)|(?:再|請|请)給自己(?:一次)?機會|(?:再|请)给自己(?:一次)?机会|關心您\s*[:：]|关心您\s*[:：]"),
        max_chars=60),
    LineRule(
        "forum-reply-chain", "forum reply-chain headers (【回复 某某 】:【回复 某某 】:…)",
        re.compile(r"^(?:\s*【\s*(?:回复|回覆|回復)[^】]{0,30}】\s*[:：]?){2,}"), max_chars=5000),
    LinkCloudRule(),
    RepeatedParagraphRule(),
    OrphanFragmentRule(),
)


def rules() -> tuple[Rule, ...]:
    """The genre rules in the order they run."""
    return _RULES


def apply_rules(lines: list[str], skip: tuple[str, ...] = ()) -> tuple[list[str], dict[str, int]]:
    """Run every rule but those named in ``skip``; return the kept lines and the lines each rule removed (or edited)."""
    counts: dict[str, int] = {}
    for rule in _RULES:
        if rule.name in skip:
            continue
        before = lines
        lines = [line for line in rule.apply(lines) if line.strip()]
        changed = len(before) - len(lines) if len(lines) != len(before) else sum(a != b for a, b in zip(before, lines))
        if changed:
            counts[rule.name] = changed
    return lines, counts
