"""An ad hoc crawl of a host that serves several outlets names each one, for every later stage.

`newscorpus run --start-url` of the demo root, twice, as cron would: documents, site health, the
report and the release carry the four demo outlets' mastheads (the demo site's own table, not our
output), and the second crawl, which fetches only listings, feeds and sitemaps, files them under the
same names, so health sees every outlet answer again. A third run, with the site down, names every
outlet in its alerts.
"""

from __future__ import annotations

import json

import pyarrow.parquet as pq

from conftest import run_cli
from crawl_support import rows
from crawler.demosite import DemoSite
from crawler.demosite.outlets import OUTLETS


def test_run_on_the_demo_root_names_each_outlet_in_every_stage(tmp_path):
    home = tmp_path / "ws"
    with DemoSite(scale=1, port=0) as site:
        root = site.url + "/"
        first = run_cli("run", "--start-url", root, "--json", home=home, check=False)
        second = run_cli("run", "--start-url", root, "--release", "--json", home=home, check=False)
        truth = site.ground_truth()
    down = run_cli("run", "--start-url", root, home=home, check=False)
    assert first.returncode == 0, first.stderr[-2000:]
    assert second.returncode == 0, second.stderr[-2000:]
    mastheads = {OUTLETS[name].title for name in OUTLETS}

    expected = {row["document_url"]: OUTLETS[row["outlet"]].title for row in truth}
    documents = dict(rows(home, "SELECT url, outlet FROM documents"))
    wrong = {url: (documents[url], name) for url, name in expected.items() if url in documents
             and documents[url] != name}
    assert len(set(expected) & set(documents)) >= 0.9 * len(expected)
    assert not wrong, f"{len(wrong)} documents under another outlet, e.g. {list(wrong.items())[:3]}"

    health = {}
    for run_id, outlet, pages, fetches, alerts in rows(
            home, "SELECT crawl_run_id, outlet, pages, fetches, alerts FROM site_health"):
        health.setdefault(run_id, {})[outlet] = (pages, fetches, json.loads(alerts))
    assert set(health) == {1, 2, 3}
    assert down.returncode == 3 and set(health[3]) == mastheads | {"127.0.0.1"}
    assert all("no fetch was answered" in alerts[0] for _, _, alerts in health[3].values()), health[3]
    for run_id, outlets in [(1, health[1]), (2, health[2])]:
        assert set(outlets) == mastheads | {"127.0.0.1"}, run_id
        assert all(fetches > 0 and not alerts for _, fetches, alerts in outlets.values()), (run_id, outlets)
    assert all(health[1][name][0] > 5 for name in mastheads)   # article pages, named on the first crawl

    summary = json.loads(second.stdout)["summary"]
    report = json.loads((home / "reports" / summary["report"]["folder"] / "report.json").read_text("utf-8"))
    assert {row["outlet"] for row in report["outlets"]} == mastheads
    # Who copies whom, per outlet: the aggregator republishes the wire agency (the demo's own design).
    to_agg = [pair for pair in report["copies"]["pairs"] if pair["to"] == OUTLETS["agg"].title]
    assert max(to_agg, key=lambda pair: pair["stories"])["from"] == OUTLETS["wire"].title

    release = summary["release"]
    assert set(release["counts"]["by_outlet"]) == mastheads
    table = pq.read_table(next((home / "releases" / release["version"] / "data").glob("*.parquet")))
    assert set(table.column("outlet").to_pylist()) == mastheads
