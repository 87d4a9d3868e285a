-- Editors' decisions about clusters: applied by every later dedup, shown in reports, recorded in releases.

CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    action      TEXT NOT NULL CHECK (action IN ('split', 'merge', 'canonical')),
    urls        TEXT NOT NULL,            -- JSON list of document URLs (meaning depends on action)
    editor      TEXT,
    note        TEXT,
    created_at  TEXT NOT NULL,            -- when the editor made it (kept across export/import)
    origin      TEXT NOT NULL,            -- 'review' (the review app), 'import' (decisions import)
    digest      TEXT NOT NULL UNIQUE      -- sha256 of action, urls, editor, note: importing twice adds nothing
);
CREATE INDEX decisions_created ON decisions (created_at);
