"""The four demo outlets: who they are, how they encode, and the page chrome a cleaner must strip."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Outlet:
    name: str          # path prefix and the name used in the ground truth
    title: str         # masthead
    codec: str         # Python codec the bytes are written with
    charset: str       # what the pages declare (where they declare anything)
    lang: str
    next_label: str    # the "next page" link text of its listings
    nav: tuple[str, ...]
    footer: str

    @property
    def home(self) -> str:
        return f"/{self.name}/"


OUTLETS = {
    "hk": Outlet(
        name="hk", title="香江日報", codec="big5hkscs", charset="big5", lang="zh-HK", next_label="下一頁",
        nav=("首頁", "香港", "大灣區", "中國", "國際", "財經", "體育", "副刊", "電子報"),
        footer="關於我們 | 聯絡我們 | 廣告查詢 | 私隱政策 | 免責聲明<br>版權所有 © 香江日報有限公司 不得轉載"),
    "morning": Outlet(
        name="morning", title="山城晨报", codec="gbk", charset="gbk", lang="zh-CN", next_label="下一页",
        nav=("首页", "重庆", "区县", "财经", "教育", "文体", "评论", "数字报"),
        footer="关于我们 | 广告服务 | 联系我们 | 版权声明 | 网站地图<br>山城晨报社版权所有 未经书面授权不得转载 "
               "渝ICP备05001234号 互联网新闻信息服务许可证50120170001"),
    "wire": Outlet(
        name="wire", title="神州通讯社", codec="utf-8", charset="utf-8", lang="zh-CN", next_label="下一页",
        nav=("首页", "时政", "国内", "国际", "财经", "体育", "图片", "视频", "英文"),
        footer="关于我们 | 供稿服务 | 联系我们 | 法律声明<br>Copyright © 2024 神州通讯社 版权所有 京ICP备10000001号"),
    "agg": Outlet(
        name="agg", title="快看资讯网", codec="utf-8", charset="utf-8", lang="zh-CN", next_label="下一页",
        nav=("我的订阅", "国内", "国际", "财经", "科技", "体育", "娱乐"),
        footer="本站信息快照仅供学习交流 | 联系我们 | 侵权投诉<br>© 快看资讯网"),
}

# Desk staff who sign the editor lines, by script.
EDITORS = {
    "zh-Hans": ["李宏伟", "吴磊", "赵蕾", "王琛", "周思远", "陈晓雯", "刘洋", "张敏"],
    "zh-Hant": ["陳家明", "黃詠詩", "林志豪", "何嘉欣", "梁振邦", "吳美玲"],
}
