-- Release stage: takedown tombstones. A URL listed here is left out of every later release
-- (dedup skips it too) and named in that release's changes. `purge` = 1 when the raw WARC
-- records were blanked as well; `purged_at` is set once that is done.
CREATE TABLE takedowns (
    url         TEXT PRIMARY KEY,
    reason      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    purge       INTEGER NOT NULL DEFAULT 0,
    purged_at   TEXT
);
