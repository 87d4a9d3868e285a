"""The whole path on the demo site: crawl -> extract -> dedup -> export clusters, scored on its ground truth."""

from __future__ import annotations

import json
from itertools import combinations

import pytest

from conftest import run_cli
from crawler.demosite import DemoSite
from dedup_support import precision_recall

pytestmark = pytest.mark.slow


def test_demo_site_copies_cluster_across_outlets_and_scripts(workspace):
    with DemoSite(scale=1, port=0) as site:
        truth = site.ground_truth()
        run_cli("crawl", "--start-url", site.url + "/", home=workspace)
    run_cli("extract", "--workers", "1", home=workspace)
    run_cli("dedup", home=workspace)
    clusters = [json.loads(line) for line in run_cli("export", "clusters", "--all", home=workspace).stdout.splitlines()]

    # E-paper pages hold several stories: scored as containments elsewhere, left out here.
    story = {row["url"]: row["story"] for row in truth if row["kind"] == "article"}
    script = {row["url"]: row["script"] for row in truth}
    predicted = {frozenset(pair) for cluster in clusters
                 for pair in combinations([m["url"] for m in cluster["members"] if m["url"] in story], 2)}
    by_story: dict[str, list[str]] = {}  # only documents that reached the store: dedup is judged here
    for url in {m["url"] for cluster in clusters for m in cluster["members"]}:
        if url in story:
            by_story.setdefault(story[url], []).append(url)
    gold = {frozenset(pair) for urls in by_story.values() for pair in combinations(urls, 2)}
    assert len(gold) >= 30
    precision, recall = precision_recall(predicted, gold)
    assert precision >= 0.99 and recall >= 0.97, (precision, recall)
    cross = {pair for pair in gold if len({script[url] for url in pair}) == 2}
    assert len(cross) >= 10 and cross <= predicted
