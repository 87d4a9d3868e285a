"""`newscorpus report` through the CLI: files agree with the store, scraped text is escaped, --since."""

from __future__ import annotations

import csv
import json
import os
import re
from pathlib import Path

from conftest import run_cli
from report_support import HOSTILE_TEXT, HOSTILE_TITLE, STORY_HK, STORY_WIRE, add_cluster, add_document, fill_store


def filled(workspace, **options) -> dict:
    store = workspace.open_store()
    with store.transaction() as db:
        ids = fill_store(db, **options)
    store.close()
    return ids


def make_report(workspace, *args) -> Path:
    out = workspace.home / "out"
    run_cli("report", "--out", str(out), *args, home=workspace)
    return out


def store_members(workspace) -> dict[str, list[tuple]]:
    store = workspace.open_store()
    rows = store.execute(
        "SELECT m.cluster_id, d.id, d.url, d.outlet, d.published, d.script, m.similarity, c.canonical_doc_id "
        "FROM cluster_members m JOIN documents d ON d.id = m.doc_id JOIN clusters c ON c.id = m.cluster_id").fetchall()
    store.close()
    clusters: dict[str, list[tuple]] = {}
    for row in rows:
        clusters.setdefault(row[0], []).append(tuple(row[1:]))
    return {cid: sorted(members) for cid, members in clusters.items()}


