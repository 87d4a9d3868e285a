import sqlite3

from corpus.store import Store, _migrations


def test_migrations_apply_once_in_wal_mode(tmp_path):
    path = tmp_path / "store.sqlite"
    with Store.open(path) as store:
        assert store.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        applied = [row[0] for row in store.execute("SELECT name FROM schema_migrations ORDER BY name")]
    assert applied == [name for name, _ in _migrations()]
    with Store.open(path) as store:  # a second open applies nothing
        assert store.migrate() == []
        tables = {row[0] for row in store.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"fetches", "urls", "documents", "rejects", "clusters", "cluster_members"} <= tables


def test_transaction_rolls_back_on_error(tmp_path):
    with Store.open(tmp_path / "s.sqlite") as store:
        try:
            with store.transaction() as db:
                db.execute("INSERT INTO crawl_runs (started_at) VALUES ('2026-01-01')")
                raise RuntimeError("boom")
        except RuntimeError:
            pass
        assert store.execute("SELECT count(*) FROM crawl_runs").fetchone()[0] == 0


def test_migration_is_atomic(tmp_path, monkeypatch):
    broken = [("0001_ok", "CREATE TABLE a (x);"), ("0002_bad", "CREATE TABLE b (x);\nNOT SQL;")]
    monkeypatch.setattr("corpus.store._migrations", lambda: broken)
    try:
        Store.open(tmp_path / "s.sqlite")
    except sqlite3.OperationalError:
        pass
    conn = sqlite3.connect(tmp_path / "s.sqlite")
    names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "a" in names and "b" not in names
    assert [row[0] for row in conn.execute("SELECT name FROM schema_migrations")] == ["0001_ok"]


def test_has_table_tells_tables_from_other_objects(tmp_path):
    from corpus.store import has_table

    with Store.open(tmp_path / "s.sqlite") as store:
        assert has_table(store.conn, "documents")
        assert not has_table(store.conn, "documents_outlet")   # an index, not a table
        assert not has_table(store.conn, "no_such_table")
