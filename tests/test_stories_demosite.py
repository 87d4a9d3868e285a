"""Stories through the whole path on the demo site: crawl -> extract -> dedup -> export, judged on its ground truth."""

from __future__ import annotations

import json

import pytest

from conftest import run_cli
from crawler.demosite import DemoSite

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def deduped(tmp_path_factory):
    home = tmp_path_factory.mktemp("stories") / "ws"
    with DemoSite(scale=1, port=0) as site:
        truth = site.ground_truth()
        run_cli("crawl", "--start-url", site.url + "/", "--set", "NEWSCORPUS_PROGRESS=off", home=home)
    run_cli("extract", "--workers", "2", home=home)
    run_cli("dedup", home=home)
    run_cli("report", "--out", str(home.parent / "report"), home=home)
    documents = {row["url"]: row for row in map(json.loads, run_cli("export", "documents", home=home).stdout.splitlines())}
    clusters = [json.loads(line) for line in run_cli("export", "clusters", "--all", home=home).stdout.splitlines()]
    page = next((home.parent / "report").glob("*.html")).read_text("utf-8")
    report = json.loads(page.split('id="report-data">', 1)[1].split("</script>", 1)[0])
    return truth, documents, clusters, report


def test_e_paper_pages_split_into_their_stories_as_the_ground_truth_says(deduped):
    truth, documents, *_ = deduped
    printed = [row for row in truth if row["kind"] == "epaper"]
    assert len({row["url"] for row in printed}) < len(printed)        # pages of several stories
    for row in printed:
        document = documents.get(row["document_url"])
        assert document is not None, row["document_url"]
        assert (document["page_url"], document["story_index"], document["page_number"], document["page_name"]) == (
            row["url"], row["story_index"], row["page_number"], row["page_name"]), row["document_url"]
    assert not {row["url"] for row in printed if row["document_url"] != row["url"]} & set(documents), \
        "a page split into stories is not also kept whole"


def test_story_pages_behind_an_image_map_keep_their_place_in_the_edition(deduped):
    truth, documents, *_ = deduped
    behind_map = [row for row in truth if row["kind"] == "epaper-story"]
    assert len(behind_map) >= 10
    for row in behind_map:
        document = documents[row["url"]]
        assert (document["page_url"], document["story_index"], document["page_number"], document["page_name"]) == (
            row["page_url"], row["story_index"], row["page_number"], row["page_name"]), row["url"]
        assert document["extra"]["epaper"]["coords"] == row["coords"]


def test_a_wire_story_printed_on_an_e_paper_page_clusters_with_its_wire_original(deduped):
    truth, _, clusters, report = deduped
    wire_on_paper = [row for row in truth if row["variant"] == "epaper-wire"]
    assert wire_on_paper
    original = {row["story"]: row["url"] for row in truth if row["outlet"] == "wire" and row["kind"] == "article"}
    for row in wire_on_paper:
        cluster = next(c for c in clusters if original[row["story"]] in {m["url"] for m in c["members"]})
        member = next((m for m in cluster["members"] if m["url"] == row["document_url"]), None)
        assert member is not None, (row["document_url"], [m["url"] for m in cluster["members"]])
        assert (member["page_url"], member["page_number"]) == (row["url"], row["page_number"])
        stories = {truth_row["story"] for truth_row in truth if truth_row["document_url"] in
                   {m["url"] for m in cluster["members"]}}
        assert stories == {row["story"]}, "nothing else from the page joins the cluster"
        shown = next(m for c in report["clusters"] for m in c["m"] if m[1] == row["document_url"])
        assert shown[8] == [row["url"], f"{row['page_number']} {row['page_name']}"], "the report shows the page"
