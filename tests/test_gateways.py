"""The store gateways' rules, on a real migrated SQLite store: what a write may replace, what it may not."""

from __future__ import annotations

from corpus import documents, fetches
from corpus.documents import Document, Reject
from corpus.fetches import Fetch
from corpus.store import Store


def cleaned(url: str, text: str = "正文。" * 40) -> dict:
    """A document as the cleaners hand it over (plain dict, our column names, plus keys we do not store)."""
    return {"url": url, "outlet": "wire", "title": "标题", "text": text, "published": "2024-05-01T08:00:00+08:00",
            "date_source": "meta", "author": None, "lang": "zh", "script": "zh-Hans", "encoding": "gb18030",
            "cleaner_version": "test-1", "text_hash": "xxh64:1", "extra": {"rules": {"nav": 2}}}


def test_documents_and_rejects_replace_each_other_only_one_way(tmp_path):
    store = Store.open(tmp_path / "store.sqlite")
    with store.transaction() as db:
        assert documents.write_reject(db, Reject("https://a.cn/1", "too-short", "test-1", outlet="wire"))
        first = documents.write_document(db, Document.from_cleaned(cleaned("https://a.cn/1"), None, source="ingest"))
        # A later reject of the same URL never replaces its document (dedup refers to the id).
        assert not documents.write_reject(db, Reject("https://a.cn/1", "garbled", "test-1"))
        again = documents.write_document(db, Document.from_cleaned(cleaned("https://a.cn/1", "新的正文。"), None))
    assert again == first
    assert documents.count_rejects(store.conn) == 0
    (row,) = documents.iter_documents(store.conn)
    assert (row.id, row.url, row.text, row.source, row.encoding) == (first, "https://a.cn/1", "新的正文。", "crawl",
                                                                     "gb18030")
    assert row.extra == {"rules": {"nav": 2}} and row.page_url is None and row.created_at is not None


def test_a_split_page_becomes_its_first_story_but_never_overwrites_one(tmp_path):
    store = Store.open(tmp_path / "store.sqlite")
    with store.transaction() as db:
        page = documents.write_document(db, Document.from_cleaned(cleaned("https://a.cn/page"), None))
        story = documents.write_document(db, Document.from_cleaned(cleaned("https://a.cn/page#2"), None))
        assert documents.move_document(db, "https://a.cn/page", "https://a.cn/page#1")
        assert not documents.move_document(db, "https://a.cn/page#1", "https://a.cn/page#2")
    assert documents.ids_by_url(store.conn, ["https://a.cn/page#1", "https://a.cn/page#2", "https://a.cn/page"]) == \
        {"https://a.cn/page#1": page, "https://a.cn/page#2": story}


def fetch(url: str, fetched_at: str, status: int | None, error: str | None = None, **more) -> Fetch:
    return Fetch(url=url, site="wire", kind="article", fetched_at=fetched_at, status=status, error=error, **more)


def test_an_old_archive_imported_late_does_not_undo_a_newer_fetch(tmp_path):
    store = Store.open(tmp_path / "store.sqlite")
    url = "https://a.cn/1"
    with store.transaction() as db:
        fetches.write_fetch(db, fetch(url, "2024-05-02T00:00:00+00:00", 200, etag='"new"'), set(), run_id=None)
        fetches.write_fetch(db, fetch(url, "2024-05-01T00:00:00+00:00", 404, etag='"old"'), set(), forward_only=True)
    visit = fetches.visits(store.conn, ["wire"])[url]
    assert (visit.last_status, visit.etag, visit.last_fetched_at) == (200, '"new"', "2024-05-02T00:00:00+00:00")
    with store.transaction() as db:   # the crawl's own fetches always move the state
        fetches.write_fetch(db, fetch(url, "2024-05-01T00:00:00+00:00", 404), set())
    assert fetches.visits(store.conn, ["wire"])[url].last_status == 404


def test_retries_in_one_crawl_count_as_one_failure_and_a_success_clears_them(tmp_path):
    store = Store.open(tmp_path / "store.sqlite")
    url = "https://a.cn/slow"
    for crawl in range(2):
        failed: set[str] = set()
        with store.transaction() as db:
            for attempt in range(3):
                fetches.write_fetch(db, fetch(url, f"2024-05-0{crawl + 1}T00:0{attempt}:00+00:00", 503), failed)
    assert fetches.visits(store.conn, ["wire"])[url].failures == 2
    with store.transaction() as db:
        fetches.write_fetch(db, fetch(url, "2024-05-03T00:00:00+00:00", 200, revisit_after=3600.0), set())
    visit = fetches.visits(store.conn, ["wire"])[url]
    assert visit.failures == 0 and visit.settled
    next_visit = store.execute("SELECT next_visit_at FROM urls WHERE url = ?", (url,)).fetchone()[0]
    assert next_visit == "2024-05-03T01:00:00+00:00"
