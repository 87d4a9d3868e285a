"""Rebuild the demo site's text data from the shared seeds and THUCNews sample (run once, by hand).

    python crawler/demosite/data/prepare.py ../shared

Writes ``seeds.json`` (the five seed documents cut into stories with their headings, captions and
bylines, print line-breaks mended) and ``thucnews.jsonl.gz`` (400 short THUCNews texts with a title
split off). The output is committed; the demo site never reads ``../shared`` at run time.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# Seed stories as (line number, kind) specs over the seed file; kind: p paragraph, h subheading,
# cap caption, by byline, + paragraph continuing the previous one (a sentence broken by the print layout).
SEED_STORIES = [
    dict(id="seed000a", file="000_4834dbcc47b7c92d.txt", home="hk", date="2025-11-04", title=3, deck=5,
         lines="17p 19p 21h 23p 25p 27p 29cap 33+ 35h 37p 39p 41+ 43p"),
    dict(id="seed000b", file="000_4834dbcc47b7c92d.txt", home="hk", date="2025-11-04", title=7,
         lines="9p 11p 13p 15p"),
    dict(id="seed000c", file="000_4834dbcc47b7c92d.txt", home="hk", date="2025-11-04", title=45,
         lines="47p 49p 51p 53+ 55p 57p 59p 63split", byline="齊薇然",
         split=("位於青島西海岸新區的北方微短劇影視基地。", "齊薇然")),
    dict(id="seed000d", file="000_4834dbcc47b7c92d.txt", home="hk", date="2025-11-05", title=65, kicker=67,
         lines="69p 71p 73by 75p 77h 79p 81p 83p 87cap 89+ 91p 93h 95p 97p 99p 101p 103p 105p 107h 109p "
               "111p 113p 115p 117p 121cap"),
    dict(id="seed002", file="002_b0efb80cf71aa1ab.txt", home="hk", date="2025-05-17",
         title_text="湘江澎湃 潮湧香江——湖南「港洽周」打開灣區合作新空間", byline="化定興 周軍",
         lines="3p 5p 7p 9h 11p 13p 15p 17p 19cap 23cap 35p 37p 39p 41p 43h 45cap 47cap 49h 51p 53p 55p "
               "57p 59p 61p 63p 65+ 67p 69p 73cap 77cap 79p 81p 83+ 85p 87p 89p 91p 93p 95+ 97p 99p 101p"),
    dict(id="seed003", file="003_aa87f2fadd5da3ec.txt", home="hk", date="2024-03-02",
         title_text="「廣聚群鏈 灣區啟航」穗港產業鏈供需對接深度行在港舉辦",
         lines="2p 3p 4p 5p 6h 7p 8p 9p 10h 11p 12p 13h 14p 15p"),
    dict(id="seed001", file="001_b2decae2bf799c5f.txt", home="morning", date="2025-05-23", title=5,
         byline="新重庆-重庆晨报记者 杨圣泉",
         lines="7p 9p 11p 13p 15p 17p 21cap 23h 25p 27p 29p 31p 33p 35p 37p 39+ 41p 43p 45h 47p 49p 51p 53p "
               "55p 57p 59h 61p 63+ 65p 67p 69p 71p 73p 75p 77p 79p 83h 85p 87p 89p 91p 93p 95p"),
    dict(id="seed004", file="004_23808ed94ab39eb3.txt", home="wire", date="2024-05-25", title=4,
         dateline="新华社重庆5月25日电", byline="新华社记者李晓婷、周思宇、赵佳乐",
         lines="14p 16p 18p 20p 22p 24p 26p 28p 30p 32p 34p 36p 38p 40p 42p 44p"),
]

# Seed 004's own related-links list, kept as the aggregator's pool of "related" entries.
RELATED_FIRST_LINE, RELATED_END = "信息原文地址", "更多关于"


def _clean(line: str) -> str:
    return line.strip().lstrip("#").strip()


def seed_story(spec: dict, seeds: Path) -> dict:
    lines = (seeds / spec["file"]).read_text(encoding="utf-8").split("\n")
    blocks: list[list[str]] = []
    byline = spec.get("byline")
    for item in spec["lines"].split():
        number, kind = int(re.match(r"\d+", item).group()), re.sub(r"^\d+", "", item)
        text = _clean(lines[number - 1])
        if kind == "split":
            caption, tail = spec["split"]
            text = text[len(caption):]
            blocks[-1][1] += text[: -len(tail)] if text.endswith(tail) else text
            blocks.append(["cap", caption])
        elif kind == "+":
            last_p = next(b for b in reversed(blocks) if b[0] in ("p", "h"))
            last_p[1] += text
        elif kind == "by":
            byline = text
        else:
            blocks.append([kind, text])
    title = spec.get("title_text") or _clean(lines[spec["title"] - 1])
    story = {"id": spec["id"], "source": f"seeds/{spec['file']}", "home": spec["home"], "date": spec["date"],
             "title": title, "blocks": blocks, "byline": byline}
    for key in ("deck", "kicker"):
        if key in spec:
            story[key] = _clean(lines[spec[key] - 1])
    if "dateline" in spec:
        story["dateline"] = spec["dateline"]
    return story


def related_links(seeds: Path) -> list[dict]:
    """The related-links lines of seed 004: title (may be empty), snippet, date."""
    lines = [line.strip() for line in (seeds / "004_23808ed94ab39eb3.txt").read_text(encoding="utf-8").split("\n")]
    body = lines[lines.index(next(l for l in lines if l.startswith(RELATED_FIRST_LINE))) + 1:]
    body = [l for l in body if l and not l.startswith(RELATED_END)]
    entries, pending = [], []
    for line in body:
        if re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", line):
            title, snippet = (pending + ["", ""])[:2] if len(pending) == 2 else ("", pending[0])
            entries.append({"title": title.replace(" 扫码阅读手机版", ""), "snippet": snippet, "date": line})
            pending = []
        else:
            pending.append(line)
    return entries


# THUCNews: "<label>\t<title glued to body>". The body usually opens with a source or dateline.
BODY_START = re.compile(r"新浪|中新网|本报讯|本报记者|每经|导语：|中广网|全景网|新华网|人民网|⊙|□|腾讯|搜狐|网易|"
                        r"北京时间|(?<![根依数证占])据|日前|近日|记者|\d{1,2}月\d{1,2}日|\d{4}年")
NEAR_DUP_LINES = {14}  # line 14 repeats its own body; the helper's candidate pairs are added below
PER_LABEL, MAX_CHARS = 40, 1800


def split_title(text: str) -> tuple[str, str] | None:
    match = BODY_START.search(text, 6, 40)
    if not match:
        return None
    title, body = text[: match.start()].strip(), text[match.start():].strip()
    if not 8 <= len(title) <= 32 or re.search(r"[。！？，]", title):
        return None
    return title, body


def truncate(body: str) -> str:
    if len(body) <= MAX_CHARS:
        return body
    cut = max(body.rfind(mark, 0, MAX_CHARS) for mark in "。！？")
    return body[: cut + 1] if cut > 400 else body[:MAX_CHARS]


def thucnews(sample: Path) -> list[dict]:
    skip = set(NEAR_DUP_LINES)
    for row in (sample / "HELPER_near_dup_candidates.tsv").read_text(encoding="utf-8").splitlines():
        cols = row.split("\t")
        if cols[0][:1].isdigit():
            skip.update({int(cols[2]), int(cols[4])})
    taken: dict[str, int] = {}
    out = []
    lines = (sample / "data/cnews/cnews.val.txt").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, 1):
        label, _, text = line.partition("\t")
        parts = split_title(text) if number not in skip else None
        if not parts or len(parts[1]) < 400 or taken.get(label, 0) >= PER_LABEL:
            continue
        taken[label] = taken.get(label, 0) + 1
        out.append({"line": number, "label": label, "title": parts[0], "body": truncate(parts[1])})
    return out


def main(shared: Path) -> None:
    seeds = shared / "seeds"
    data = {"stories": [seed_story(spec, seeds) for spec in SEED_STORIES], "related": related_links(seeds)}
    (HERE / "seeds.json").write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    rows = thucnews(shared / "realdata/thucnews-sample")
    with gzip.GzipFile(HERE / "thucnews.jsonl.gz", "wb", mtime=0) as out:
        out.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8"))
    print(f"{len(data['stories'])} seed stories, {len(data['related'])} related links, {len(rows)} THUCNews texts")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared"))
