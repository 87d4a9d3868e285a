"""The self-contained report.html: static summary tables and charts, plus the cluster browser.

Nothing is loaded from elsewhere: CSS, JavaScript and SVG are inline, the data is one JSON block.
Every scraped string is escaped here (``esc``) or inserted by the script with ``textContent``; the
JSON block escapes ``<``, ``>`` and ``&`` so no text can close it, and a CSP forbids any load.
"""

from __future__ import annotations

import json
from html import escape
from importlib import resources
from urllib.parse import quote, urlsplit

from corpus.decisions.repository import DecisionStatus
from corpus.report.charts import copy_matrix_svg, outlet_duplicates_svg, size_histogram_svg, weekly_copies_svg
from corpus.report.collect import ReportData
from corpus.report.copies import CopyMatrix
from corpus.report.previous import SincePrevious
from corpus.report.sections import Section
from corpus.report.settings import ReportSettings

CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
       "base-uri 'none'; form-action 'none'")
# The review app's page may also talk to the server that served it (its decisions API), nothing else.
REVIEW_CSP = CSP + "; connect-src 'self'"
SCRIPTS = (("", "any script"), ("zh-Hans", "Simplified"), ("zh-Hant", "Traditional"), ("mixed", "mixed"),
           ("cross", "cross-script clusters"))


def esc(value) -> str:
    return escape("" if value is None else str(value), quote=True)