def test_csv_and_json_hold_the_store_clusters(workspace):
    filled(workspace)
    out = make_report(workspace)
    expected = store_members(workspace)
    urls = {doc_id: url for members in expected.values() for doc_id, url, *_ in members}

    with open(out / "clusters.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    from_csv: dict[str, list[tuple]] = {}
    for row in rows:
        from_csv.setdefault(row["cluster_id"], []).append(
            (int(row["doc_id"]), row["url"], row["outlet"], row["published"], row["script"], float(row["similarity"]),
             int(row["canonical_doc_id"])))
        assert row["canonical_url"] == urls[int(row["canonical_doc_id"])]
    assert {cid: sorted(m) for cid, m in from_csv.items()} == expected

    report = json.loads((out / "report.json").read_text("utf-8"))
    from_json = {c["cluster_id"]: sorted((m["doc_id"], m["url"], m["outlet"], m["published"], m["script"],
                                          m["similarity"], c["canonical"]["doc_id"]) for m in c["members"])
                 for c in report["clusters"]}
    assert from_json == expected
    sizes = [c["size"] for c in report["clusters"]]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 3
    for cluster in report["clusters"]:
        assert cluster["members"][0]["doc_id"] == cluster["canonical"]["doc_id"]
        assert cluster["members"][0]["url"] == cluster["canonical"]["url"]


def test_summary_counts_outlets_rejects_and_containments(workspace):
    ids = filled(workspace)
    report = json.loads((make_report(workspace) / "report.json").read_text("utf-8"))
    summary = report["summary"]
    assert (summary["documents"], summary["clusters"], summary["duplicates"]) == (9, 4, 4)
    assert summary["cross_script_clusters"] == 1  # the Hong Kong story and its mainland copy
    assert summary["not_deduplicated"] == 1
    outlets = {o["outlet"]: (o["documents"], o["duplicates"], o["duplicates_of_other_outlets"]) for o in report["outlets"]}
    assert outlets == {"hk": (2, 1, 1), "morning": (2, 1, 1), "wire": (2, 0, 0), "agg": (2, 2, 2),
                       "<b>evil</b>": (1, 0, 0)}
    assert report["rejects"] == [{"reason": "too-short", "count": 2, "outlets": {"hk": 2}},
                                 {"reason": "not-article", "count": 1, "outlets": {"agg": 1}}]
    [containment] = report["containments"]
    assert (containment["container"]["doc_id"], containment["contained"]["doc_id"]) == (ids["agg2"], ids["wire"])


def test_html_is_self_contained_and_escapes_scraped_text(workspace):
    filled(workspace)
    page = (make_report(workspace) / "report.html").read_text("utf-8")
    # Nothing is loaded from elsewhere, and a CSP says so too.
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""<(?:link|img|iframe)\b|\bsrc\s*=\s*["']?(?:https?:)?//""", page.replace(HOSTILE_TEXT, ""))
    # Exactly our two script elements: the JSON data block and the code. No payload opened another.
    assert len(re.findall(r"<script\b", page, re.I)) == 2
    assert HOSTILE_TITLE not in page and "<img src=x" not in page and "<script>window.__pwned" not in page
    data = page.split('<script type="application/json" id="report-data">', 1)[1].split("</script>", 1)[0]
    assert "\\u003cscript\\u003e" in data and "<" not in data and "\u2028" not in data
    assert json.loads(data)["clusters"]  # still valid JSON
    # Server-rendered tables escape the hostile outlet name; unsafe URLs never become links.
    assert "&lt;b&gt;evil&lt;/b&gt;" in page and "<b>evil</b>" not in page
    assert not re.search(r'href="\s*javascript:', page, re.I)
    assert 'rel="noopener noreferrer"' in page


def test_every_csv_defuses_text_a_spreadsheet_would_run(workspace):
    """Titles, outlets and URLs: the report's clusters.csv, `export clusters` and `export documents`."""
    formula = '=HYPERLINK("http://evil","x")'
    store = workspace.open_store()
    with store.transaction() as db:
        doc = add_document(db, "https://x.example/1", formula, "正文", title="+cmd|' /C calc'!A0")
        other = add_document(db, "https://x.example/2", "@SUM(1+1)", "正文", title="-2+3")
        add_cluster(db, "c1", [(doc, 1.0, "canonical"), (other, 0.9, "near")])
    store.close()
    with open(make_report(workspace) / "clusters.csv", encoding="utf-8", newline="") as handle:
        report_rows = list(csv.DictReader(handle))
    exported = list(csv.DictReader(run_cli("export", "clusters", "--format", "csv", home=workspace).stdout.splitlines()))
    documents = list(csv.DictReader(run_cli("export", "documents", "--format", "csv", home=workspace).stdout.splitlines()))
    assert len(report_rows) == len(exported) == len(documents) == 2
    outlets = {"'" + formula, "'@SUM(1+1)"}
    assert {row["outlet"] for row in report_rows} == {row["outlet"] for row in exported} == outlets
    assert {row["outlet"] for row in documents} == outlets
    assert {row["title"] for row in report_rows} == {row["title"] for row in documents} == {"'+cmd|' /C calc'!A0", "'-2+3"}
    for rows in (report_rows, exported, documents):
        cells = [cell for row in rows for cell in row.values() if cell]
        assert not [cell for cell in cells if cell[0] in "=+-@\t\r"], rows


def test_default_folder_latest_page_and_no_overwrite(workspace):
    filled(workspace)
    first = run_cli("report", home=workspace).stdout
    second = run_cli("report", home=workspace).stdout
    folders = sorted(p for p in workspace.reports_dir.iterdir() if p.is_dir())
    assert {p.name for p in workspace.reports_dir.iterdir() if p.is_file()} == {"latest.html", "index.html"}
    assert len(folders) == 2 and not any(p.name.startswith(".") for p in folders)
    assert str(folders[0]) in first + second and str(folders[1]) in first + second
    newest = max(folders, key=lambda p: (p / "report.json").stat().st_mtime_ns)
    latest = (workspace.reports_dir / "latest.html").read_text("utf-8")
    assert f'href="{newest.name}/clusters.csv"' in latest
    for folder in folders:
        assert {p.name for p in folder.iterdir()} == {"report.html", "clusters.csv", "report.json", "copies.csv",
                                                      "copies_weekly.csv", "summary.json"}

    taken = workspace.home / "taken"
    taken.mkdir()
    (taken / "keep.txt").write_text("mine")
    result = run_cli("report", "--out", str(taken), home=workspace, check=False)
    assert result.returncode != 0 and "already exists" in result.stderr
    assert [p.name for p in taken.iterdir()] == ["keep.txt"]


def test_empty_workspace_gives_a_report_that_says_so(workspace):
    run_cli("init", home=workspace)
    out = make_report(workspace)
    page = (out / "report.html").read_text("utf-8")
    assert "No clusters yet" in page
    assert json.loads((out / "report.json").read_text("utf-8"))["clusters"] == []


def test_since_release_lists_what_changed(workspace):
    ids = filled(workspace, undeduplicated=False)
    run_cli("release", "--version", "v1", home=workspace)
    store = workspace.open_store()
    with store.transaction() as db:
        new = add_document(db, "https://wire.example/w/11", "wire", "新的一篇报道。", title="新报道")
        add_cluster(db, "c-new", [(new, 1.0, "canonical")])
        db.execute("UPDATE documents SET text = text || '（更正）' WHERE id = ?", (ids["single"],))
    store.close()

    out = make_report(workspace, "--since", "v1")
    since = json.loads((out / "report.json").read_text("utf-8"))["since"]
    assert since["version"] == "v1"
    assert {k: v for k, v in since["counts"].items() if v} == {"added": 1, "updated": 1}
    assert {(c["change"], c["url"]) for c in since["changes"]} == {
        ("added", "https://wire.example/w/11"), ("updated", "https://morning.example/a/2")}
    page = (out / "report.html").read_text("utf-8")
    assert "Changed since release v1" in page and 'id="f-changed"' in page
    data = json.loads(page.split('id="report-data">', 1)[1].split("</script>", 1)[0])
    assert {c["id"] for c in data["clusters"] if c["c"]} == {"c-new", "c-weather"}

    missing = run_cli("report", "--since", "v9", home=workspace, check=False)
    assert missing.returncode == 1 and "no release 'v9'" in missing.stderr and "v1" in missing.stderr


def test_csv_matches_export_clusters(workspace):
    filled(workspace)
    with open(make_report(workspace) / "clusters.csv", encoding="utf-8", newline="") as handle:
        ours = list(csv.DictReader(handle))
    exported = list(csv.DictReader(run_cli("export", "clusters", "--format", "csv", "--all", home=workspace)
                                   .stdout.splitlines()))
    shared = list(exported[0])
    assert list(ours[0])[:len(shared)] == shared
    assert sorted(tuple(row[k] for k in shared) for row in ours) == sorted(tuple(row.values()) for row in exported)


def test_old_leftovers_of_a_killed_report_are_cleared(workspace):
    run_cli("init", home=workspace)
    stale = workspace.reports_dir / ".tmp-20250101T000000Z-abc"
    stale.mkdir(parents=True)
    (stale / "report.html").write_text("half")
    os.utime(stale, (0, 0))
    fresh = workspace.reports_dir / ".tmp-20990101T000000Z-def"  # another report being written right now
    fresh.mkdir()
    run_cli("report", home=workspace)
    assert not stale.exists() and fresh.exists()
    assert len([p for p in workspace.reports_dir.iterdir() if p.is_dir() and not p.name.startswith(".")]) == 1


def test_embedded_texts_are_capped_and_say_so(workspace):
    from corpus.report import ReportSettings, write_report

    ids = filled(workspace)
    result = write_report(workspace, out=workspace.home / "r", settings=ReportSettings(text_max_chars=20, excerpt_chars=5))
    page = (result.path / "report.html").read_text("utf-8")
    data = json.loads(page.split('id="report-data">', 1)[1].split("</script>", 1)[0])

    def text(doc_id, key="t"):
        return "\n".join(data["paragraphs"][n] for n in data["texts"][str(doc_id)][key])

    assert len(text(ids["hk"])) == 20 and data["texts"][str(ids["hk"])]["cut"] is True
    assert text(ids["single"]) == "重庆今日降" and data["texts"][str(ids["single"])]["cut"] is True
    # The Traditional text carries its Simplified form for the one-script comparison.
    assert text(ids["hk"], "s") == "香港特区政府今日公布新一轮防疫措施，市民须于室"[:20]
    assert "s" not in data["texts"][str(ids["morning"])]


def test_what_changed_since_the_previous_report_and_the_index_of_reports(workspace, tmp_path):
    filled(workspace, undeduplicated=False)
    run_cli("report", home=workspace)
    store = workspace.open_store()
    with store.transaction() as db:
        grown = add_document(db, "https://hk.example/news/2.htm", "hk", STORY_HK + "。", title="防疫措施公布")
        new_outlet = add_document(db, "https://morning.example/a/9", "morning", STORY_WIRE, title="长江生态保护")
        first = add_document(db, "https://wire.example/w/20", "wire", "两江新区发布新规。", title="<i>新规</i>")
        second = add_document(db, "https://agg.example/r/20", "agg", "两江新区发布新规。", title="新规")
        db.execute("INSERT INTO cluster_members VALUES (?, 'c-covid', 0.97, 'near')", (grown,))
        db.execute("INSERT INTO cluster_members VALUES (?, 'c-river', 0.99, 'exact')", (new_outlet,))
        add_cluster(db, "c-rules", [(first, 1.0, "canonical"), (second, 1.0, "exact")])
    store.close()
    decision = tmp_path / "d.jsonl"
    decision.write_text(json.dumps({"action": "split", "urls": ["https://agg.example/r/10", "https://wire.example/w/9"],
                                    "editor": "<b>ed</b>"}) + "\n", "utf-8")
    run_cli("decisions", "import", str(decision), home=workspace)
    run_cli("report", home=workspace)

    folders = sorted(p for p in workspace.reports_dir.iterdir() if p.is_dir())
    newest = max(folders, key=lambda p: json.loads((p / "summary.json").read_text("utf-8"))["generated_at"] + p.name)
    report = json.loads((newest / "report.json").read_text("utf-8"))
    previous = report["previous"]
    assert previous["folder"] in {p.name for p in folders} - {newest.name}
    assert previous["counts"] == {"new": 1, "grown": 1, "new outlet": 1, "decision": 1}
    assert {(c["change"], c["cluster_id"]) for c in previous["changes"]} == {
        ("new", "c-rules"), ("grown", "c-covid"), ("new outlet", "c-river"), ("decision", None)}
    assert [c["detail"] for c in previous["changes"] if c["change"] == "new outlet"] == ["now also carried by morning"]
    page = (newest / "report.html").read_text("utf-8")
    assert "What changed since the previous report" in page and 'href="#cluster=c-rules"' in page
    assert "&lt;i&gt;新规&lt;/i&gt;" in page and "<i>新规</i>" not in page and "<b>ed</b>" not in page
    data = json.loads(page.split('id="report-data">', 1)[1].split("</script>", 1)[0])
    assert {c["id"]: c["p"] for c in data["clusters"] if c["p"]} == {"c-rules": "new", "c-covid": "grown",
                                                                     "c-river": "new outlet"}
    assert json.loads((folders[0] / "report.json").read_text("utf-8"))["previous"] is None

    index = (workspace.reports_dir / "index.html").read_text("utf-8")
    for folder in folders:
        assert f'href="{folder.name}/report.html"' in index and f'href="{folder.name}/clusters.csv"' in index
    # newest first; a folder's link ends at its slash (two reports in one second are X and X-2)
    assert index.index(f'href="{newest.name}/') < index.index(f'href="{previous["folder"]}/')
