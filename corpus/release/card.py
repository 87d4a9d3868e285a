"""The release's ``README.md``: a Hugging Face dataset card built from the manifest.

The YAML header lets the Hub (and ``datasets``) find the files; the body tells a reader where the
text comes from, how it was processed and deduplicated, and what it cannot promise.
"""

from __future__ import annotations

import json
import re

import yaml

from corpus.release.tables import CHANGE_KINDS

SIZE_CATEGORIES = [(1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
                   (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M")]

MAX_CELL_CHARS = 200
MAX_NOTES_CHARS = 2_000
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_INLINE = re.compile(r"[&<>\\`*_\[\]|~$]")
_ORDERED_ITEM = re.compile(r"^(\d{1,9})([.)])")
_BLOCK_STARTS = set("#=+-")

FIELDS = [
    ("id", "story id: the dedup cluster id, kept from one release to the next while the story exists"),
    ("url", "the canonical page of the story"),
    ("outlet", "the outlet that published the canonical page"),
    ("title", "headline, as extracted"),
    ("text", "body text, paragraphs separated by a newline, in the page's original script"),
    ("published", "publication time, a UTC timestamp (null when not found)"),
    ("published_offset_minutes", "the UTC offset the source stated, in minutes (480 = UTC+8), so that `published` plus "
                                 "it is the source's local time; null when it stated none (the time was read as UTC+8)"),
    ("lang", "detected language"),
    ("script", "zh-Hans, zh-Hant or mixed"),
    ("provenance", "every other page (url, outlet, published, published_offset_minutes, script, similarity, method) "
                   "that carried the story"),
    ("fetched_at", "when the canonical page was fetched, a UTC timestamp (null for ingested documents)"),
    ("cleaner_version", "version of the cleaners that extracted the text"),
]


def size_category(rows: int) -> str:
    for limit, name in SIZE_CATEGORIES:
        if rows < limit:
            return name
    return "n>100M"


def render_card(manifest: dict) -> str:
    counts = manifest["counts"]
    header = {
        "pretty_name": f"newscorpus {manifest['version']}",
        "language": ["zh"],
        "license": "other",
        "license_name": "publishers-terms",
        "task_categories": ["text-generation"],
        "size_categories": [size_category(counts["documents"])],
        "configs": [
            {"config_name": "default", "default": True, "data_files": [{"split": "train", "path": "data/*.parquet"}]},
            {"config_name": "clusters", "data_files": [{"split": "train", "path": "clusters.parquet"}]},
            {"config_name": "containments", "data_files": [{"split": "train", "path": "containments.parquet"}]},
            {"config_name": "changes", "data_files": [{"split": "train", "path": "changes.parquet"}]},
        ],
    }
    parts = ["---", yaml.safe_dump(header, allow_unicode=True, sort_keys=False).strip(), "---", ""]
    parts += [f"# newscorpus {manifest['version']}", ""]
    if manifest.get("notes"):
        parts += [markdown_text(manifest["notes"], limit=MAX_NOTES_CHARS), ""]
    parts += _summary(manifest) + _usage() + _sources(counts) + _languages(counts) + _fields()
    parts += _processing(manifest) + _limits() + _licence()
    return "\n".join(parts) + "\n"


def _summary(manifest: dict) -> list[str]:
    counts, span = manifest["counts"], manifest["counts"]["time_span"]
    parent = manifest.get("parent")
    changes = ", ".join(f"{manifest['changes'][kind]:,} {kind.replace('_', ' ')}" for kind in CHANGE_KINDS)
    return [
        f"{counts['documents']:,} deduplicated news stories in Chinese, one row per story; "
        f"{counts['duplicates']:,} duplicate pages are kept as provenance of their story.",
        "",
        f"- Created: {manifest['created']} by newscorpus {manifest['newscorpus_version']}",
        f"- Previous release: {parent or 'none (first release)'}" + (f"; changes: {changes} (see CHANGES.md)"
                                                                      if parent else ""),
        f"- Time span: {markdown_text(span['earliest'] or 'unknown')} to {markdown_text(span['latest'] or 'unknown')} "
        f"({span['dated']:,} of {counts['documents']:,} stories dated)",
        f"- Release format {manifest['format']}: dates are timestamps in UTC, with the source's UTC offset in a "
        "column of its own (format 1 kept them as ISO 8601 strings)",
        "- Checksums of every file: manifest.json (`newscorpus verify VERSION` recomputes them)",
        "",
    ]


def _usage() -> list[str]:
    return [
        "## Usage", "",
        "```python",
        "from datasets import load_dataset",
        'stories = load_dataset("parquet", data_files="data/*.parquet", split="train")',
        "",
        "import duckdb",
        "duckdb.sql(\"SELECT outlet, count(*) FROM 'data/*.parquet' GROUP BY outlet\").show()",
        "",
        "import polars as pl",
        'stories = pl.read_parquet("data/*.parquet")',
        "```", "",
    ]


def _sources(counts: dict) -> list[str]:
    lines = ["## Sources", "", "| outlet | stories | pages (with duplicates) |", "|---|---:|---:|"]
    lines += [f"| {markdown_text(outlet)} | {counts['by_outlet'].get(outlet, 0):,} | {n:,} |"
              for outlet, n in counts["pages_by_outlet"].items()]
    sources = ", ".join(f"{n:,} {'crawled' if source == 'crawl' else source + 'ed'}"
                        for source, n in counts["pages_by_source"].items())
    return lines + ["", f"Pages: {sources or 'none'}.", ""]


def _languages(counts: dict) -> list[str]:
    lines = ["## Languages and scripts", "", "| language | stories |", "|---|---:|"]
    lines += [f"| {markdown_text(lang)} | {n:,} |" for lang, n in counts["by_lang"].items()]
    lines += ["", "| script | stories |", "|---|---:|"]
    lines += [f"| {markdown_text(script)} | {n:,} |" for script, n in counts["by_script"].items()]
    return lines + ["", "Texts keep the script they were published in; nothing is converted."]


def _fields() -> list[str]:
    lines = ["", "## Fields (data/*.parquet)", ""]
    lines += [f"- `{name}`: {meaning}" for name, meaning in FIELDS]
    return lines + [
        "",
        "`clusters.parquet` has one row per page of every story (`cluster_id` = `id` above, similarity to the "
        "canonical page, dedup method, why the canonical page was chosen, sha256 of its text); "
        "`containments.parquet` pairs a page with a shorter page it mostly contains (a story quoted inside a "
        "longer article: flagged, not merged); `changes.parquet` lists what changed since the previous release.",
        "",
    ]


def _processing(manifest: dict) -> list[str]:
    configuration = manifest["configuration"]
    versions = configuration["cleaners"]["cleaner_versions"]
    dedup = configuration.get("dedup")
    release = configuration["release"]
    lines = [
        "## Processing", "",
        "1. Collect: pages crawled (robots.txt, per-host delays; raw responses kept as WARC) or ingested "
        "from JSON Lines, as counted under Sources.",
        "2. Extract and clean: trafilatura plus newscorpus rules; cleaner versions: "
        + (", ".join(f"{markdown_text(v)} ({n:,} pages)" for v, n in versions.items()) or "none") + ".",
        "3. Deduplicate: MinHash-LSH on a Simplified-script, punctuation-free copy of each text, so that "
        "Simplified and Traditional copies of one story meet; candidate pairs are verified before merging.",
    ]
    if dedup:
        settings = dedup["settings"]
        lines.append(
            f"   Recorded by dedup run {dedup['run']} ({dedup['finished_at']}): two pages are one story when the "
            f"verified Jaccard similarity of their {settings.get('shingle_size', '?')}-character shingles is at "
            f"least {settings.get('threshold', '?')} (LSH candidates from {settings.get('lsh_threshold', '?')}, "
            f"{settings.get('num_perm', '?')} permutations); a page holding {settings.get('containment', '?')} "
            "of a shorter one is flagged as containing it. All recorded settings:")
        lines += ["", "```json", json.dumps(dedup, ensure_ascii=False, indent=2, sort_keys=True), "```", ""]
    else:
        lines.append("   The store holds no record of the dedup settings used.")
    lines += [
        f"4. Release: Parquet ({release['compression']} level {release['compression_level']}, "
        f"{release['row_group_rows']:,} rows per row group, pyarrow {release['pyarrow']}), "
        "rows ordered by `id`, pages with a takedown request left out.",
        "",
    ]
    return lines


def _limits() -> list[str]:
    return [
        "## Known limits", "",
        "- Extraction is automatic: some boilerplate may remain, and some body text may be lost.",
        "- Publication dates come from page metadata, feeds or the text; a few are missing or approximate.",
        "- Near-duplicate detection is probabilistic: a few copies may be left apart, and a story that "
        "quotes another at length is flagged as a containment rather than merged.",
        "- Coverage is whatever the configured sites exposed while they were crawled; it is not a sample of "
        "the Chinese-language press.",
        "",
    ]


def _licence() -> list[str]:
    return [
        "## Licence", "",
        "The texts belong to their publishers and authors. This release is for research use only; "
        "redistribution or commercial use may need the publishers' permission. Rights holders can ask "
        "for a page to be removed: it is then left out of every later release (`newscorpus takedown`).",
    ]


def markdown_text(value: object, limit: int = MAX_CELL_CHARS) -> str:
    """A scraped value as inert Markdown on one line: rendered, it shows exactly these characters.

    Markdown renderers pass raw HTML through, so ``<``, ``>`` and ``&`` become entities; the
    characters that make emphasis, code, links, maths or table cells are backslash-escaped, and so
    is a start that would make a heading, a list or a setext underline. Line breaks, which could
    end a table row or a paragraph, become spaces; control characters become U+FFFD.
    """
    flat = " ".join("".join(c if c.isprintable() or c.isspace() else "\ufffd" for c in str(value)).split())
    if len(flat) > limit:
        flat = flat[:limit - 1] + "…"
    escaped = _INLINE.sub(lambda m: _ENTITIES.get(m[0]) or "\\" + m[0], flat)
    escaped = _ORDERED_ITEM.sub(r"\1\\\2", escaped, count=1)
    return "\\" + escaped if escaped[:1] in _BLOCK_STARTS else escaped
