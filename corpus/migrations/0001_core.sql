-- The tables every stage shares. Stage-specific tables come in later migrations:
-- 001x crawl, 002x clean, 003x dedup, 004x release, 005x report and the run cycle.

-- Crawl ---------------------------------------------------------------------------------------

CREATE TABLE sites (
    name        TEXT PRIMARY KEY,        -- the outlet name documents carry
    config      TEXT NOT NULL,           -- the site configuration as JSON
    updated_at  TEXT NOT NULL
);

CREATE TABLE crawl_runs (
    id           INTEGER PRIMARY KEY,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL DEFAULT 'running',   -- running | finished | failed
    sites        TEXT,                              -- JSON list of site names
    stats        TEXT                               -- JSON: Scrapy stats plus ours
);

-- The seen-URL state: what the crawler knows about every URL, kept across runs and kills.
CREATE TABLE urls (
    url              TEXT PRIMARY KEY,
    site             TEXT NOT NULL,
    kind             TEXT NOT NULL,     -- article | listing | sitemap | feed | other
    discovered_at    TEXT NOT NULL,
    discovered_via   TEXT,              -- start | robots | sitemap | news-sitemap | feed | listing | backfill
    hints            TEXT,              -- JSON: news:title, news:publication_date, feed pubDate, ...
    last_fetch_id    INTEGER,
    last_status      INTEGER,
    last_fetched_at  TEXT,
    etag             TEXT,
    last_modified    TEXT,
    next_visit_at    TEXT               -- when an article is due for a conditional revisit
);
CREATE INDEX urls_site ON urls (site, kind);

-- One row per HTTP exchange written to WARC (or per failed attempt, with `error`).
CREATE TABLE fetches (
    id                 INTEGER PRIMARY KEY,
    run_id             INTEGER REFERENCES crawl_runs (id),
    url                TEXT NOT NULL,        -- the URL requested
    final_url          TEXT,                 -- after redirects
    site               TEXT,
    kind               TEXT,
    status             INTEGER,
    fetched_at         TEXT NOT NULL,
    content_type       TEXT,
    content_length     INTEGER,
    content_hash       TEXT,                 -- the WARC-Payload-Digest, e.g. "sha1:B32..."
    encoding           TEXT,                 -- Python codec chosen for the body
    encoding_evidence  TEXT,                 -- JSON: header, bom, meta, check results
    etag               TEXT,
    last_modified      TEXT,
    warc_file          TEXT,                 -- path relative to the workspace's warc/
    warc_offset        INTEGER,              -- offset of the response record
    warc_length        INTEGER,
    error              TEXT
);
CREATE INDEX fetches_url ON fetches (url);
CREATE INDEX fetches_run ON fetches (run_id);

-- Clean ---------------------------------------------------------------------------------------

-- The current clean document of each URL (crawled or ingested). Never deleted by dedup.
CREATE TABLE documents (
    id               INTEGER PRIMARY KEY,
    url              TEXT NOT NULL UNIQUE,
    outlet           TEXT,
    fetch_id         INTEGER REFERENCES fetches (id),
    title            TEXT,
    text             TEXT NOT NULL,         -- paragraphs separated by "\n", original script
    published        TEXT,                  -- ISO 8601 with offset
    date_source      TEXT,                  -- jsonld | meta | sitemap | feed | text | url | ...
    author           TEXT,
    lang             TEXT,
    script           TEXT,                  -- zh-Hans | zh-Hant | mixed | NULL
    encoding         TEXT,
    cleaner_version  TEXT NOT NULL,
    text_hash        TEXT NOT NULL,         -- hash of `text`, to see edits between versions
    source           TEXT NOT NULL DEFAULT 'crawl',   -- crawl | ingest
    extra            TEXT,                  -- JSON: date disagreements, rule counts, ...
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);
CREATE INDEX documents_outlet ON documents (outlet);

-- A page the cleaners refused, with the reason; the editor report shows these.
CREATE TABLE rejects (
    id               INTEGER PRIMARY KEY,
    url              TEXT NOT NULL UNIQUE,
    outlet           TEXT,
    fetch_id         INTEGER REFERENCES fetches (id),
    reason           TEXT NOT NULL,         -- too-short | not-article | garbled | wrong-language | ...
    detail           TEXT,
    cleaner_version  TEXT NOT NULL,
    created_at       TEXT NOT NULL
);

-- Dedup ---------------------------------------------------------------------------------------

-- Every deduplicated document belongs to exactly one cluster; singletons are clusters of one.
CREATE TABLE clusters (
    id                TEXT PRIMARY KEY,     -- stable across dedup runs and releases
    canonical_doc_id  INTEGER NOT NULL REFERENCES documents (id),
    canonical_reason  TEXT NOT NULL,        -- why this member is the canonical one
    size              INTEGER NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

CREATE TABLE cluster_members (
    doc_id      INTEGER PRIMARY KEY REFERENCES documents (id),
    cluster_id  TEXT NOT NULL REFERENCES clusters (id),
    similarity  REAL NOT NULL,              -- verified similarity to the canonical (1.0 for it)
    method      TEXT NOT NULL               -- canonical | exact | near
);
CREATE INDEX cluster_members_cluster ON cluster_members (cluster_id);

-- "container holds most of contained": flagged, never merged.
CREATE TABLE containments (
    container_doc_id  INTEGER NOT NULL REFERENCES documents (id),
    contained_doc_id  INTEGER NOT NULL REFERENCES documents (id),
    containment       REAL NOT NULL,        -- share of the contained text found in the container
    PRIMARY KEY (container_doc_id, contained_doc_id)
);
