-- The scheduled cycle (`newscorpus run`) and the site-health watch.

CREATE TABLE cycle_runs (
    id           INTEGER PRIMARY KEY,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL DEFAULT 'running',   -- running | finished | failed
    stage        TEXT,                              -- the stage running now, or the one that failed
    stats        TEXT,                              -- JSON: each stage's summary
    error        TEXT,
    log_path     TEXT
);

-- Per outlet and crawl run: how extraction went, to notice a site that changed its template.
CREATE TABLE site_health (
    crawl_run_id   INTEGER NOT NULL REFERENCES crawl_runs (id),
    outlet         TEXT NOT NULL,
    pages          INTEGER NOT NULL,    -- HTML pages fetched with status 200 in that run
    documents      INTEGER NOT NULL,
    yield          REAL,                -- documents / pages
    median_length  REAL,                -- characters of text
    dated_share    REAL,                -- documents with a published date / documents
    garbled_share  REAL,                -- pages rejected as garbled / pages
    reject_reasons TEXT NOT NULL,       -- JSON {reason: count}
    alerts         TEXT NOT NULL,       -- JSON list of plain-language warnings
    created_at     TEXT NOT NULL,
    PRIMARY KEY (crawl_run_id, outlet)
);
