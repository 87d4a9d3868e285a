"""Extraction quality and speed on real Chinese pages with human gold text, against bare trafilatura.

For every page with gold text in ../shared/realdata, both extractors run in the same process:
``trafilatura.extract(raw bytes)`` (the baseline, its own decoding) and our ``clean_html`` (decode
by evidence, trafilatura on text, genre rules). Scores are precision / recall / F1 of character
5-grams (whitespace removed, counted as a multiset) against the gold, averaged over pages; a page an
extractor returns nothing for scores 0. Speed is pages/s on one process for both, then ours on a
pool of worker processes. Titles are scored on every realdata set with human titles and on a held-out
set marked by hand (benchmarks/data/titles_heldout.tsv), where a title is right when it equals the gold
after whitespace and full-width punctuation normalisation (``_same_headline``).

Usage:
    python benchmarks/extraction.py [--workers 2] [--rounds 3] [--subset cleaneval-zh ...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import multiprocessing
import os
import re
import statistics
import sys
import time
import unicodedata
from collections import Counter
from pathlib import Path

import trafilatura

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
REALDATA = REPO.parent / "shared" / "realdata"

from cleaners.pipeline import clean_html  # noqa: E402


def _cleaneval_gold(path: Path) -> str:
    text = re.sub(r"^URL:.*$", "", path.read_text("utf-8", "replace"), flags=re.M)
    return re.sub(r"<[hpl]>", "\n", text)


def _html_text(path: Path) -> str:
    from lxml import html

    return html.fromstring(path.read_text("utf-8")).text_content()


def load_pages() -> dict[str, list[tuple[str, bytes, str]]]:
    """{subset: [(name, raw bytes, gold text)]} for every realdata page with full human gold."""
    subsets: dict[str, list[tuple[str, bytes, str]]] = {}
    cleaneval = REALDATA / "cleaneval-zh" / "eval" / "benchmark"
    subsets["cleaneval-zh"] = [
        (page.name, page.read_bytes(), _cleaneval_gold(cleaneval / "zh-cleaned" / "zh-cleaned" / f"{page.stem}-cleaned.txt"))
        for page in sorted((cleaneval / "zh-original" / "zh-original").glob("*.html"))]
    cwced = REALDATA / "chinese-web-content-extraction-dataset"
    subsets["chinese-web-content-extraction-dataset"] = [
        (page.name, page.read_bytes(), (cwced / "cleaned" / f"{page.stem}.txt").read_text("utf-8", "replace"))
        for page in sorted((cwced / "original").glob("*.htm*")) if (cwced / "cleaned" / f"{page.stem}.txt").exists()]
    n4k = REALDATA / "newspaper4k-zh" / "tests" / "data"
    subsets["newspaper4k-zh"] = [
        (page.name, page.read_bytes(), (n4k / "txt" / f"{page.stem}.txt").read_text("utf-8"))
        for page in sorted((n4k / "html").glob("*.html"))]
    readability = REALDATA / "readability-testpages-zh" / "test" / "test-pages"
    subsets["readability-testpages-zh"] = [
        (folder.name, (folder / "source.html").read_bytes(), _html_text(folder / "expected.html"))
        for folder in sorted(readability.iterdir()) if (folder / "expected.html").exists()]
    fundus = REALDATA / "fundus-zh" / "tests" / "resources" / "parser" / "test_data" / "cn"
    people = json.loads((fundus / "People.json").read_text("utf-8"))["V1"]["body"]
    paragraphs = people.get("summary", []) + [p for s in people["sections"] for p in s["headline"] + s["paragraphs"]]
    subsets["fundus-zh"] = [("People_2024_04_24", gzip.decompress((fundus / "People_2024_04_24.html.gz").read_bytes()),
                             "\n".join(paragraphs))]
    return subsets


def ngrams(text: str, n: int = 5) -> Counter:
    flat = "".join(text.split())
    return Counter(flat[i: i + n] for i in range(max(len(flat) - n + 1, 0)))


def score(predicted: str | None, gold: str) -> tuple[float, float, float]:
    if not predicted:
        return 0.0, 0.0, 0.0
    got, want = ngrams(predicted), ngrams(gold)
    overlap = sum((got & want).values())
    precision = overlap / max(sum(got.values()), 1)
    recall = overlap / max(sum(want.values()), 1)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def bare(raw: bytes) -> str | None:
    return trafilatura.extract(raw)


def ours(raw: bytes) -> str | None:
    cleaned = clean_html(raw, "http://bench.invalid/page.html")
    return cleaned.document["text"] if cleaned.document else None


def held_out_english() -> None:
    """F1 on pages no rule was written for: the English pages of the scrapinghub article-extraction
    benchmark (human articleBody gold; a page counts when its gold text reads as English). Our genre
    rules are Chinese, so this line shows their side effects on unseen layouts: it must not fall."""
    from cleaners.language import detect_language
    from cleaners.settings import CleanerSettings

    root = REALDATA / "scrapinghub-article-extraction-benchmark"
    settings = CleanerSettings(languages=("zh", "en"))
    pages = []
    for key, row in sorted(json.loads((root / "ground-truth.json").read_text("utf-8")).items()):
        if detect_language(row["articleBody"]).lang == "en":
            pages.append((key, gzip.decompress((root / "html" / f"{key}.html.gz").read_bytes()), row["articleBody"], row["url"]))
    outputs = {"bare": [bare(raw) for _, raw, _, _ in pages], "ours": []}
    for _, raw, _, url in pages:
        document = clean_html(raw, url, settings=settings).document
        outputs["ours"].append(document["text"] if document else None)
    print(f"held out: scrapinghub English pages ({len(pages)} pages, no rule tuned on them)")
    for name, texts in outputs.items():
        _report_quality(name, [(key, raw, gold) for key, raw, gold, _ in pages], texts)


def date_accuracy() -> None:
    """Publication day against the hand-labelled dates of the two CleanEval-era sets (pages without a
    labelled date, "UNKNOWN", are left out). Fetch time is unknown for these 2005 pages: no anchor."""
    labelled = []
    cleaneval = REALDATA / "cleaneval-zh" / "eval" / "benchmark" / "zh-original"
    for page in sorted((cleaneval / "zh-original").glob("*.html")):
        labelled.append(("cleaneval-zh", page, cleaneval / "zh-cleaned-date" / f"{page.stem}.txt"))
    cwced = REALDATA / "chinese-web-content-extraction-dataset"
    for page in sorted((cwced / "original").glob("*.htm*")):
        labelled.append(("chinese-web-content-extraction-dataset", page, cwced / "date" / f"{page.stem}.txt"))
    results: dict[str, Counter] = {}
    for subset, page, label in labelled:
        gold = label.read_text("utf-8").strip() if label.exists() else "UNKNOWN"
        if not re.match(r"\d{4}-\d{1,2}-\d{1,2}", gold):
            continue
        year, month, day = (int(part) for part in re.match(r"(\d{4})-(\d{1,2})-(\d{1,2})", gold).groups())
        document = clean_html(page.read_bytes(), "http://bench.invalid/page.html", fetched_at="2030-01-01T00:00:00+00:00").document
        found = (document or {}).get("published") or ""
        counts = results.setdefault(subset, Counter())
        counts["pages"] += 1
        counts["same day"] += found[:10] == f"{year:04d}-{month:02d}-{day:02d}"
        counts["no date"] += not found
    for subset, counts in results.items():
        print(f"  dates {subset}: {counts['same day']}/{counts['pages']} on the labelled day, "
              f"{counts['no date']} without a date")


def story_split() -> None:
    """Stories found on the demo site's e-paper pages against its ground truth (in memory, no server),
    and how many pages were split exactly (the same story documents as the ground truth)."""
    from crawler.demosite.site import build_site

    site = build_site(1, "http://demo.invalid")
    truth = [row for row in site.ground_truth if row["kind"] == "epaper"]
    found = exact = 0
    pages = sorted({row["url"] for row in truth})
    for url in pages:
        page = site.pages[url.removeprefix(site.base)]
        documents = clean_html(page.body, url, "hk", header_charset="big5").documents
        want = {row["document_url"] for row in truth if row["url"] == url}
        got = {document["url"] for document in documents}
        found += len(got & want)
        exact += got == want
    print(f"story split (demo e-paper pages): {found}/{len(truth)} stories found, "
          f"{exact}/{len(pages)} pages with exact story boundaries")


# Story counts and first headlines of real HK section lists, as the dataset's own parser tests assert them.
SECTION_LISTS = {"hk_singtao_daily_2018-08-02_index.html": (13, "美擬加碼徵25%關稅 中方：必然反制"),
                 "hk_skypost_2019-04-24_index.html": (22, "垃圾徵費欠細節 各界憂執行混亂")}


def section_lists() -> None:
    """Stories read off the real Hong Kong print-edition section lists in ../shared/realdata/epaper."""
    from cleaners.epaper import parse_section_list
    from cleaners.pipeline import parse_html

    epaper = REALDATA / "epaper"
    rows = [json.loads(line) for line in (epaper / "INDEX.jsonl").read_text("utf-8").splitlines()]
    found = expected = first = linked = links = 0
    for row in rows:
        if row["cms"] != "hk-daily-web" or row["page_type"] != "index":
            continue
        layout = parse_section_list(parse_html((epaper / row["file"]).read_text("utf-8-sig")),
                                    row["url"] or "https://bench.invalid/list.html")
        stories = layout.stories if layout else []
        if row["file"] in SECTION_LISTS:
            count, headline = SECTION_LISTS[row["file"]]
            found += max(count - abs(len(stories) - count), 0)      # a missing or an extra story costs one
            expected += count
            first += bool(stories) and stories[0].title == headline
        titles = {story.title for story in stories}
        links += len(row.get("links_to_saved", []))
        linked += sum(link["anchor"] in titles for link in row.get("links_to_saved", []))
    print(f"story split (real HK section lists): {found}/{expected} stories where the parser tests count them "
          f"(a missing or extra story costs one), {first}/{len(SECTION_LISTS)} first headlines, "
          f"{linked}/{links} saved stories found under their anchor's headline")


def _flat_title(text: str | None) -> str:
    return re.sub(r"[\W_]+", "", text or "").lower()


def _title_right(ours: str | None, gold: str, how: str) -> bool:
    """``contains``: ours holds the gold snippet; ``prefix``: the gold is a whole <title> and ours is its
    headline, the part it opens with; ``same``: the same headline (one may cut a few characters)."""
    mine, want = _flat_title(ours), _flat_title(gold)
    if not mine:
        return False
    if how == "contains":
        return want in mine
    if how == "prefix":
        return want.startswith(mine) and len(mine) >= 0.35 * len(want)
    return mine == want or ((mine in want or want in mine) and min(len(mine), len(want)) >= 0.8 * max(len(mine), len(want)))


def title_cases() -> dict[str, list[tuple[str, bytes, str, str, str]]]:
    """{set: [(name, raw bytes, url, gold title, how it is compared)]} for every page with a human title."""
    import lzma

    cases: dict[str, list] = {}
    fixtures = REPO / "tests" / "fixtures" / "cleaners" / "twnews"
    expected = json.loads((fixtures / "HELPER_expected_from_tests.json").read_text("utf-8"))
    cases["twnews"] = [(name, lzma.decompress((fixtures / name).read_bytes()), f"https://example.tw/{name}",
                        row["title_contains"], "contains") for name, row in expected.items()]
    n4k = REALDATA / "newspaper4k-zh" / "tests" / "data"
    cases["newspaper4k-zh"] = [(meta.stem, (n4k / "html" / f"{meta.stem}.html").read_bytes(), row["url"], row["title"], "same")
                               for meta in sorted((n4k / "metadata").glob("*.json"))
                               for row in [json.loads(meta.read_text("utf-8"))]]
    readability = REALDATA / "readability-testpages-zh" / "test" / "test-pages"
    cases["readability-testpages-zh"] = [
        (folder.name, (folder / "source.html").read_bytes(), "http://bench.invalid/page.html",
         json.loads((folder / "expected-metadata.json").read_text("utf-8"))["title"], "prefix")
        for folder in sorted(readability.iterdir()) if (folder / "expected-metadata.json").exists()]
    fundus = REALDATA / "fundus-zh" / "tests" / "resources" / "parser" / "test_data" / "cn"
    cases["fundus-zh"] = [("People_2024_04_24", gzip.decompress((fundus / "People_2024_04_24.html.gz").read_bytes()),
                           "http://bench.invalid/page.html",
                           json.loads((fundus / "People.json").read_text("utf-8"))["V1"]["title"], "prefix")]
    # The HK index pages link their story pages by headline: the anchor text is the story's title.
    epaper = REALDATA / "epaper"
    rows = {row["file"]: row for row in map(json.loads, (epaper / "INDEX.jsonl").read_text("utf-8").splitlines())}
    cases["epaper HK index anchors"] = [
        (link["saved_as"], (epaper / link["saved_as"]).read_bytes(), rows[link["saved_as"]]["url"] or "https://bench.invalid/",
         link["anchor"], "same") for row in rows.values() for link in row.get("links_to_saved", [])]
    return cases


def title_accuracy() -> None:
    """Titles against every realdata set with human titles; the misses are named."""
    right = total = 0
    for name, cases in title_cases().items():
        misses = []
        for page, raw, url, gold, how in cases:
            document = clean_html(raw, url).document
            if not _title_right((document or {}).get("title"), gold, how):
                misses.append(f"{page}: {(document or {}).get('title')!r} for {gold!r}")
        right += len(cases) - len(misses)
        total += len(cases)
        print(f"  titles {name}: {len(cases) - len(misses)}/{len(cases)}" + "".join(f"\n    miss {m}" for m in misses))
    print(f"titles (every realdata set with human titles): {right}/{total} right")


HELDOUT_TITLES = REPO / "benchmarks" / "data" / "titles_heldout.tsv"
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"', "『": '"', "』": '"'})


def _same_headline(title: str | None) -> str:
    """A headline as compared against the held-out gold: NFKC (full-width ！？：（）｜ become ASCII, … becomes
    ...), curly and corner quotes made straight, whitespace removed, lower case."""
    return "".join(unicodedata.normalize("NFKC", title or "").translate(_QUOTES).split()).lower()


def _peer_titles(raw: bytes) -> dict[str, str | None]:
    """The headline each peer picks, on the same bytes: trafilatura's metadata and readability-lxml's short title."""
    titles = {"trafilatura": getattr(trafilatura.extract_metadata(raw), "title", None)}
    try:
        from readability import Document
    except ImportError:          # the bench extra is not installed: trafilatura alone
        return titles
    titles["readability"] = Document(raw).short_title()
    return titles


def heldout_titles() -> None:
    """Titles on pages of outlets the title chooser was never tuned on (benchmarks/data/titles_heldout.tsv,
    headlines marked by hand). Right means equal to the gold after ``_same_headline`` normalisation; the
    peers run on the same pages in the same run, and our misses are listed with what we chose."""
    rows = [line.split("\t") for line in HELDOUT_TITLES.read_text("utf-8").splitlines()
            if line and not line.startswith("#")][1:]       # the first is the header
    right: Counter = Counter()
    misses, names = [], ["ours"]
    for subset, file, gold in rows:
        raw = (REALDATA / subset / file).read_bytes()
        cleaned = clean_html(raw, "http://bench.invalid/page.html")
        chosen = {"ours": (cleaned.document or {}).get("title"), **_peer_titles(raw)}
        names = list(chosen)
        right.update(name for name, title in chosen.items() if _same_headline(title) == _same_headline(gold))
        if _same_headline(chosen["ours"]) != _same_headline(gold):
            why = f" (page rejected: {cleaned.reject['reason']})" if cleaned.reject else ""
            misses.append(f"{subset}/{file}: {chosen['ours']!r} for {gold!r}{why}")
    peers = ", ".join(f"{name} {right[name]}/{len(rows)}" for name in names[1:])
    print(f"titles (held out: {len(rows)} hand-marked pages of outlets never tuned on): ours {right['ours']}/{len(rows)} "
          f"right; same run: {peers}" + "".join(f"\n    miss {m}" for m in misses))


def _timed(function, pages) -> tuple[list, float, float]:
    """Outputs, wall seconds and CPU seconds of this process (the CPU time is steadier on a shared machine)."""
    start, cpu = time.perf_counter(), time.process_time()
    outputs = [function(raw) for _, raw, _ in pages]
    return outputs, time.perf_counter() - start, time.process_time() - cpu


def _report_quality(name: str, pages, outputs) -> tuple[float, float, float]:
    scores = [score(out, gold) for out, (_, _, gold) in zip(outputs, pages)]
    means = tuple(statistics.fmean(s[i] for s in scores) for i in range(3))
    print(f"  {name:<8} P {means[0]:.3f}  R {means[1]:.3f}  F1 {means[2]:.3f}")
    return means


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--subset", action="append", help="only these subsets (default: all)")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds; the best of each is kept")
    args = parser.parse_args()
    if not REALDATA.is_dir():
        sys.exit(f"{REALDATA} not found: the benchmark reads ../shared/realdata next to the repository")
    subsets = {k: v for k, v in load_pages().items() if not args.subset or k in args.subset}
    everything = [page for pages in subsets.values() for page in pages]
    for function in (bare, ours):          # warm up imports and caches
        _timed(function, everything[:3])
    # Interleaved rounds, best time of each: the machine is shared, and the minimum is the least disturbed.
    bare_s = our_s = bare_cpu = our_cpu = float("inf")
    for _ in range(args.rounds):
        bare_out, seconds, cpu = _timed(bare, everything)
        bare_s, bare_cpu = min(bare_s, seconds), min(bare_cpu, cpu)
        our_out, seconds, cpu = _timed(ours, everything)
        our_s, our_cpu = min(our_s, seconds), min(our_cpu, cpu)
    position = 0
    for name, pages in subsets.items():
        print(f"{name} ({len(pages)} pages)")
        _report_quality("bare", pages, bare_out[position: position + len(pages)])
        _report_quality("ours", pages, our_out[position: position + len(pages)])
        position += len(pages)
    issue_set = subsets.get("chinese-web-content-extraction-dataset", []) + subsets.get("newspaper4k-zh", [])
    if len(issue_set) == 72:
        first = len(subsets["cleaneval-zh"]) if "cleaneval-zh" in subsets else 0
        print("the issue's 72 pages (chinese-web-content-extraction-dataset + newspaper4k-zh)")
        _report_quality("bare", issue_set, bare_out[first: first + 72])
        _report_quality("ours", issue_set, our_out[first: first + 72])
    print(f"ALL ({len(everything)} pages; the 47 CleanEval pages of the extraction dataset count twice)")
    _report_quality("bare", everything, bare_out)
    _report_quality("ours", everything, our_out)
    bare_rate, our_rate = len(everything) / bare_s, len(everything) / our_s
    pool_s = float("inf")
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        pool.map(ours, [raw for _, raw, _ in everything[: args.workers * 2]])
        for _ in range(args.rounds):
            start = time.perf_counter()
            pool.map(ours, [raw for _, raw, _ in everything], chunksize=4)
            pool_s = min(pool_s, time.perf_counter() - start)
    pool_rate = len(everything) / pool_s
    held_out_english()
    date_accuracy()
    title_accuracy()
    heldout_titles()
    story_split()
    section_lists()
    print(f"speed (wall): bare {bare_rate:.1f} pages/s, ours {our_rate:.1f} pages/s ({our_rate / bare_rate:.2f}x), "
          f"ours x{args.workers} workers {pool_rate:.1f} pages/s ({pool_rate / bare_rate:.2f}x bare)")
    print(f"speed (CPU of one process): bare {len(everything) / bare_cpu:.1f} pages/s, "
          f"ours {len(everything) / our_cpu:.1f} pages/s ({bare_cpu / our_cpu:.2f}x)")
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
