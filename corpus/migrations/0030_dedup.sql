-- Dedup: persisted fingerprints so a second run only fingerprints new or changed documents.

-- How signatures were made: a signature is only comparable with one made the same way.
CREATE TABLE dedup_params (
    id               INTEGER PRIMARY KEY,
    library          TEXT NOT NULL,      -- "datasketch": signatures load as its MinHash/LeanMinHash
    library_version  TEXT NOT NULL,
    scheme           TEXT NOT NULL,      -- datasketch permutation scheme, e.g. "affine32"
    seed             INTEGER NOT NULL,
    num_perm         INTEGER NOT NULL,
    shingle_size     INTEGER NOT NULL,   -- characters per shingle
    shingle_hash     TEXT NOT NULL,      -- name and version of the shingle hash function
    normalizer       TEXT NOT NULL,      -- name and version of the fingerprint normalisation
    created_at       TEXT NOT NULL,
    UNIQUE (library, scheme, seed, num_perm, shingle_size, shingle_hash, normalizer)
);

CREATE TABLE dedup_signatures (
    doc_id       INTEGER PRIMARY KEY,                 -- documents.id
    params_id    INTEGER NOT NULL REFERENCES dedup_params (id),
    text_hash    TEXT NOT NULL,                       -- documents.text_hash when fingerprinted
    norm_hash    TEXT NOT NULL,                       -- xxh3_64 of the normalised text (exact duplicates)
    norm_chars   INTEGER NOT NULL,
    shingles     INTEGER NOT NULL,
    sentences    INTEGER NOT NULL,                    -- long sentences hashed into dedup_sentences
    hashvalues   BLOB NOT NULL,                       -- num_perm little-endian uint32
    computed_at  TEXT NOT NULL
);
CREATE INDEX dedup_signatures_norm ON dedup_signatures (norm_hash);

-- Long normalised sentences, to find a story inside a longer page (containment candidates).
CREATE TABLE dedup_sentences (
    hash    INTEGER NOT NULL,                         -- xxh3_64 of the sentence, as signed int64
    doc_id  INTEGER NOT NULL,
    PRIMARY KEY (hash, doc_id)
) WITHOUT ROWID;
CREATE INDEX dedup_sentences_doc ON dedup_sentences (doc_id);

CREATE TABLE dedup_runs (
    id           INTEGER PRIMARY KEY,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    settings     TEXT NOT NULL,                       -- JSON of DedupSettings
    params_id    INTEGER REFERENCES dedup_params (id),
    stats        TEXT                                 -- JSON summary
);
