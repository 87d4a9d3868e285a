-- Clean: one row per extract run, with what produced its documents (reproducibility is data).
CREATE TABLE extract_runs (
    id               INTEGER PRIMARY KEY,
    started_at       TEXT NOT NULL,
    finished_at      TEXT,
    reextract        INTEGER NOT NULL DEFAULT 0,
    cleaner_version  TEXT NOT NULL,
    settings         TEXT NOT NULL,          -- JSON: CleanerSettings
    libraries        TEXT NOT NULL,          -- JSON: trafilatura, langdetect, opencc, lxml versions
    summary          TEXT                    -- JSON: run_extract's summary (NULL while running or if killed)
);
