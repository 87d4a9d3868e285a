"""Site health: a template change that makes an outlet yield navigation instead of articles is flagged."""

import json

from corpus.health import latest_alerts, record_run_health
from corpus.store import Store, utc_now


def _crawl_run(store, outlet, pages, good, text_length=800, dated=True, garbled=0):
    """One crawl run of `pages` article pages, `good` of which became documents, `garbled` rejected so."""
    with store.transaction() as db:
        run_id = db.execute("INSERT INTO crawl_runs (started_at) VALUES (?)", (utc_now(),)).lastrowid
        for n in range(pages):
            url = f"http://127.0.0.1/{outlet}/{run_id}/{n}.html"
            fetch_id = db.execute(
                "INSERT INTO fetches (run_id, url, site, kind, status, fetched_at) VALUES (?, ?, ?, 'article', 200, ?)",
                (run_id, url, outlet, utc_now())).lastrowid
            if n < good:
                db.execute(
                    "INSERT INTO documents (url, outlet, fetch_id, text, published, cleaner_version, text_hash, "
                    "created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'test', 'h', ?, ?)",
                    (url, outlet, fetch_id, "文" * text_length, "2025-01-01T00:00:00+08:00" if dated else None,
                     utc_now(), utc_now()))
            else:
                reason = "garbled" if n - good < garbled else "not-article"
                db.execute(
                    "INSERT INTO rejects (url, outlet, fetch_id, reason, cleaner_version, created_at) "
                    "VALUES (?, ?, ?, ?, 'test', ?)", (url, outlet, fetch_id, reason, utc_now()))
    return run_id


def test_steady_outlet_raises_no_alert(tmp_path):
    with Store.open(tmp_path / "s.sqlite") as store:
        for _ in range(4):
            run_id = _crawl_run(store, "wire", pages=20, good=19)
            [health] = record_run_health(store, run_id)
        assert health.yield_ == 19 / 20
        assert health.reject_reasons == {"not-article": 1}
        assert health.alerts == []
        assert latest_alerts(store) == []


def test_template_change_is_flagged_per_metric(tmp_path):
    with Store.open(tmp_path / "s.sqlite") as store:
        for _ in range(3):
            record_run_health(store, _crawl_run(store, "hk", pages=20, good=19))
            record_run_health(store, _crawl_run(store, "wire", pages=20, good=19))
        # hk now yields navigation: few documents, short, undated, and garbled pages.
        broken = _crawl_run(store, "hk", pages=20, good=4, text_length=120, dated=False, garbled=8)
        [health] = record_run_health(store, broken)
        alerts = " ".join(health.alerts)
        assert "hk: only 20% of article pages gave a document (usually 95%)" in alerts
        assert "median text length 120" in alerts
        assert "have a date" in alerts
        assert "garbled" in alerts
        stored = store.execute("SELECT alerts FROM site_health WHERE crawl_run_id = ?", (broken,)).fetchone()[0]
        assert json.loads(stored) == health.alerts
        # Only the outlet that changed is reported.
        assert all(alert.startswith("hk:") for alert in latest_alerts(store))
        assert len(latest_alerts(store)) == 4


def test_small_runs_are_not_judged(tmp_path):
    with Store.open(tmp_path / "s.sqlite") as store:
        for _ in range(3):
            record_run_health(store, _crawl_run(store, "agg", pages=20, good=19))
        [health] = record_run_health(store, _crawl_run(store, "agg", pages=3, good=0))
        assert health.alerts == []


def test_report_and_status_say_plainly_which_outlet_changed(tmp_path):
    from conftest import run_cli

    home = tmp_path / "ws"
    home.mkdir()
    with Store.open(home / "store.sqlite") as store:
        for _ in range(3):
            record_run_health(store, _crawl_run(store, "hk", pages=20, good=19))
        record_run_health(store, _crawl_run(store, "hk", pages=20, good=4))
    run_cli("report", "--out", str(tmp_path / "report"), home=home)
    report = json.loads((tmp_path / "report" / "report.json").read_text("utf-8"))
    [section] = [s for s in report["sections"] if s["key"] == "site_health"]
    assert section["rows"][0][:4] == ["hk", 4, 20, 4]
    assert any("hk: only 20% of article pages gave a document" in alert for alert in section["alerts"])
    assert "only 20% of article pages gave a document" in (tmp_path / "report" / "report.html").read_text("utf-8")
    status = run_cli("status", home=home).stdout
    assert "WARNING" in status and "hk: only 20% of article pages" in status
