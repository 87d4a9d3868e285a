"""Store states for the release tests, built with plain SQL (a stand-in for extract + dedup).

``put_document`` writes a document row the way the cleaners would; ``set_clusters`` replaces all
clusters the way a dedup run would, with explicit story ids so the tests know what to expect.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow.parquet as pq

from corpus.store import utc_now
from corpus.workspace import Workspace

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "release"


def real_texts() -> list[str]:
    """16 real Simplified Chinese news texts (THUCNews excerpts), split into two paragraphs each."""
    texts = []
    for line in (FIXTURES / "thucnews-16.tsv").read_text("utf-8").splitlines():
        text = line.split("\t", 1)[1]
        texts.append(text[:250] + "\n" + text[250:])
    return texts


def put_document(ws: Workspace, url: str, text: str, outlet: str = "wire", title: str | None = None,
                 published: str | None = "2025-05-25T08:00:00+08:00", script: str = "zh-Hans",
                 cleaner_version: str = "test-1") -> int:
    """Insert or update the document of ``url``; return its id."""
    now = utc_now()
    with ws.open_store() as store, store.transaction() as db:
        db.execute(
            """INSERT INTO documents (url, outlet, title, text, published, lang, script, cleaner_version,
                                      text_hash, source, created_at, updated_at)
               VALUES (?, ?, ?, ?, ?, 'zh', ?, ?, ?, 'ingest', ?, ?)
               ON CONFLICT (url) DO UPDATE SET text = excluded.text, text_hash = excluded.text_hash,
                                              title = excluded.title, updated_at = excluded.updated_at""",
            (url, outlet, title or text[:12], text, published, script, cleaner_version,
             hashlib.sha1(text.encode()).hexdigest(), now, now),
        )
        return db.execute("SELECT id FROM documents WHERE url = ?", (url,)).fetchone()[0]


def singleton_corpus(ws: Workspace, documents: int) -> None:
    """``documents`` stories of one page each (real texts, made distinct), written in one transaction."""
    texts, now = real_texts(), utc_now()
    with ws.open_store() as store, store.transaction() as db:
        for i in range(documents):
            text = f"{texts[i % len(texts)]}\n（第{i}期）"
            doc = db.execute(
                """INSERT INTO documents (url, outlet, title, text, lang, script, cleaner_version, text_hash,
                                          created_at, updated_at)
                   VALUES (?, 'wire', ?, ?, 'zh', 'zh-Hans', 'test-1', ?, ?, ?)""",
                (f"https://wire.example.cn/{i}.html", text[:12], text, hashlib.sha1(text.encode()).hexdigest(),
                 now, now)).lastrowid
            db.execute("INSERT INTO clusters VALUES (?, ?, 'only member', 1, ?, ?)", (f"s-{i:05d}", doc, now, now))
            db.execute("INSERT INTO cluster_members VALUES (?, ?, 1.0, 'canonical')", (doc, f"s-{i:05d}"))


def set_clusters(ws: Workspace, clusters: dict[str, list[str]]) -> None:
    """Replace every cluster: ``{story id: [canonical url, duplicate url, ...]}``."""
    now = utc_now()
    with ws.open_store() as store, store.transaction() as db:
        db.execute("DELETE FROM cluster_members")
        db.execute("DELETE FROM clusters")
        for cluster_id, urls in clusters.items():
            ids = [db.execute("SELECT id FROM documents WHERE url = ?", (url,)).fetchone()[0] for url in urls]
            db.execute("INSERT INTO clusters VALUES (?, ?, 'earliest published, longest text', ?, ?, ?)",
                       (cluster_id, ids[0], len(ids), now, now))
            for position, doc_id in enumerate(ids):
                db.execute("INSERT INTO cluster_members VALUES (?, ?, ?, ?)",
                           (doc_id, cluster_id, 1.0 if position == 0 else 0.9,
                            "canonical" if position == 0 else "near"))


def data_table(release: Path):
    """All data shards of a release as one pyarrow table."""
    return pq.read_table(release / "data")


def data_checksums(release: Path) -> dict[str, str]:
    """sha256 of every Parquet file but changes.parquet (which depends on the parent release)."""
    return {path.relative_to(release).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(release.rglob("*.parquet")) if path.name != "changes.parquet"}
