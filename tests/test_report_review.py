"""`newscorpus review` and the static page's decisions, in real headless Chromium, through the real CLI.

ingest → dedup → review (a subprocess on 127.0.0.1) → click a split and a merge → dedup again: the
decisions hold in the store, show in the next report and are counted in the next release's manifest.
The static report.html's downloaded file goes through `decisions import`. The server refuses writes
without its token, from another origin or Host, and listens on loopback only.
"""

from __future__ import annotations

import http.client
import json
import os
import select
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import ROOT, run_cli
from report_support import CHROMIUM, HOSTILE_TITLE, Chromium, browser_articles

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (CI installs Debian's chromium)")]

NOTE_PAYLOAD = "<img src=x onerror=\"document.body.setAttribute('data-pwned','note')\">摘要</textarea><script>window.__pwned=1</script>"
STORY, COPY, TRADITIONAL = "https://morning.example/a/1", "https://agg.example/r/1", "https://hk.example/n/1"
EVIL, WIRE, WIRE_COPY = "https://evil.example/x", "https://wire.example/w/1", "https://wire.example/w/2"


class ReviewApp:
    """``newscorpus review --port 0`` in a subprocess; ``url`` is read from its first line."""

    def __init__(self, home: Path, *args: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "corpus.cli", "--home", str(home), "review", "--port", "0", *args],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**os.environ, "PYTHONIOENCODING": "utf-8"})
        if not select.select([self.process.stdout], [], [], 60)[0]:
            self.close()
            raise TimeoutError("review printed no URL")
        line = self.process.stdout.readline()
        assert line.startswith("Review: http://"), line + self.process.stderr.read()
        self.url = line.split()[1]
        self.port = urlsplit(self.url).port

    def close(self) -> str:
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err

    def __enter__(self) -> "ReviewApp":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


@pytest.fixture
def home(tmp_path) -> Path:
    home = tmp_path / "ws"
    planted = tmp_path / "articles.jsonl"
    planted.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in browser_articles()), "utf-8")
    run_cli("ingest", str(planted), home=home)
    run_cli("dedup", home=home)
    return home


def cluster_of(home: Path) -> dict[str, str]:
    records = [json.loads(line) for line in run_cli("export", "clusters", "--all", home=home).stdout.splitlines()]
    return {m["url"]: record["cluster_id"] for record in records for m in record["members"]}


def card(cluster_id: str) -> str:
    return f'.cluster[data-cluster-id="{cluster_id}"]'


def open_cluster(browser, cluster_id: str) -> None:
    browser.click(f"{card(cluster_id)} .cluster-head")
    browser.wait_for(f"document.querySelector('{card(cluster_id)} .cluster-body')")


def click_in_member_row(browser, cluster_id: str, url: str, button: str) -> None:
    rows = browser.evaluate(f"[...document.querySelectorAll('{card(cluster_id)} table.members tr')]"
                            ".map(r => (r.querySelector('a.url') || {}).href || '')")
    assert url in rows, rows
    browser.click(f"{card(cluster_id)} table.members tr:nth-child({rows.index(url) + 1}) {button}")


def no_payload_ran(browser) -> bool:
    return browser.evaluate("window.__pwned === undefined && !document.body.hasAttribute('data-pwned') "
                            "&& !document.title.includes('PWNED')")


def test_a_split_and_a_merge_clicked_in_review_hold_after_the_next_dedup(home, tmp_path):
    before = cluster_of(home)
    assert before[COPY] == before[STORY] == before[TRADITIONAL] and before[EVIL] != before[WIRE]
    with ReviewApp(home, "--editor", HOSTILE_TITLE) as app, Chromium() as browser:
        assert urlsplit(app.url).hostname == "127.0.0.1"
        browser.open(app.url)
        browser.wait_for("document.querySelectorAll('.cluster').length > 0")
        assert browser.evaluate("document.getElementById('d-editor').value") == HOSTILE_TITLE
        open_cluster(browser, before[STORY])
        browser.type("#d-note", NOTE_PAYLOAD)
        click_in_member_row(browser, before[STORY], COPY, ".d-split")
        browser.wait_for("document.getElementById('d-status').textContent.includes('saved as #')")
        browser.evaluate("document.getElementById('d-note').value = ''")
        for cluster_id in (before[EVIL], before[WIRE]):
            open_cluster(browser, cluster_id)
            browser.click(f"{card(cluster_id)} .d-select")
        browser.wait_for("!document.getElementById('d-merge').disabled")
        browser.click("#d-merge")
        browser.wait_for("document.querySelectorAll('#d-list li').length === 2")
        assert browser.evaluate("document.getElementById('d-status').textContent").startswith("merge saved as #")
        assert browser.evaluate(f"document.querySelector('{card(before[STORY])} .badge.decided').textContent") == "decision: 1"
        assert no_payload_ran(browser)

    exported = [json.loads(line) for line in run_cli("decisions", "export", home=home).stdout.splitlines()]
    assert [(d["action"], d["urls"][0], sorted(d["urls"][1:]), d["origin"], d["editor"]) for d in exported] == [
        ("split", COPY, sorted([STORY, TRADITIONAL, WIRE_COPY]), "review", HOSTILE_TITLE),
        ("merge", exported[1]["urls"][0], exported[1]["urls"][1:], "review", HOSTILE_TITLE)]
    assert sorted(exported[1]["urls"]) == sorted([EVIL, WIRE]) and exported[0]["note"] == NOTE_PAYLOAD

    run_cli("dedup", home=home)
    after = cluster_of(home)
    assert after[COPY] != after[STORY] == after[TRADITIONAL]
    assert after[EVIL] == after[WIRE]

    run_cli("report", "--out", str(tmp_path / "next"), home=home)
    report = json.loads((tmp_path / "next" / "report.json").read_text("utf-8"))
    assert [(d["action"], d["status"]) for d in report["decisions"]] == [("split", "holds"), ("merge", "holds")]
    run_cli("release", "--version", "v1", home=home)
    manifest = json.loads((home / "releases" / "v1" / "manifest.json").read_text("utf-8"))
    assert manifest["decisions"]["count"] == 2 and manifest["decisions"]["by_action"] == {"split": 1, "merge": 1}

    with Chromium() as browser:
        browser.open((tmp_path / "next" / "report.html").as_uri())
        browser.wait_for("document.querySelectorAll('.cluster').length > 0")
        decisions = browser.evaluate("document.getElementById('decisions').nextElementSibling.nextElementSibling.innerText")
        assert HOSTILE_TITLE in decisions and NOTE_PAYLOAD in decisions and "holds" in decisions
        marked = browser.evaluate("[...document.querySelectorAll('.cluster')].filter(c => c.querySelector('.badge.decided'))"
                                  ".map(c => c.dataset.clusterId)")
        assert set(marked) == {after[COPY], after[STORY], after[EVIL]}
        assert no_payload_ran(browser)


