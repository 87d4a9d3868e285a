-- Dedup: why each document is where it is, and "same template" links between other editions.

-- One row per clustered document: the evidence it joined on (or why it is the canonical).
CREATE TABLE dedup_member_reasons (
    doc_id   INTEGER PRIMARY KEY,                     -- documents.id, as in cluster_members
    reason   TEXT NOT NULL                            -- e.g. "similarity 0.83 with the canonical"
);

-- Near-identical texts kept apart because their figures and dates differ and they were published
-- on different days: one template, two editions (e.g. a daily price report).
CREATE TABLE dedup_links (
    doc_a       INTEGER NOT NULL,                     -- the lower documents.id
    doc_b       INTEGER NOT NULL,
    kind        TEXT NOT NULL,                        -- "same-template"
    similarity  REAL NOT NULL,                        -- verified Jaccard
    reason      TEXT NOT NULL,
    PRIMARY KEY (doc_a, doc_b)
) WITHOUT ROWID;
CREATE INDEX dedup_links_b ON dedup_links (doc_b);
