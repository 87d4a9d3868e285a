-- WARC as the interchange: which WARC files `import-warc` (or `extract`) has indexed into the fetch log.

-- One row per file indexed; a file whose size and digest are unchanged is never read again, and a
-- copy of an indexed file under another name is recognised by its digest.
CREATE TABLE warc_imports (
    id           INTEGER PRIMARY KEY,
    file         TEXT NOT NULL UNIQUE,   -- as fetches.warc_file: relative to warc/, else an absolute path
    size         INTEGER NOT NULL,       -- bytes indexed (a file still being written is indexed again when it grows)
    digest       TEXT NOT NULL,          -- "sha1:<hex>" of those bytes
    software     TEXT,                   -- the warcinfo record's `software`, when there is one
    imported_at  TEXT NOT NULL,
    summary      TEXT NOT NULL           -- JSON: records indexed, already indexed, skipped by reason
);
CREATE INDEX warc_imports_digest ON warc_imports (digest, size);

-- Per-record idempotence: a response already in the fetch log (by the crawl or an earlier import)
-- is found by where it is. A failed download's row points at its metadata record instead.
CREATE INDEX fetches_warc ON fetches (warc_file, warc_offset);