def test_the_static_page_downloads_decisions_that_decisions_import_reads(home, tmp_path):
    clusters = cluster_of(home)
    run_cli("report", "--out", str(tmp_path / "r"), home=home)
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    with Chromium() as browser:
        browser.allow_downloads(downloads)
        browser.open((tmp_path / "r" / "report.html").as_uri())
        browser.wait_for("document.querySelectorAll('.cluster').length > 0")
        assert browser.evaluate("document.getElementById('d-download').hidden")
        browser.type("#d-editor", "王编辑")
        open_cluster(browser, clusters[STORY])
        click_in_member_row(browser, clusters[STORY], TRADITIONAL, ".d-canonical")
        browser.type("#d-note", NOTE_PAYLOAD)
        click_in_member_row(browser, clusters[STORY], COPY, ".d-split")
        browser.wait_for("!document.getElementById('d-download').hidden")
        browser.click("#d-download")
        deadline = time.monotonic() + 20
        while not list(downloads.glob("decisions-*.jsonl")) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert no_payload_ran(browser)
    [downloaded] = downloads.glob("decisions-*.jsonl")
    assert run_cli("decisions", "export", home=home).stdout == ""
    imported = run_cli("decisions", "import", str(downloaded), home=home)
    assert "2 decision(s) added" in imported.stdout
    exported = [json.loads(line) for line in run_cli("decisions", "export", home=home).stdout.splitlines()]
    assert [(d["action"], d["urls"][0], d["editor"], d["note"]) for d in exported] == [
        ("canonical", TRADITIONAL, "王编辑", None), ("split", COPY, "王编辑", NOTE_PAYLOAD)]
    assert "0 decision(s) added, 2 already there" in run_cli("decisions", "import", str(downloaded), home=home).stdout


def post(port: int, body: dict, **headers) -> tuple[int, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request("POST", "/api/decisions", json.dumps(body), {"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a listening TCP socket on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:
                found.add(address)
    return found


def test_the_server_refuses_writes_without_its_token_and_listens_on_loopback_only(home):
    decision = {"action": "split", "urls": [COPY, STORY], "editor": "ed"}
    with ReviewApp(home) as app:
        assert listening_addresses(app.port) == {"0100007F"}  # 127.0.0.1 only, no wildcard, no IPv6
        connection = http.client.HTTPConnection("127.0.0.1", app.port, timeout=20)
        connection.request("GET", "/")
        page = connection.getresponse().read().decode("utf-8")
        connection.close()
        token = json.loads(page.split('id="report-data">', 1)[1].split("</script>", 1)[0])["review"]["token"]
        host = f"127.0.0.1:{app.port}"
        assert post(app.port, decision)[0] == 403
        assert post(app.port, decision, **{"X-Newscorpus-Token": "wrong"})[0] == 403
        assert post(app.port, decision, **{"X-Newscorpus-Token": token, "Origin": "http://evil.example"})[0] == 403
        assert post(app.port, decision, **{"X-Newscorpus-Token": token, "Origin": "null"})[0] == 403
        assert post(app.port, decision, **{"X-Newscorpus-Token": token, "Host": f"rebound.example:{app.port}"})[0] == 403
        assert run_cli("decisions", "export", home=home).stdout == ""
        bad = post(app.port, {"action": "split", "urls": [COPY]}, **{"X-Newscorpus-Token": token})
        assert bad[0] == 400 and "2 to" in bad[1]["error"]
        status, saved = post(app.port, decision, **{"X-Newscorpus-Token": token, "Origin": f"http://{host}"})
        assert status == 201 and saved["origin"] == "review" and saved["urls"] == [COPY, STORY]
        assert post(app.port, decision, **{"X-Newscorpus-Token": token})[0] == 200  # the same decision again
    assert len(run_cli("decisions", "export", home=home).stdout.splitlines()) == 1
    with ReviewApp(home, "--host", "0.0.0.0") as app:
        assert listening_addresses(app.port) == {"00000000"}
        warning = app.close()
    assert warning.startswith("Warning: listening on 0.0.0.0")
