-- Clean: the extract stage's own state.

-- One row per fetch the extract stage has handled, so a run is idempotent and a killed run resumes.
CREATE TABLE extractions (
    fetch_id         INTEGER PRIMARY KEY REFERENCES fetches (id),
    url              TEXT NOT NULL,
    outlet           TEXT,
    status           TEXT NOT NULL,          -- document | reject | error
    reason           TEXT,                   -- the reject reason or the error
    cleaner_version  TEXT NOT NULL,
    extracted_at     TEXT NOT NULL
);
CREATE INDEX extractions_url ON extractions (url, status);

-- Site-level boilerplate, learned incrementally: on how many of an outlet's pages each line occurs.
CREATE TABLE outlet_pages (
    outlet  TEXT PRIMARY KEY,
    pages   INTEGER NOT NULL
);
CREATE TABLE outlet_lines (
    outlet     TEXT NOT NULL,
    line_hash  INTEGER NOT NULL,             -- cleaners.boilerplate.line_key
    pages      INTEGER NOT NULL,
    PRIMARY KEY (outlet, line_hash)
) WITHOUT ROWID;
-- The lines last judged boilerplate per outlet, to know when documents must be swept again.
CREATE TABLE outlet_boilerplate (
    outlet     TEXT NOT NULL,
    line_hash  INTEGER NOT NULL,
    PRIMARY KEY (outlet, line_hash)
) WITHOUT ROWID;
