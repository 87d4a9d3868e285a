-- One record of every stage that writes (crawl, extract, dedup, health, report, release, takedown,
-- ingest, init) and of every `run` cycle, written by one runner (corpus/stage.py) through one gateway
-- (corpus/runs.py). A cycle's stages point at it with parent_id.
--
-- This supersedes `cycle_runs` (its rows are copied here and the table dropped). `crawl_runs`,
-- `extract_runs` and `dedup_runs` stay as each stage's own detail (Scrapy stats, cleaner and dedup
-- parameters; `fetches.run_id` references `crawl_runs`); the stage's summary here names that row.
-- A killed run is one way only: a row still 'running' while nobody holds <home>/run.lock; the
-- next writing stage marks it 'killed' when it takes the lock.

CREATE TABLE runs (
    id           INTEGER PRIMARY KEY,
    parent_id    INTEGER REFERENCES runs (id),     -- the `run` cycle this stage ran in
    stage        TEXT NOT NULL,                     -- crawl | extract | dedup | ... | run
    status       TEXT NOT NULL DEFAULT 'running',   -- running | finished | degraded | failed | killed
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    pid          INTEGER NOT NULL,
    host         TEXT NOT NULL,
    settings     TEXT NOT NULL DEFAULT '{}',        -- JSON: the effective settings that differ from defaults
    libraries    TEXT NOT NULL DEFAULT '{}',        -- JSON: newscorpus and library versions
    options      TEXT NOT NULL DEFAULT '{}',        -- JSON: the command's options
    summary      TEXT,                              -- JSON: what the stage reports (alerts included)
    error        TEXT,                              -- one line, for the user
    detail       TEXT                               -- the traceback of an unexpected failure
);
CREATE INDEX runs_stage ON runs (stage, id);
CREATE INDEX runs_status ON runs (status);

INSERT INTO runs (stage, status, started_at, finished_at, pid, host, summary, error, options)
SELECT 'run', CASE status WHEN 'running' THEN 'killed' ELSE status END, started_at, finished_at, 0, '',
       stats, error, json_object('log_path', log_path, 'stage', stage)
FROM cycle_runs ORDER BY id;

DROP TABLE cycle_runs;