def safe_json(data) -> str:
    """JSON that can sit inside ``<script>``: no ``<``, ``>``, ``&`` or JS line separators left raw."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("&", "\\u0026"), ("<", "\\u003c"), (">", "\\u003e"),
                         ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def link(url: str | None, label: str | None = None) -> str:
    """An external link only for http(s) URLs; anything else is shown as plain text."""
    shown = esc(label if label is not None else url)
    if url and urlsplit(url).scheme.lower() in ("http", "https"):
        return f'<a class="url" href="{esc(url)}" target="_blank" rel="noopener noreferrer">{shown}</a>'
    return f'<span class="url">{shown}</span>'


def asset(name: str) -> str:
    return resources.files("corpus.report").joinpath(name).read_text("utf-8")


def render_html(data: ReportData, *, generated_at: str, home: str, settings: ReportSettings,
                since=None, sections: list[Section] = (), decisions: list[DecisionStatus] = (),
                copies: CopyMatrix | None = None, previous: SincePrevious | None = None, link_prefix: str = "",
                review: dict | None = None) -> str:
    """The whole page; ``link_prefix`` points the CSV/JSON links at the report folder from elsewhere.

    ``review`` ({"token": ..., "editor": ...}) makes it the review app's page: decisions are sent to
    the server that served it (with the session's CSRF token) instead of collected for download.
    """
    body = [
        header(data, generated_at, home, link_prefix),
        previous_section(previous, settings) if previous is not None else "",
        since_section(since, settings) if since is not None else "",
        decisions_section(decisions, settings),
        charts(data),
        outlets_table(data),
        copies_section(copies, settings, link_prefix) if copies is not None else "",
        rejects_table(data),
        containments_table(data, settings),
        *(extra_section(section) for section in sections),
        cluster_browser(since is not None),
    ]
    return "".join([
        '<!DOCTYPE html>\n<html lang="zh"><head><meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{REVIEW_CSP if review else CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>newscorpus dedup report · {esc(generated_at)}</title>",
        f"<style>{asset('report.css')}</style></head><body>",
        *body,
        f'<script type="application/json" id="report-data">'
        f'{safe_json(browser_data(data, settings, since, decisions, review, previous))}</script>',
        f"<script>{asset('report.js')}</script>",
        "</body></html>\n",
    ])


def browser_data(data: ReportData, settings: ReportSettings, since, decisions: list[DecisionStatus] = (),
                 review: dict | None = None, previous: SincePrevious | None = None) -> dict:
    """Compact cluster rows for the script: members as arrays, outlets as indexes into a list."""
    outlets = sorted({m["outlet"] or "" for c in data.clusters for m in c["members"]})
    index = {name: i for i, name in enumerate(outlets)}
    changed = since.changed_cluster_ids if since is not None else set()
    decided: dict[str, set[int]] = {}
    for status in decisions:
        for url in status.decision.urls:
            decided.setdefault(url, set()).add(status.decision.id)
    clusters = [{
        "id": c["cluster_id"], "n": c["size"], "r": c["canonical_reason"], "x": c["cross_script"],
        "c": c["cluster_id"] in changed,
        "p": previous.flags.get(c["cluster_id"]) if previous else None,
        "d": len(set().union(*(decided.get(m["url"], ()) for m in c["members"]))) if decided else 0,
        "m": [[m["doc_id"], m["url"], index[m["outlet"] or ""], m["published"], m["script"],
               m["similarity"], m["method"], m["title"], _printed(m)] for m in c["members"]],
    } for c in data.clusters]
    paragraphs, texts = intern_paragraphs(data.texts)
    return {"page_size": settings.page_size, "diff_max_edits": settings.diff_max_edits,
            "text_max_chars": settings.text_max_chars,
            "outlets": outlets, "clusters": clusters, "paragraphs": paragraphs, "texts": texts, "review": review}


def _printed(member: dict) -> list | None:
    """Where a story of a multi-story or e-paper page was printed: [page URL, "A03 要聞"], or None."""
    if not member.get("page_url"):
        return None
    return [member["page_url"], " ".join(part for part in (member.get("page_number"), member.get("page_name")) if part)]


def intern_paragraphs(texts: dict[int, dict]) -> tuple[list[str], dict[str, dict]]:
    """Texts as lists of paragraph numbers into one shared list.

    Duplicates repeat their canonical's paragraphs, and a Traditional text's Simplified form mostly
    repeats a Simplified member's, so each paragraph is embedded once: the page shrinks several times.
    """
    paragraphs: list[str] = []
    numbers: dict[str, int] = {}

    def number(paragraph: str) -> int:
        found = numbers.get(paragraph)
        if found is None:
            found = numbers[paragraph] = len(paragraphs)
            paragraphs.append(paragraph)
        return found

    interned = {str(doc_id): {key: [number(p) for p in value.split("\n")] if key in ("t", "s") else value
                              for key, value in entry.items()}
                for doc_id, entry in texts.items()}
    return paragraphs, interned


def header(data: ReportData, generated_at: str, home: str, link_prefix: str) -> str:
    s = data.summary
    cards = [
        (s["documents"], "documents"), (s["clusters"], "clusters"),
        (s["clusters_with_duplicates"], "clusters with duplicates"), (s["duplicates"], "duplicate documents"),
        (s["cross_script_clusters"], "cross-script clusters"), (s["containments"], "containment relations"),
        (s["rejects"], "pages rejected"), (s["not_deduplicated"], "documents not yet deduplicated"),
    ]
    rate = s["duplicates"] / s["documents"] if s["documents"] else 0.0
    cards.insert(4, (f"{rate:.1%}", "duplicate rate"))
    return "".join([
        '<header class="page"><h1>Dedup report</h1>',
        f'<p class="sub">Generated {esc(generated_at)} from <code>{esc(home)}</code> · the same data as ',
        f'<a href="{esc(link_prefix)}clusters.csv">clusters.csv</a> and ',
        f'<a href="{esc(link_prefix)}report.json">report.json</a></p>',
        '<div class="cards">',
        *(f'<div class="card"><b>{esc(f"{value:,}" if isinstance(value, int) else value)}</b>'
          f'<span>{esc(label)}</span></div>' for value, label in cards),
        "</div></header><main>",
    ])


def previous_section(previous: SincePrevious, settings: ReportSettings) -> str:
    labels = {"new": "new stories copied", "grown": "grown clusters", "new outlet": "stories carried by a new outlet",
              "decision": "decisions made"}
    counts = "".join(f'<div class="card"><b>{count:,}</b><span>{esc(labels[kind])}</span></div>'
                     for kind, count in previous.counts.items())
    rows = [[row["change"],
             f'<a href="#cluster={esc(quote(row["cluster_id"], safe=""))}">{esc(row["cluster_id"])}</a>'
             if row["cluster_id"] else "", row["title"], row["detail"]]
            for row in previous.rows[:settings.table_rows]]
    return "".join([
        f'<h2 id="previous">What changed since the previous report ({esc(previous.generated_at)})</h2>',
        f'<div class="cards">{counts}</div>',
        table(["change", "cluster", "story", "detail"], rows, raw_columns={1}, empty="Nothing changed.",
              caption=shown_of(len(previous.rows), settings)),
    ])


def since_section(since, settings: ReportSettings) -> str:
    counts = "".join(f'<div class="card"><b>{count:,}</b><span>{esc(kind.replace("_", " "))}</span></div>'
                     for kind, count in since.counts.items())
    rows = [[row["change"], row["outlet"], link(row["url"]), row.get("detail") or ""]
            for row in since.rows[:settings.table_rows]]
    return "".join([
        f"<h2>Changed since release {esc(since.version)}</h2>",
        f'<p class="note">{esc(since.note)}</p>' if since.note else "",
        f'<div class="cards">{counts}</div>',
        table(["change", "outlet", "url", "detail"], rows, raw_columns={2}, caption=shown_of(len(since.rows), settings)),
    ])


def charts(data: ReportData) -> str:
    if not data.clusters:
        return '<h2>At a glance</h2><p class="note">No clusters yet: run <code>newscorpus dedup</code>.</p>'
    return "".join([
        '<h2>At a glance</h2><div class="charts">',
        f"<figure><figcaption>Cluster sizes</figcaption>{size_histogram_svg(data.summary['size_histogram'])}</figure>",
        f"<figure><figcaption>Duplicates per outlet</figcaption>{outlet_duplicates_svg(data.outlets)}</figure>",
        "</div>",
    ])


def decisions_section(decisions: list[DecisionStatus], settings: ReportSettings) -> str:
    """Every editor's decision with whether it holds in these clusters (applied by the next dedup if not)."""
    states = {"holds": "holds", "pending": "not applied yet: run newscorpus dedup",
              "missing": "waiting for documents not in a cluster"}
    rows = [[s.decision.id, s.decision.created_at, s.decision.editor or "(anonymous)", s.decision.action,
             "<br>".join(link(url) for url in s.decision.urls[:20])
             + (f"<br>… {len(s.decision.urls) - 20:,} more" if len(s.decision.urls) > 20 else ""),
             s.decision.note or "", states[s.state]]
            for s in list(reversed(decisions))[:settings.table_rows]]
    return "".join([
        '<h2 id="decisions">Decisions</h2>',
        '<p class="note">What editors decided about clusters, newest first. split: the first URL is not the '
        "same story as the others; merge: one story; canonical: the copy that stands for its story. "
        "Every dedup applies them. Mark new ones in the clusters below.</p>",
        table(["#", "when", "editor", "action", "urls", "note", "status"], rows, numeric={0}, raw_columns={4},
              empty="No decisions yet.", caption=shown_of(len(decisions), settings)),
    ])


def copies_section(copies: CopyMatrix, settings: ReportSettings, link_prefix: str) -> str:
    rows = [[p.source or "(no outlet)", p.copier or "(no outlet)", p.stories, f"{p.median_delay_hours:,.1f} h",
             f"{p.share_of_copier:.1%}"] for p in copies.pairs[:settings.table_rows]]
    firsts = ", ".join(f"{outlet or '(no outlet)'} {copies.first.get(outlet, 0):,} of {copies.stories[outlet]:,}"
                       for outlet in copies.outlets[:settings.matrix_outlets])
    return "".join([
        '<h2 id="copies">Who copies whom</h2>',
        '<p class="note">A story is a cluster; an outlet carried it <i>after</i> another when its earliest copy was '
        "published later. Row: had the story first; column: carried it later; number: stories; shade: share of "
        f'the column outlet\'s stories. Also in <a href="{esc(link_prefix)}copies.csv">copies.csv</a> and '
        f'<a href="{esc(link_prefix)}copies_weekly.csv">copies_weekly.csv</a>.</p>',
        f'<p class="note">Stories published first: {esc(firsts)}.</p>' if copies.outlets else "",
        '<div class="charts">',
        f"<figure><figcaption>Who copies whom</figcaption>{copy_matrix_svg(copies, settings.matrix_outlets)}</figure>",
        "<figure><figcaption>Share of each week's stories another outlet had first</figcaption>"
        f"{weekly_copies_svg(copies, settings.matrix_outlets)}</figure>",
        "</div>",
        table(["had it first", "carried it later", "stories", "median delay", "share of the later outlet's stories"],
              rows, numeric={2, 3, 4}, empty="No story was carried by two outlets at different times.",
              caption=shown_of(len(copies.pairs), settings)),
    ])


def outlets_table(data: ReportData) -> str:
    rows = [[o["outlet"] or "(no outlet)", o["documents"], o["duplicates"], o["duplicates_of_other_outlets"],
             f"{o['duplicate_rate']:.1%}"] for o in data.outlets]
    return "<h2>Outlets</h2>" + table(
        ["outlet", "documents", "duplicates", "of another outlet's story", "duplicate rate"], rows,
        numeric={1, 2, 3, 4}, empty="No documents yet.")


def rejects_table(data: ReportData) -> str:
    rows = [[r["reason"], r["count"], ", ".join(f"{outlet or '(no outlet)'} {n:,}" for outlet, n in r["outlets"].items())]
            for r in data.rejects]
    return ('<h2>Rejected pages</h2><p class="note">Pages the cleaners refused, by reason.</p>'
            + table(["reason", "pages", "by outlet"], rows, numeric={1}, empty="No rejected pages."))


def containments_table(data: ReportData, settings: ReportSettings) -> str:
    rows = [[f"{c['containment']:.0%}", c["container"]["outlet"], link(c["container"]["url"], c["container"]["title"] or c["container"]["url"]),
             c["contained"]["outlet"], link(c["contained"]["url"], c["contained"]["title"] or c["contained"]["url"])]
            for c in data.containments[:settings.table_rows]]
    return ('<h2>Containments</h2><p class="note">A document that holds most of another (a digest, a longer '
            'version): flagged, never merged.</p>'
            + table(["share", "container outlet", "container", "contained outlet", "contained"], rows,
                    numeric={0}, raw_columns={2, 4}, empty="No containment relations.",
                    caption=shown_of(len(data.containments), settings)))


def extra_section(section: Section) -> str:
    alerts = "".join(f"<li>{esc(alert)}</li>" for alert in section.alerts)
    numeric = {i for i in range(len(section.columns))
               if section.rows and all(isinstance(r[i], (int, float)) for r in section.rows if r[i] is not None)}
    return "".join([
        f'<h2 id="section-{esc(section.key)}">{esc(section.title)}</h2>',
        f'<p class="note">{esc(section.note)}</p>' if section.note else "",
        f'<ul class="alerts">{alerts}</ul>' if alerts else "",
        table(section.columns, section.rows, numeric=numeric, empty="Nothing recorded yet."),
    ])


def cluster_browser(with_since: bool) -> str:
    options = "".join(f'<option value="{esc(v)}">{esc(label)}</option>' for v, label in SCRIPTS)
    changed = ('<label class="check"><input type="checkbox" id="f-changed"> changed since the release</label>'
               if with_since else "")
    return "".join([
        '<h2 id="clusters-heading">Clusters</h2>',
        '<p class="note">Biggest first. Open a cluster to see its members and the character-level difference '
        "of each against the canonical document.</p>",
        '<details class="filter-box" id="filter-box" open><summary>Filters</summary>',
        '<form class="filters" onsubmit="return false">',
        '<label>search<input id="f-q" type="search" placeholder="title, URL, outlet, text"></label>',
        '<label>outlet<select id="f-outlet"><option value="">any outlet</option></select></label>',
        f'<label>script<select id="f-script">{options}</select></label>',
        '<label>from<input id="f-from" type="date"></label><label>to<input id="f-to" type="date"></label>',
        '<label>size ≥<input id="f-min" type="number" min="1" placeholder="1"></label>',
        '<label>size ≤<input id="f-max" type="number" min="1"></label>',
        changed,
        '<label class="check"><input type="checkbox" id="f-simplified" checked> compare in one script '
        "(Traditional shown as Simplified; untick for the original)</label></form></details>",
        decide_panel(),
        '<p id="count"></p><noscript><p class="nojs">The cluster browser needs JavaScript; '
        "the same data is in clusters.csv and report.json.</p></noscript>",
        '<div id="clusters"></div><button id="more" type="button" hidden>Show more clusters</button></main>',
    ])


def decide_panel() -> str:
    """Where an editor names themself, adds a note and sees the decisions made in this page."""
    return "".join([
        '<details id="decide" class="decide" open><summary>Decisions made here <span id="d-count">(none yet)</span>'
        "</summary>",
        '<p class="note" id="d-how"></p>',
        '<div class="decide-fields"><label>your name<input id="d-editor" maxlength="100" autocomplete="name"></label>',
        '<label>note (why)<input id="d-note" maxlength="2000"></label>',
        '<button type="button" id="d-merge" disabled>Merge the selected clusters</button>',
        '<button type="button" id="d-download" hidden>Download decisions (.jsonl)</button></div>',
        '<p id="d-status" class="note" role="status"></p><ol id="d-list"></ol></details>',
    ])


def table(columns: list[str], rows: list[list], *, numeric: set[int] = frozenset(), raw_columns: set[int] = frozenset(),
          empty: str = "None.", caption: str = "") -> str:
    """An HTML table; cells are escaped unless their column holds HTML built here (``raw_columns``)."""
    if not rows:
        return f'<p class="note">{esc(empty)}</p>'
    head = "".join(f'<th class="num">{esc(c)}</th>' if i in numeric else f"<th>{esc(c)}</th>"
                   for i, c in enumerate(columns))
    body = []
    for row in rows:
        cells = []
        for i, cell in enumerate(row):
            shown = cell if i in raw_columns else esc(f"{cell:,}" if isinstance(cell, int) else cell)
            cells.append(f'<td class="num">{shown}</td>' if i in numeric else f"<td>{shown}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    note = f'<p class="note">{esc(caption)}</p>' if caption else ""
    return f'<div class="table-wrap"><table><tr>{head}</tr>{"".join(body)}</table></div>{note}'


def shown_of(total: int, settings: ReportSettings) -> str:
    return f"First {settings.table_rows:,} of {total:,}; all are in report.json." if total > settings.table_rows else ""
